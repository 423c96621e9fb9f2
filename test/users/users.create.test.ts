import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Code } from '@connectrpc/connect';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { client, codeOf, rest } from '../support/clients.js';
import { otherInstance } from '../support/instances.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';

/**
 * Creating a user: the org check, the username's scope, the row and its first events are one
 * statement (the username's unique index decides between concurrent writers); what that must
 * keep of the rules is proven here.
 */
let server: TestServer;
beforeAll(async () => {
  server = await bootTestServer();
});
afterAll(() => server?.close());

let n = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${n++}`;
const sql = (query: string, params: unknown[] = []) => server.database.dataSource.query(query, params);
const users = (token = server.adminPat, baseUrl = server.baseUrl) => client(UserService, 'grpc', baseUrl, token);
const human = (username: string, extra: Record<string, unknown> = {}) => ({
  username,
  profile: { givenName: 'Ada', familyName: 'Lovelace' },
  email: { email: `${username}@example.com`, verification: { case: 'isVerified' as const, value: true } },
  ...extra,
});
const eventsOf = async (userId: string) =>
  (
    await sql(
      `SELECT sequence, event_type FROM events WHERE aggregate_type = 'user' AND aggregate_id = $1 ORDER BY sequence`,
      [userId],
    )
  ).map((r: { sequence: string; event_type: string }) => `${r.sequence} ${r.event_type}`);

/** `portcullis_cache_lookups_total` of one cache and result. */
async function lookups(cache: string, result: 'hit' | 'miss'): Promise<number> {
  const text = await (await fetch(`${server.baseUrl}/debug/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`portcullis_cache_lookups_total{cache="${cache}",result="${result}"}`));
  return Number(line?.split(' ')[1] ?? 0);
}

