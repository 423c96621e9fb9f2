import { nulCharacterAt } from './pipeline.js';

describe('nulCharacterAt', () => {
  it('finds U+0000 in strings, nested messages, oneofs, lists and map keys, by path', () => {
    expect(nulCharacterAt({ $typeName: 'x', userId: 'a\u0000' })).toBe('userId');
    expect(nulCharacterAt({ profile: { givenName: 'ok', familyName: '\u0000' } })).toBe('profile.familyName');
    expect(nulCharacterAt({ queries: [{ query: { case: 'userNameQuery', value: { userName: 'x\u0000' } } }] })).toBe('queries.0.query.value.userName');
    expect(nulCharacterAt({ metadata: { 'k\u0000': 'v' } })).toBe('metadata.k\u0000');
  });

  it('leaves everything else alone, bytes included', () => {
    expect(nulCharacterAt({ a: 'plain', b: 1, c: true, d: null, e: new Uint8Array([0]), f: [1n, 'é👍'] })).toBeUndefined();
  });
});
