import { sweepSamlRequests } from '../../src/saml/saml-requests.store.js';
import { serverForFile } from '../support/test-server.js';

/** Old SAML requests go, unless a replay could still pass or single logout still needs them. */
const server = serverForFile();
let instanceId: string;

beforeAll(async () => {
  [{ id: instanceId }] = await sql('SELECT id FROM instances');
});

function sql(query: string, params: unknown[] = []) {
  return server().database.dataSource.query(query, params);
}

async function session(id: string, expiresIn: string) {
  await sql(
    `INSERT INTO sessions (instance_id, id, token_hash, creator, expires_at, created_at, changed_at, sequence)
     VALUES ($1, $2, $2, 'test', now() + $3::interval, now(), now(), 1)`,
    [instanceId, id, expiresIn],
  );
}

async function request(id: string, state: 'pending' | 'answered', expiredAgo: string, sessionId: string | null = null) {
  await sql(
    `INSERT INTO saml_requests (instance_id, id, app_id, issuer, request_id, idp_entity_id, acs_url, response_binding, relay_state,
                                name_id_format, state, session_id, created_at, expires_at)
     VALUES ($1, $2, 'app', 'https://sp.sweep.test', $2, 'idp', 'https://sp.sweep.test/acs', 'post', '', 'persistent', $3, $4,
             now() - $5::interval - interval '10 minutes', now() - $5::interval)`,
    [instanceId, id, state, sessionId, expiredAgo],
  );
}

it('deletes what no replay check or logout needs, and keeps the rest', async () => {
  await session('sweep-live', '1 hour');
  await session('sweep-expired', '-1 hour');
  await request('sweep-old-pending', 'pending', '1 hour');
  await request('sweep-recent-pending', 'pending', '1 minute'); // an AuthnRequest this recent is not stale yet
  await request('sweep-answered-gone', 'answered', '1 hour', 'sweep-no-such-session');
  await request('sweep-answered-expired', 'answered', '1 hour', 'sweep-expired');
  await request('sweep-answered-live', 'answered', '1 hour', 'sweep-live');

  const swept = await sweepSamlRequests(server().database.dataSource);
  const left: { id: string }[] = await sql(`SELECT id FROM saml_requests WHERE id LIKE 'sweep-%' ORDER BY id`);
  expect(left.map((r) => r.id)).toEqual(['sweep-answered-live', 'sweep-recent-pending']);
  expect(swept).toBe(3);
  expect(await sweepSamlRequests(server().database.dataSource)).toBe(0);
});
