import { sweepExpired } from '../../src/oidc/oidc-payloads.store.js';
import { serverForFile } from '../support/test-server.js';

/** Expired OIDC artifacts go a minute after their expiry; live ones stay. */
const server = serverForFile();

it('deletes rows a minute past their expiry and answers how many', async () => {
  const sql = (query: string, params: unknown[] = []) => server().database.dataSource.query(query, params);
  const [{ id: instanceId }] = await sql('SELECT id FROM instances');
  for (const [id, expires] of [
    ['sweep-old', '-1 hour'],
    ['sweep-just', '-10 seconds'],
    ['sweep-live', '1 hour'],
  ]) {
    await sql(
      `INSERT INTO oidc_payloads (instance_id, model, id, payload, expires_at) VALUES ($1, 'AccessToken', $2, '{}', now() + $3::interval)`,
      [instanceId, id, expires],
    );
  }
  expect(await sweepExpired(server().database.dataSource)).toBe(1);
  const left: { id: string }[] = await sql(`SELECT id FROM oidc_payloads WHERE id LIKE 'sweep-%' ORDER BY id`);
  expect(left.map((r) => r.id)).toEqual(['sweep-just', 'sweep-live']);
});
