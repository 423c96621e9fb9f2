// ListUsers latency at 100,000 users, per filter, through the real server over Connect.
// Run: npm run bench:list-users (a fresh database on the PostgreSQL server of
// PORTCULLIS_BENCH_DATABASE_URL, else an embedded PostgreSQL in a temp dir). npm run bench runs the
// name filter as one scenario of the full harness (bench/run.ts).
// Goal (issue: users): p95 under 20 ms for every filter.
import { mkdtempSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { OrganizationService } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { loadConfig } from '../src/platform/config/config.js';
import { createLogger } from '../src/platform/logging/logger.js';
import { startServer } from '../src/server.js';

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const GOAL_MS = 20;

const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-'));
chmodSync(dir, 0o755);
const adminUrl = process.env.PORTCULLIS_BENCH_DATABASE_URL;
const benchDb = `portcullis_bench_lu_${process.pid}`;
let databaseUrl: string | undefined;
if (adminUrl) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${benchDb}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${benchDb}`;
  databaseUrl = u.toString();
}
const config = loadConfig({
  ...(databaseUrl ? { PORTCULLIS_DATABASE_URL: databaseUrl } : {}),
  PORTCULLIS_DATA_DIR: join(dir, 'data'),
  PORTCULLIS_PORT: '0',
  PORTCULLIS_HOST: '127.0.0.1',
  PORTCULLIS_MASTERKEY: 'bench-master-key-0123456789abcde',
});
const server = await startServer(config, createLogger('warn'));
const token = readFileSync(config.patPath, 'utf8').trim();
const transport = createConnectTransport({
  baseUrl: `http://127.0.0.1:${server.port}`,
  httpVersion: '1.1',
  interceptors: [
    (next) => (req) => {
      req.header.set('authorization', `Bearer ${token}`);
      return next(req);
    },
  ],
});
const orgs = createClient(OrganizationService, transport);
const users = createClient(UserService, transport);
const orgId = (await orgs.createOrganization({ name: `Bench ${Date.now()}` })).id;
const [{ id: instanceId }] = await server.database.dataSource.query('SELECT id FROM instances');

const started = Date.now();
await server.database.dataSource.query(
  `INSERT INTO users (instance_id, id, resource_owner, type, state, username, username_scope, given_name, family_name, nick_name, display_name,
                      email, email_verified, phone, created_at, changed_at, sequence)
   SELECT $1, (800000000000000000 + i)::text, $2, CASE WHEN i % 4 = 0 THEN 'machine' ELSE 'human' END,
          CASE WHEN i % 5 = 0 THEN 'inactive' ELSE 'active' END, 'bench-' || i, '', 'Given' || (i % 100), 'Family' || (i % 1000),
          'n' || (i % 13), 'Given' || (i % 100) || ' Family' || (i % 1000), 'bench' || i || '@ex' || (i % 3) || '.com', true,
          '+4179' || lpad(i::text, 7, '0'), now() - (i || ' seconds')::interval, now(), 1
     FROM generate_series(1, $3) AS i`,
  [instanceId, orgId, USERS],
);
// As autovacuum would have by now: statistics and the visibility map (index-only counts).
await server.database.dataSource.query('VACUUM ANALYZE users');
console.log(`seeded ${USERS} users in ${Date.now() - started} ms`);

const text = (kind: string, field: string, value: string, method: number) => ({
  query: { case: kind, value: { [field]: value, method } },
});
const scenarios: [string, unknown[]][] = [
  ['no filter (first page)', []],
  ['username equals', [text('userNameQuery', 'userName', 'bench-4242', 0)]],
  ['username starts with (ignore case)', [text('userNameQuery', 'userName', 'BENCH-999', 3)]],
  ['first name equals', [text('firstNameQuery', 'firstName', 'Given7', 0)]],
  ['last name contains (ignore case)', [text('lastNameQuery', 'lastName', 'ily99', 5)]],
  ['display name ends with', [text('displayNameQuery', 'displayName', 'Family123', 6)]],
  ['email contains', [text('emailQuery', 'emailAddress', 'bench777', 4)]],
  ['phone starts with', [text('phoneQuery', 'number', '+41790001', 2)]],
  ['login name', [text('loginNameQuery', 'loginName', 'bench-31337', 0)]],
  ['state inactive', [{ query: { case: 'stateQuery', value: { state: 2 } } }]],
  ['type machine', [{ query: { case: 'typeQuery', value: { type: 2 } } }]],
  [
    'user ids',
    [{ query: { case: 'inUserIdsQuery', value: { userIds: ['800000000000000010', '800000000000000020'] } } }],
  ],
  [
    'or of names',
    [
      {
        query: {
          case: 'orQuery',
          value: {
            queries: [
              text('firstNameQuery', 'firstName', 'Given1', 0),
              text('firstNameQuery', 'firstName', 'Given2', 0),
            ],
          },
        },
      },
    ],
  ],
];

let failed = false;
for (const [name, queries] of scenarios) {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    await users.listUsers({
      query: { limit: 100 },
      sortingColumn: 1,
      queries: [{ query: { case: 'organizationIdQuery', value: { organizationId: orgId } } }, ...queries] as never,
    });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  const p50 = times[Math.floor(RUNS * 0.5)];
  const p95 = times[Math.floor(RUNS * 0.95)];
  if (p95 > GOAL_MS) failed = true;
  console.log(
    `${name.padEnd(38)} p50 ${p50.toFixed(1).padStart(6)} ms   p95 ${p95.toFixed(1).padStart(6)} ms${p95 > GOAL_MS ? '   OVER GOAL' : ''}`,
  );
}
await server.close();
if (adminUrl) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${benchDb} WITH (FORCE)`);
  await admin.end();
}
process.exit(failed ? 1 : 0);
