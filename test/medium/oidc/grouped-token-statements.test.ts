import { randomBytes } from 'node:crypto';
import type { AdapterPayload } from 'oidc-provider';
import { postgresAdapter } from '../../../src/oidc/oidc-payloads.store.js';
import { hashToken, MasterKey } from '../../../src/platform/crypto/master-key.js';
import { EventStore } from '../../../src/platform/events/event-store.js';
import { mediumAppForFile } from '../support/medium-app.js';

const medium = mediumAppForFile();

const adapter = (model: string) => {
  const { app, database, instance } = medium();
  const Adapter = postgresAdapter(database.dataSource, app.get(EventStore), app.get(MasterKey), instance.id);
  return new Adapter(model);
};
const tokenValue = () => randomBytes(24).toString('base64url');
const payload = (extra: object = {}): AdapterPayload =>
  ({ kind: 'AccessToken', accountId: 'grouped-user', clientId: 'grouped-client', scope: 'openid', ...extra }) as never;

async function stored(values: readonly string[]) {
  const ids = values.map((v) => hashToken(v));
  const rows: { id: string; payload: AdapterPayload; tx: string }[] = await medium().database.dataSource.query(
    `SELECT id, payload, xmin::text AS tx FROM oidc_payloads WHERE instance_id = $1 AND id = ANY($2)`,
    [medium().instance.id, ids],
  );
  const events: { aggregate_id: string; tx: string }[] = await medium().database.dataSource.query(
    `SELECT aggregate_id, xmin::text AS tx FROM events WHERE instance_id = $1 AND aggregate_id = ANY($2)`,
    [medium().instance.id, ids.map((id) => `AccessToken:${id.slice(0, 32)}`)],
  );
  return { rows, events };
}

describe('token saves and look-ups made at once are grouped into one statement', () => {
  it('saves made while a save is running go in one transaction, each row with its audit event', async () => {
    const tokens = adapter('AccessToken');
    const values = Array.from({ length: 20 }, tokenValue);
    await Promise.all(values.map((v, i) => tokens.upsert(v, payload({ scope: `openid n${i}` }), 600)));
    const { rows, events } = await stored(values);
    expect(rows).toHaveLength(20);
    expect(events).toHaveLength(20);
    // The first save runs alone; the others, made while it ran, share the next transaction.
    expect(new Set(rows.map((r) => r.tx)).size).toBeLessThanOrEqual(2);
    expect(new Set(events.map((e) => e.tx))).toEqual(new Set(rows.map((r) => r.tx)));
    const byId = new Map(rows.map((r) => [r.id, r.payload]));
    expect(values.map((v) => byId.get(hashToken(v))?.scope)).toEqual(values.map((_, i) => `openid n${i}`));
  });

  it('steps of a flow (sessions) keep a statement each: only new tokens, whose ids are random, are grouped', async () => {
    const sessions = adapter('Session');
    const ids = Array.from({ length: 6 }, tokenValue);
    await Promise.all(ids.map((id) => sessions.upsert(id, { kind: 'Session', uid: id } as never, 600)));
    const rows: { tx: string }[] = await medium().database.dataSource.query(
      `SELECT xmin::text AS tx FROM oidc_payloads WHERE instance_id = $1 AND model = 'Session' AND id = ANY($2)`,
      [medium().instance.id, ids.map((id) => hashToken(id))],
    );
    expect(rows).toHaveLength(6);
    expect(new Set(rows.map((r) => r.tx)).size).toBe(6);
  });

  it('a group PostgreSQL refuses (one row saved twice) is written save by save: every save succeeds, an event only for the new row', async () => {
    const tokens = adapter('AccessToken');
    const [first, twice, other] = [tokenValue(), tokenValue(), tokenValue()];
    const running = tokens.upsert(first, payload(), 600);
    await new Promise((r) => setImmediate(r));
    await Promise.all([
      running,
      tokens.upsert(twice, payload({ scope: 'openid a' }), 600),
      tokens.upsert(twice, payload({ scope: 'openid b' }), 600),
      tokens.upsert(other, payload(), 600),
    ]);
    const { rows, events } = await stored([first, twice, other]);
    expect(rows).toHaveLength(3);
    expect(['openid a', 'openid b']).toContain(rows.find((r) => r.id === hashToken(twice))?.payload.scope);
    expect(events.filter((e) => e.aggregate_id === `AccessToken:${hashToken(twice).slice(0, 32)}`)).toHaveLength(1);
    expect(events).toHaveLength(3);
  });

  it('look-ups made at once each find their own token and grant, and nothing for an unknown or expired value', async () => {
    const [tokens, grants] = [adapter('AccessToken'), adapter('Grant')];
    const values = Array.from({ length: 12 }, tokenValue);
    const grantIds = values.map(() => tokenValue());
    await Promise.all(
      grantIds.map((g) => grants.upsert(g, { kind: 'Grant', accountId: 'grouped-user' } as never, 600)),
    );
    await Promise.all(values.map((v, i) => tokens.upsert(v, payload({ grantId: grantIds[i], scope: `s${i}` }), 600)));
    const expired = tokenValue();
    await tokens.upsert(expired, payload(), 600);
    await medium().database.dataSource.query(
      `UPDATE oidc_payloads SET expires_at = now() - interval '1 second' WHERE instance_id = $1 AND id = $2`,
      [medium().instance.id, hashToken(expired)],
    );

    const found = await Promise.all([...values, 'unknown-token', expired].map((v) => tokens.find(v)));
    expect(found.slice(0, values.length)).toMatchObject(
      values.map((v, i) => ({ jti: v, scope: `s${i}`, grantId: grantIds[i] })),
    );
    expect(found.slice(values.length)).toEqual([undefined, undefined]);
    // The grant read with each token serves the grant look-up that follows.
    const foundGrants = await Promise.all(grantIds.map((g) => grants.find(g)));
    expect(foundGrants).toMatchObject(grantIds.map((g) => ({ jti: g, kind: 'Grant' })));
  });
});
