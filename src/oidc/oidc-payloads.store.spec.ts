import { chainedWrites } from './oidc-payloads.store.js';

const row = (model: string) => ['inst', model, `hash-${model}`, '{}', 'grant', null, null, 'user', null];
const event = (model: string) => ['inst', 'oidc_token', `${model}:x`, 'oidc.access_token.added', '{}', 'user', 'inst'];

/** The placeholders a statement uses, in order of first use. */
const placeholders = (text: string) => [...new Set([...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))];

describe('chainedWrites', () => {
  it('numbers every parameter once, in the order the parameters come', () => {
    for (const { writes, rotated } of [
      { writes: [{ row: row('ClientCredentials'), event: event('ClientCredentials') }] },
      { writes: [{ row: row('Session') }] },
      {
        writes: [
          { row: row('RefreshToken'), event: event('RefreshToken') },
          { row: row('AccessToken'), event: event('AccessToken') },
        ],
        rotated: 'old',
      },
    ]) {
      const { text, params } = chainedWrites('inst', writes, rotated);
      expect(placeholders(text)).toEqual(params.map((_, i) => i + 1));
    }
  });

  it('writes each row only after the one before it, the first only after the consumed refresh token', () => {
    const { text, params } = chainedWrites(
      'inst',
      [{ row: row('RefreshToken'), event: event('RefreshToken') }, { row: row('AccessToken') }],
      'old',
    );
    expect(params.slice(0, 2)).toEqual(['inst', 'old']);
    expect(text).toMatch(
      /rotated AS \(UPDATE oidc_payloads SET consumed_at = now\(\).*AND consumed_at IS NULL RETURNING 1\)/s,
    );
    expect(text).toMatch(/w0 AS \(INSERT .* WHERE EXISTS \(SELECT 1 FROM rotated\)/s);
    expect(text).toMatch(/e0 AS \(\s*INSERT INTO events .* FROM w0 WHERE w0\.inserted/s);
    expect(text).toMatch(/w1 AS \(INSERT .* WHERE EXISTS \(SELECT 1 FROM w0\)/s);
    expect(text).not.toContain('e1 AS');
    expect(text).toMatch(/SELECT \(SELECT inserted FROM w1\) AS inserted$/);
  });

  it('writes a lone row unguarded', () => {
    const { text } = chainedWrites('inst', [{ row: row('Session') }]);
    expect(text).not.toContain('EXISTS');
    expect(text).toContain('VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)');
  });
});