describe('AddHumanUser writes the user and its first events together', () => {
  it('numbers the first events 1…n in order, and the row carries the last sequence and its date', async () => {
    const created = await users().addHumanUser(
      human(unique('seq'), { phone: { phone: '+41791234567', verification: { case: 'isVerified', value: true } } }),
    );
    expect(await eventsOf(created.userId)).toEqual([
      '1 user.human.added',
      '2 user.human.email.verified',
      '3 user.human.phone.verified',
    ]);
    const [row] = await sql('SELECT sequence, changed_at FROM users WHERE id = $1', [created.userId]);
    expect(row.sequence).toBe('3');
    expect(created.details?.sequence).toBe(3n);
    expect(timestampDate(created.details!.changeDate!).getTime()).toBe(new Date(row.changed_at).getTime());
  });

  it("continues the event sequence of a deleted user whose id is taken again (ZITADEL keeps a removed user's events)", async () => {
    const userId = `7${Date.now()}${n++}`.slice(0, 18);
    await users().addHumanUser(human(unique('again'), { userId }));
    await users().deleteUser({ userId });
    const again = await users().addHumanUser(human(unique('again'), { userId }));
    expect(again.userId).toBe(userId);
    expect(await eventsOf(userId)).toEqual([
      '1 user.human.added',
      '2 user.human.email.verified',
      '3 user.removed',
      '4 user.human.added',
      '5 user.human.email.verified',
    ]);
    expect(again.details?.sequence).toBe(5n);
  });

  it('lets exactly one of concurrent calls with one username (in any case) through; the others answer ALREADY_EXISTS', async () => {
    const username = unique('race');
    const codes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        codeOf(users().addHumanUser(human(i % 2 ? username.toUpperCase() : username))),
      ),
    );
    expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
    expect(codes.filter((c) => c === Code.AlreadyExists)).toHaveLength(7);
    expect(await sql('SELECT id FROM users WHERE lower(username) = lower($1)', [username])).toHaveLength(1);
  });

  it('refuses a username another org holds while usernames are unique per instance (cross-org)', async () => {
    const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
    const orgB = (await orgs.createOrganization({ name: unique('Create B') })).id;
    const username = unique('shared');
    await users().addHumanUser(human(username));
    expect(
      await codeOf(users().addHumanUser(human(username, { organization: { org: { case: 'orgId', value: orgB } } }))),
    ).toBe(Code.AlreadyExists);
    expect(
      await sql('SELECT 1 FROM users WHERE resource_owner = $1 AND lower(username) = lower($2)', [orgB, username]),
    ).toHaveLength(0);
  });

  it('refuses a deactivated org (FAILED_PRECONDITION) and an unknown one (INVALID_ARGUMENT), writing nothing', async () => {
    const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
    const orgC = (await orgs.createOrganization({ name: unique('Create C') })).id;
    await orgs.deactivateOrganization({ id: orgC });
    const inactive = unique('inactive');
    expect(
      await codeOf(users().addHumanUser(human(inactive, { organization: { org: { case: 'orgId', value: orgC } } }))),
    ).toBe(Code.FailedPrecondition);
    const unknown = unique('unknown');
    expect(
      await codeOf(users().addHumanUser(human(unknown, { organization: { org: { case: 'orgId', value: '1' } } }))),
    ).toBe(Code.InvalidArgument);
    expect(await sql('SELECT 1 FROM users WHERE username IN ($1, $2)', [inactive, unknown])).toHaveLength(0);
    expect(
      await sql(`SELECT 1 FROM events WHERE aggregate_type = 'user' AND payload->>'username' IN ($1, $2)`, [
        inactive,
        unknown,
      ]),
    ).toHaveLength(0);
  });

  it('refuses an org of another instance as unknown, writing nothing there (cross-instance)', async () => {
    const other = await otherInstance(server);
    const username = unique('elsewhere');
    expect(
      await codeOf(
        users().addHumanUser(human(username, { organization: { org: { case: 'orgId', value: other.orgId } } })),
      ),
    ).toBe(Code.InvalidArgument);
    expect(
      await sql('SELECT 1 FROM users WHERE instance_id = $1 AND username = $2', [other.instanceId, username]),
    ).toHaveLength(0);
  });

  it('keeps the read caches: a new human is in none, so the next call authenticates from memory', async () => {
    await users().addHumanUser(human(unique('warm'))); // fills the caches, once the feed is quiet
    await new Promise((r) => setTimeout(r, 200));
    await users().addHumanUser(human(unique('warm')));
    const hits = await lookups('personal_access_tokens', 'hit');
    await users().addHumanUser(human(unique('cached')));
    expect(await lookups('personal_access_tokens', 'hit')).toBeGreaterThan(hits);
  });

  it('takes a username another org holds once the domain settings make usernames unique per org, and still refuses it in the same org', async () => {
    const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
    const orgD = (await orgs.createOrganization({ name: unique('Create D') })).id;
    const username = unique('perorg');
    await users().addHumanUser(human(username));
    const set = await rest(server.baseUrl, 'PUT', '/admin/v1/policies/domain', {
      token: server.adminPat,
      body: { userLoginMustBeDomain: true, validateOrgDomains: false },
    });
    expect(set.status).toBe(200);
    let inD: string | undefined;
    try {
      const created = await users().addHumanUser(
        human(username, { organization: { org: { case: 'orgId', value: orgD } } }),
      );
      inD = created.userId;
      expect(
        await codeOf(
          users().addHumanUser(
            human(username.toUpperCase(), { organization: { org: { case: 'orgId', value: orgD } } }),
          ),
        ),
      ).toBe(Code.AlreadyExists);
    } finally {
      // Instance-wide again, the two users would share the name (ZITADEL refuses that change).
      if (inD) await users().deleteUser({ userId: inD });
      const reset = await rest(server.baseUrl, 'PUT', '/admin/v1/policies/domain', {
        token: server.adminPat,
        body: { userLoginMustBeDomain: false, validateOrgDomains: false },
      });
      expect(reset.status).toBe(200);
    }
  });
});
