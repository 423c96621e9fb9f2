import { Code } from '@connectrpc/connect';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { client, codeOf } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { adminV1, v1Code } from '../support/v1-clients.js';

/**
 * ZITADEL's username rule (internal/repository/user/user.go): a username is a unique constraint
 * keyed by the username alone, or by the username and the org when the org's domain policy says
 * `userLoginMustBeDomain`. Two users clash exactly when those keys are equal. A domain policy
 * change renames every affected user so its login name stays (DomainPolicyUsernamesWriteModel
 * .newUsername) and moves its key, failing when two would still clash.
 */
let server: TestServer;
/** An org that keeps the instance's policy (usernames unique in the instance). */
let home: string;
beforeAll(async () => {
  server = await bootTestServer();
  home = await newOrg('Home');
});
afterAll(() => server?.close());

let n = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${n++}`;
const sql = (query: string, params: unknown[] = []) => server.database.dataSource.query(query, params);
const users = () => client(UserService, 'grpc', server.baseUrl, server.adminPat);
const orgs = () => client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
const admin = () => adminV1(server.baseUrl, server.adminPat);
const newOrg = async (name: string) => (await orgs().createOrganization({ name: unique(name) })).id;
const human = (username: string, orgId: string) => ({
  username,
  organization: { org: { case: 'orgId' as const, value: orgId } },
  profile: { givenName: 'Ada', familyName: 'Lovelace' },
  email: { email: `${unique('m')}@example.com`, verification: { case: 'isVerified' as const, value: true } },
});
const domainPolicy = (userLoginMustBeDomain: boolean) => ({
  userLoginMustBeDomain,
  validateOrgDomains: false,
  smtpSenderAddressMatchesInstanceDomain: false,
});
const scopeOf = async (userId: string) =>
  (await sql('SELECT username_scope FROM users WHERE id = $1', [userId]))[0].username_scope as string;
const usernameOf = async (userId: string) =>
  (await sql('SELECT username FROM users WHERE id = $1', [userId]))[0].username as string;
const primaryDomainOf = async (orgId: string) =>
  (await sql('SELECT primary_domain FROM orgs WHERE id = $1', [orgId]))[0].primary_domain as string;
const usernameChanges = async (userId: string) =>
  (
    (await sql(
      `SELECT payload->>'username' AS username FROM events
        WHERE aggregate_id = $1 AND event_type = 'user.username.changed' ORDER BY sequence`,
      [userId],
    )) as { username: string }[]
  ).map((e) => e.username);
const eventCount = async (aggregateId: string) =>
  Number((await sql('SELECT count(*) AS n FROM events WHERE aggregate_id = $1', [aggregateId]))[0].n);

describe('usernames are unique in the scope the domain policy gives them', () => {
  it('mixed policies: a username held in an org whose usernames are per org does not block it in an instance-wide org, nor the reverse (ZITADEL: different unique keys)', async () => {
    const perOrg = await newOrg('Scoped');
    const instanceWide = await newOrg('Wide');
    await admin().addCustomDomainPolicy({ orgId: perOrg, ...domainPolicy(true) });
    const first = unique('mixed');
    const a = await users().addHumanUser(human(first, perOrg));
    const b = await users().addHumanUser(human(first.toUpperCase(), instanceWide));
    expect(await scopeOf(a.userId)).toBe(perOrg);
    expect(await scopeOf(b.userId)).toBe('');
    // The same name again in either scope is taken.
    expect(await codeOf(users().addHumanUser(human(first, perOrg)))).toBe(Code.AlreadyExists);
    expect(await codeOf(users().addHumanUser(human(first, home)))).toBe(Code.AlreadyExists);

    const second = unique('mixed');
    await users().addHumanUser(human(second, instanceWide));
    expect(await codeOf(users().addHumanUser(human(second, perOrg)))).toBe('ok');
  });

  it('lets exactly one of concurrent creations of one username in one org-scoped org through; the others answer ALREADY_EXISTS', async () => {
    const orgId = await newOrg('Race');
    await admin().addCustomDomainPolicy({ orgId, ...domainPolicy(true) });
    const username = unique('race');
    const codes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        codeOf(users().addHumanUser(human(i % 2 ? username.toUpperCase() : username, orgId))),
      ),
    );
    expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
    expect(codes.filter((c) => c === Code.AlreadyExists)).toHaveLength(9);
    expect(await sql('SELECT id FROM users WHERE lower(username) = lower($1)', [username])).toHaveLength(1);
  });

  it('renaming takes the scope of the org: a name another org holds is free under a per-org policy, one of its own org is taken', async () => {
    const orgId = await newOrg('Rename');
    await admin().addCustomDomainPolicy({ orgId, ...domainPolicy(true) });
    const elsewhere = unique('held');
    await users().addHumanUser(human(elsewhere, home));
    const sibling = unique('sibling');
    await users().addHumanUser(human(sibling, orgId));
    const { userId } = await users().addHumanUser(human(unique('renamed'), orgId));
    expect(await codeOf(users().updateHumanUser({ userId, username: sibling.toUpperCase() }))).toBe(Code.AlreadyExists);
    expect(await codeOf(users().updateHumanUser({ userId, username: elsewhere }))).toBe('ok');
    expect(await scopeOf(userId)).toBe(orgId);
  });

  it("leaving per-org usernames appends @<the org's primary domain> to its users' names, and entering them strips it again (ZITADEL newUsername: the login name stays)", async () => {
    const orgId = await newOrg('Suffix');
    await admin().addCustomDomainPolicy({ orgId, ...domainPolicy(true) });
    const username = unique('suffix');
    const inOrg = await users().addHumanUser(human(username, orgId));
    const wide = await users().addHumanUser(human(username, home));
    const primary = await primaryDomainOf(orgId);

    // Back to instance-wide usernames: no clash with the default org's user, the name carries the domain.
    expect(await v1Code(admin().updateCustomDomainPolicy({ orgId, ...domainPolicy(false) }))).toBe('ok');
    expect(await usernameOf(inOrg.userId)).toBe(`${username}@${primary}`);
    expect(await scopeOf(inOrg.userId)).toBe('');
    expect(await usernameOf(wide.userId)).toBe(username);
    expect(await usernameChanges(inOrg.userId)).toEqual([`${username}@${primary}`]);
    expect(await usernameChanges(wide.userId)).toEqual([]);

    // Per org again: the verified domain's suffix comes off, the bare name is the org's own.
    expect(await v1Code(admin().resetCustomDomainPolicyToDefault({ orgId }))).toBe('ok');
    expect(await v1Code(admin().addCustomDomainPolicy({ orgId, ...domainPolicy(true) }))).toBe('ok');
    expect(await usernameOf(inOrg.userId)).toBe(username);
    expect(await scopeOf(inOrg.userId)).toBe(orgId);
    expect(await usernameChanges(inOrg.userId)).toEqual([`${username}@${primary}`, username]);
  });

  it('entering per-org usernames strips only a verified domain of the org, and two users left with one name fail the change with ALREADY_EXISTS, writing nothing (ZITADEL: the unique constraint)', async () => {
    const orgId = await newOrg('Strip');
    const primary = await primaryDomainOf(orgId);
    const username = unique('strip');
    const bare = await users().addHumanUser(human(username, orgId));
    const suffixed = await users().addHumanUser(human(`${username}@${primary}`, orgId));
    const foreignName = `${unique('keep')}@elsewhere.example.com`;
    const foreign = await users().addHumanUser(human(foreignName, orgId));
    const before = await eventCount(orgId);

    expect(await v1Code(admin().addCustomDomainPolicy({ orgId, ...domainPolicy(true) }))).toBe(Code.AlreadyExists);
    expect(await eventCount(orgId)).toBe(before);
    expect(await usernameOf(suffixed.userId)).toBe(`${username}@${primary}`);
    expect(await scopeOf(suffixed.userId)).toBe('');
    const [org] = await sql('SELECT usernames_per_org FROM orgs WHERE id = $1', [orgId]);
    expect(org.usernames_per_org).toBe(false);

    await users().updateHumanUser({ userId: bare.userId, username: unique('moved') });
    expect(await v1Code(admin().addCustomDomainPolicy({ orgId, ...domainPolicy(true) }))).toBe('ok');
    expect(await usernameOf(suffixed.userId)).toBe(username);
    expect(await scopeOf(suffixed.userId)).toBe(orgId);
    expect(await usernameOf(foreign.userId)).toBe(foreignName);
  });

  it('a creation during a policy change of its org waits for it and takes the new scope (each insert holds its org row)', async () => {
    const orgId = await newOrg('Racing');
    await admin().addCustomDomainPolicy({ orgId, ...domainPolicy(true) });
    // A policy change in flight, as the settings service makes it: the org row first, then its users.
    const change = server.database.dataSource.createQueryRunner();
    await change.connect();
    try {
      await change.startTransaction();
      await change.query('UPDATE orgs SET usernames_per_org = false WHERE id = $1', [orgId]);
      let settled = false;
      const creating = users()
        .addHumanUser(human(unique('racing'), orgId))
        .finally(() => {
          settled = true;
        });
      await new Promise((r) => setTimeout(r, 300));
      expect(settled).toBe(false);
      await change.query(`UPDATE users SET username_scope = '' WHERE resource_owner = $1`, [orgId]);
      await change.commitTransaction();
      const { userId } = await creating;
      expect(await scopeOf(userId)).toBe('');
    } finally {
      if (change.isTransactionActive) await change.rollbackTransaction();
      await change.release();
    }
  });

  it("the instance's policy renames and moves the users of every org without its own, and a new org follows it", async () => {
    const a = await newOrg('Inherit A');
    const b = await newOrg('Inherit B');
    const username = unique('inherit');
    const ua = await users().addHumanUser(human(username, a));
    let ub: { userId: string } | undefined;
    expect(await v1Code(admin().updateDomainPolicy(domainPolicy(true)))).toBe('ok');
    try {
      expect(await scopeOf(ua.userId)).toBe(a);
      expect(await usernameOf(ua.userId)).toBe(username);
      ub = await users().addHumanUser(human(username, b));
      expect(await scopeOf(ub.userId)).toBe(b);
      const c = await newOrg('Inherit C');
      const [org] = await sql('SELECT usernames_per_org FROM orgs WHERE id = $1', [c]);
      expect(org.usernames_per_org).toBe(true);
    } finally {
      // Back to instance-wide: each name takes its org's domain, so A's and B's users do not clash.
      expect(await v1Code(admin().updateDomainPolicy(domainPolicy(false)))).toBe('ok');
    }
    expect(await scopeOf(ua.userId)).toBe('');
    expect(await usernameOf(ua.userId)).toBe(`${username}@${await primaryDomainOf(a)}`);
    expect(ub && (await usernameOf(ub.userId))).toBe(`${username}@${await primaryDomainOf(b)}`);
  });
});
