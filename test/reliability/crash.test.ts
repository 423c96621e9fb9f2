// Crash recovery: concurrent writes (users, sessions, PATs) against the built server, `kill -9`
// in the middle, a restart on the same database; then every acknowledged write is there, no
// half-written change exists (state rows and audit events agree, event sequences have no gaps),
// and credentials issued before the crash still work.
//
// Seam for more kinds of writes (OIDC tokens, ...): add a `Writer` to WRITERS (what to write under
// load, how to check an acknowledged one after the restart) and, for consistency rules of new
// tables, a query to CONSISTENCY.
import { Code, ConnectError } from '@connectrpc/connect';
import pg from 'pg';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { client, TRANSPORTS } from '../support/clients.js';
import { freshData, startChild, stopChild, type ChildData, type ChildServer } from './support/child-server.js';
import { MODE } from './support/mode.js';

const PASSWORD = 'Secr3t!pass';

/** What the writers share: users to check passwords of, a machine to give PATs to. */
interface Fixture {
  readonly humanIds: string[];
  readonly machineId: string;
}

/** One kind of write under load: `write` resolves once acknowledged; `verify` checks an acknowledged one after the restart. */
interface Writer<T = unknown> {
  readonly name: string;
  write(server: ChildServer, fixture: Fixture, n: number): Promise<T>;
  verify(server: ChildServer, fixture: Fixture, acked: T[]): Promise<void>;
}

const transportFor = (n: number) => TRANSPORTS[n % TRANSPORTS.length];

const addUsers: Writer<{ userId: string }> = {
  name: 'AddHumanUser',
  async write(server, _f, n) {
    const username = `crash-${process.pid}-${n}-${Math.random().toString(36).slice(2, 8)}`;
    const { userId } = await client(UserService, transportFor(n), server.baseUrl, server.adminPat).addHumanUser({
      username,
      profile: { givenName: 'Crash', familyName: `Test ${n}` },
      email: { email: `${username}@example.com`, verification: { case: 'isVerified', value: true } },
      passwordType: { case: 'password', value: { password: PASSWORD, changeRequired: false } },
    });
    return { userId };
  },
  async verify(server, _f, acked) {
    const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
    for (const { userId } of acked) expect((await users.getUserByID({ userId })).user?.userId).toBe(userId);
  },
};

const createSessions: Writer<{ sessionId: string; sessionToken: string }> = {
  name: 'CreateSession (password check)',
  async write(server, f, n) {
    const userId = f.humanIds[n % f.humanIds.length];
    const { sessionId, sessionToken } = await client(
      SessionService,
      transportFor(n),
      server.baseUrl,
      server.adminPat,
    ).createSession({
      checks: { user: { search: { case: 'userId', value: userId } }, password: { password: PASSWORD } },
    });
    return { sessionId, sessionToken };
  },
  async verify(server, _f, acked) {
    // Each acknowledged session's token still authenticates (as a Bearer token for its user).
    for (const { sessionId, sessionToken } of acked) {
      const { session } = await client(SessionService, 'connect-h1', server.baseUrl, sessionToken).getSession({
        sessionId,
      });
      expect(session?.id).toBe(sessionId);
    }
  },
};

const addPats: Writer<{ tokenId: string; token: string }> = {
  name: 'AddPersonalAccessToken',
  async write(server, f, n) {
    const { tokenId, token } = await client(
      UserService,
      transportFor(n),
      server.baseUrl,
      server.adminPat,
    ).addPersonalAccessToken({
      userId: f.machineId,
      expirationDate: { seconds: BigInt(Math.floor(Date.now() / 1000) + 3600), nanos: 0 },
    });
    return { tokenId, token };
  },
  async verify(server, f, acked) {
    for (const { token } of acked) {
      try {
        await client(UserService, 'grpc', server.baseUrl, token).getUserByID({ userId: f.machineId });
      } catch (err) {
        // Authenticated is what counts; what the machine may read is another matter.
        expect(ConnectError.from(err).code).not.toBe(Code.Unauthenticated);
      }
    }
  },
};

export const WRITERS: Writer<any>[] = [addUsers, createSessions, addPats];

/** Queries that must return no rows on a consistent database: each names what it finds. */
export const CONSISTENCY: Record<string, string> = {
  'event sequences with gaps (a half-written aggregate)': `
    SELECT instance_id, aggregate_type, aggregate_id FROM events
     GROUP BY instance_id, aggregate_type, aggregate_id HAVING max(sequence) <> count(*)`,
  'users rows without their added event': `
    SELECT u.id FROM users u WHERE NOT EXISTS (
      SELECT 1 FROM events e WHERE e.instance_id = u.instance_id AND e.aggregate_type = 'user' AND e.aggregate_id = u.id
         AND e.event_type IN ('user.human.added', 'user.machine.added'))`,
  'user added events without a users row (and not removed)': `
    SELECT e.aggregate_id FROM events e WHERE e.event_type IN ('user.human.added', 'user.machine.added')
       AND NOT EXISTS (SELECT 1 FROM users u WHERE u.instance_id = e.instance_id AND u.id = e.aggregate_id)
       AND NOT EXISTS (SELECT 1 FROM events r WHERE r.instance_id = e.instance_id AND r.aggregate_type = 'user'
                          AND r.aggregate_id = e.aggregate_id AND r.event_type = 'user.removed')`,
  // Delivery receipts (`….sent`) record a message, not a change of the row: they are left out.
  'users rows whose sequence is not their last event': `
    SELECT u.id FROM users u WHERE u.sequence::bigint <> (
      SELECT max(e.sequence) FROM events e WHERE e.instance_id = u.instance_id AND e.aggregate_type = 'user' AND e.aggregate_id = u.id
         AND e.event_type NOT LIKE '%.sent')`,
  'sessions rows without session.added': `
    SELECT s.id FROM sessions s WHERE NOT EXISTS (
      SELECT 1 FROM events e WHERE e.instance_id = s.instance_id AND e.aggregate_type = 'session' AND e.aggregate_id = s.id AND e.event_type = 'session.added')`,
  'session.added events without a sessions row (and not terminated)': `
    SELECT e.aggregate_id FROM events e WHERE e.event_type = 'session.added'
       AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.instance_id = e.instance_id AND s.id = e.aggregate_id)
       AND NOT EXISTS (SELECT 1 FROM events t WHERE t.instance_id = e.instance_id AND t.aggregate_id = e.aggregate_id AND t.event_type = 'session.terminated')`,
  'sessions rows whose sequence is not their last event': `
    SELECT s.id FROM sessions s WHERE s.sequence::bigint <> (
      SELECT max(e.sequence) FROM events e WHERE e.instance_id = s.instance_id AND e.aggregate_type = 'session' AND e.aggregate_id = s.id
         AND e.event_type NOT LIKE '%.sent')`,
  'PAT rows without their added event': `
    SELECT p.id FROM personal_access_tokens p WHERE NOT EXISTS (
      SELECT 1 FROM events e WHERE e.instance_id = p.instance_id AND e.aggregate_type = 'user' AND e.aggregate_id = p.user_id
         AND e.event_type = 'user.personal.access.token.added' AND e.payload->>'tokenId' = p.id)`,
  'PAT added events without a row (and not removed)': `
    SELECT e.payload->>'tokenId' FROM events e WHERE e.event_type = 'user.personal.access.token.added'
       AND NOT EXISTS (SELECT 1 FROM personal_access_tokens p WHERE p.instance_id = e.instance_id AND p.id = e.payload->>'tokenId')
       AND NOT EXISTS (SELECT 1 FROM events r WHERE r.instance_id = e.instance_id AND r.aggregate_id = e.aggregate_id
                          AND r.event_type IN ('user.personal.access.token.removed', 'user.removed'))`,
};

async function inconsistencies(databaseUrl: string): Promise<Record<string, unknown[]>> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const found: Record<string, unknown[]> = {};
    for (const [what, sql] of Object.entries(CONSISTENCY)) {
      const { rows } = await db.query(sql);
      if (rows.length) found[what] = rows.slice(0, 5);
    }
    return found;
  } finally {
    await db.end();
  }
}

async function makeFixture(server: ChildServer): Promise<Fixture> {
  const humanIds: string[] = [];
  for (let i = 0; i < 4; i++) humanIds.push((await addUsers.write(server, undefined as never, 1000 + i)).userId);
  const [{ organizationId }] = await (async () => {
    const { user } = await client(UserService, 'grpc', server.baseUrl, server.adminPat).getUserByID({
      userId: humanIds[0],
    });
    return [{ organizationId: user!.details!.resourceOwner }];
  })();
  const { id: machineId } = await client(UserService, 'grpc', server.baseUrl, server.adminPat).createUser({
    organizationId,
    username: `crash-machine-${Date.now()}`,
    userType: { case: 'machine', value: { name: 'Crash machine' } },
  });
  return { humanIds, machineId };
}

let data: ChildData;
let server: ChildServer | undefined;

beforeAll(async () => {
  data = await freshData();
});
afterAll(() => stopChild(server));

it(`keeps every acknowledged write and no half-written one across ${MODE.crashRounds} kill -9 round(s)`, async () => {
  server = await startChild(data);
  const fixture = await makeFixture(server);
  // Issued before any crash: must keep working through all of them.
  const earlySession = await createSessions.write(server, fixture, 0);
  const earlyPat = await addPats.write(server, fixture, 0);
  const acked = WRITERS.map(() => [] as unknown[]);
  const attempts = WRITERS.map(() => 0);

  for (let round = 0; round < MODE.crashRounds; round++) {
    let stop = false;
    const target = server;
    const workers = Array.from({ length: MODE.crashWriters }, async (_, w) => {
      for (let n = w; !stop; n += MODE.crashWriters) {
        const k = n % WRITERS.length;
        attempts[k]++;
        try {
          acked[k].push(await WRITERS[k].write(target, fixture, n));
        } catch {
          // Not acknowledged (the crash cut it): may or may not have happened, both are fine.
          if (stop) return;
        }
      }
    });
    await new Promise((r) => setTimeout(r, MODE.crashLoadMs));
    target.kill('SIGKILL');
    const { signal } = await target.exited;
    stop = true;
    await Promise.all(workers);
    expect(signal).toBe('SIGKILL');

    server = await startChild(data);
  }

  const counts = WRITERS.map((w, k) => `${w.name}: ${acked[k].length} acknowledged of ${attempts[k]}`);
  process.stdout.write(`crash: ${counts.join('; ')}\n`);
  for (const k of WRITERS.keys()) expect(acked[k].length).toBeGreaterThan(0);
  for (const [k, writer] of WRITERS.entries()) await writer.verify(server, fixture, acked[k]);
  await createSessions.verify(server, fixture, [earlySession]);
  await addPats.verify(server, fixture, [earlyPat]);
  expect(await inconsistencies(data.databaseUrl)).toEqual({});
});
