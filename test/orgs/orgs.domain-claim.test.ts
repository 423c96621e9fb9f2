// A domain an org verifies claims the usernames in it, as ZITADEL's ValidateOrgDomain and
// addOrgDomain do (internal/command/org_domain.go, user.go userDomainClaimed): every user of
// another org whose preferred login name ends with `@<domain>` (getClaimedUserIDsOfOrgDomain,
// ignoring case) gets `<new id>@temporary.<requested domain>` with a `user.domain.claimed` event,
// and a DomainClaimed email. Afterwards no other org's user may take a username in it
// (userValidateDomain, COMMAND-SFd21).
import { Code, createClient } from '@connectrpc/connect';
import { createServerTransport } from '@zitadel/client/node';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { DomainValidationType } from '@zitadel/proto/zitadel/org/v2beta/org_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import type { EntityManager } from 'typeorm';
import { OrgDomain } from '../../src/orgs/org.entity.js';
import { OrgQueries } from '../../src/orgs/orgs.queries.js';
import { MasterKey } from '../../src/platform/crypto/master-key.js';
import { holdTransactionLock } from '../../src/platform/database/transaction-locks.js';
import { Transactions } from '../../src/platform/database/transactions.js';
import { UsersService } from '../../src/users/users.service.js';
import { PUBLIC_HOST_HEADER } from '../../src/platform/tenancy/request-host.js';
import { domainPoliciesLockKey } from '../../src/settings/settings.service.js';
import { USER_ERRORS } from '../../src/users/users.errors.js';
import { client, codeOf, withHeaders } from '../support/clients.js';
import { factories } from '../support/factories.js';
import { addInstanceDomain, otherInstance } from '../support/instances.js';
import { TestDnsServer } from '../support/dns-server.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { adminV1, managementV1, v1Code } from '../support/v1-clients.js';

let dns: TestDnsServer;
let server: TestServer;
let instanceDomain: string;
beforeAll(async () => {
  dns = await new TestDnsServer().start();
  server = await bootTestServer({ PORTCULLIS_DNS_SERVERS: dns.address });
  [{ primary_domain: instanceDomain }] = await server.database.dataSource.query('SELECT primary_domain FROM instances');
});
afterAll(async () => {
  await server?.close();
  await dns?.stop();
});

const orgs = () => client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
const users = () => client(UserService, 'grpc', server.baseUrl, server.adminPat);
const newOrg = async (name: string) => (await orgs().createOrganization({ name })).id;

/**
 * An org's own domain policy: `perOrgUsernames` is ZITADEL's userLoginMustBeDomain (usernames unique per
 * org, login names ending in the org's domain); `verifyDomains` its validateOrgDomains (false: a domain
 * added is verified at once).
 */
async function setDomainPolicy(orgId: string, perOrgUsernames: boolean, verifyDomains: boolean): Promise<void> {
  await adminV1(server.baseUrl, server.adminPat).addCustomDomainPolicy({
    orgId,
    userLoginMustBeDomain: perOrgUsernames,
    validateOrgDomains: verifyDomains,
    smtpSenderAddressMatchesInstanceDomain: false,
  });
}

async function addHuman(orgId: string, username: string, email: string): Promise<string> {
  const created = await users().addHumanUser({
    organization: { org: { case: 'orgId', value: orgId } },
    username,
    profile: { givenName: 'Claimed', familyName: 'User' },
    email: { email, verification: { case: 'isVerified', value: true } },
  });
  return created.userId;
}
const usernameOf = async (userId: string) => (await users().getUserByID({ userId })).user?.username;

async function claimEvents(userId: string): Promise<Record<string, unknown>[]> {
  const rows: { payload: Record<string, unknown> }[] = await server.database.dataSource.query(
    `SELECT payload FROM events WHERE aggregate_type = 'user' AND aggregate_id = $1 AND event_type = 'user.domain.claimed'`,
    [userId],
  );
  return rows.map((r) => r.payload);
}
async function claimNotices(userId: string): Promise<{ channel: string }[]> {
  return server.database.dataSource.query(
    `SELECT channel FROM notification_outbox WHERE user_id = $1 AND template = 'domainClaimed'`,
    [userId],
  );
}
/** What the queued DomainClaimed email says (its sealed payload's data). */
async function claimNoticeData(userId: string): Promise<Record<string, unknown>> {
  const [{ payload }] = await server.database.dataSource.query(
    `SELECT payload FROM notification_outbox WHERE user_id = $1 AND template = 'domainClaimed'`,
    [userId],
  );
  return JSON.parse(server.app.get(MasterKey).decrypt(payload)).data;
}

async function verifyByDns(orgId: string, domain: string): Promise<void> {
  await orgs().addOrganizationDomain({ organizationId: orgId, domain });
  const challenge = await orgs().generateOrganizationDomainValidation({
    organizationId: orgId,
    domain,
    type: DomainValidationType.DNS,
  });
  dns.txt.set(`_zitadel-challenge.${domain}`, challenge.token);
  await orgs().verifyOrganizationDomain({ organizationId: orgId, domain });
}

describe('verified org domains claim usernames (ZITADEL ValidateOrgDomain / userDomainClaimed)', () => {
  it("VerifyOrganizationDomain renames other orgs' users ending in @domain (any case) to <id>@temporary.<requested domain>, writes user.domain.claimed and queues a DomainClaimed email", async () => {
    const claimer = await newOrg('Claimer Dns');
    const holder = await newOrg('Holder Dns');
    const alice = await addHuman(holder, 'Alice@Claim-Dns.Test', 'alice@mail.test');
    const bob = await addHuman(holder, 'bob@other-claim.test', 'bob@mail.test');
    const suffixOnly = await addHuman(holder, 'mallory@sub.claim-dns.test', 'mallory@mail.test');
    const own = await addHuman(claimer, 'carol@claim-dns.test', 'carol@mail.test');

    await verifyByDns(claimer, 'claim-dns.test');

    const renamed = await usernameOf(alice);
    // The domain the request reached the instance at: this test's connection's host.
    const requested = new URL(server.baseUrl).hostname;
    const temporary = new RegExp(`^\\d+@temporary\\.${requested.replace(/\./g, '\\.')}$`);
    expect(renamed).toMatch(temporary);
    expect(await claimEvents(alice)).toEqual([
      expect.objectContaining({ userName: renamed, oldUserName: 'Alice@Claim-Dns.Test' }),
    ]);
    expect(await claimNotices(alice)).toEqual([{ channel: 'email' }]);
    // ZITADEL's SendDomainClaimed names the domain after the last `@` of the user's email.
    expect(await claimNoticeData(alice)).toMatchObject({ tempUsername: renamed, domain: 'mail.test' });
    // The user keeps its org; the freed name can be taken by the claiming org.
    expect((await users().getUserByID({ userId: alice })).details?.resourceOwner).toBe(holder);
    await addHuman(claimer, 'alice@claim-dns.test', 'alice2@mail.test');

    // Other domains, a subdomain's users and the claiming org's own users keep their names.
    expect(await usernameOf(bob)).toBe('bob@other-claim.test');
    expect(await usernameOf(suffixOnly)).toBe('mallory@sub.claim-dns.test');
    expect(await usernameOf(own)).toBe('carol@claim-dns.test');
    for (const id of [bob, suffixOnly, own]) {
      expect(await claimEvents(id)).toEqual([]);
      expect(await claimNotices(id)).toEqual([]);
    }
  });

  it('AddOrganizationDomain verified at once (validateOrgDomains false) claims too; a user whose login name carries its own org domain (userLoginMustBeDomain) is not claimed', async () => {
    const claimer = await newOrg('Claimer Policy');
    const holder = await newOrg('Holder Policy');
    const scoped = await newOrg('Holder Scoped');
    await setDomainPolicy(claimer, false, false);
    await setDomainPolicy(scoped, true, true);
    const dave = await addHuman(holder, 'dave@claim-now.test', 'dave@mail.test');
    // Logs in as dave@claim-now.test@<its org's domain>: ZITADEL's preferred login name does not end with the domain.
    const erin = await addHuman(scoped, 'erin@claim-now.test', 'erin@mail.test');

    await orgs().addOrganizationDomain({ organizationId: claimer, domain: 'claim-now.test' });

    expect(await usernameOf(dave)).toMatch(/^\d+@temporary\./);
    expect(await claimEvents(dave)).toHaveLength(1);
    expect(await usernameOf(erin)).toBe('erin@claim-now.test');
    expect(await claimEvents(erin)).toEqual([]);
  });

  it('creating an org claims the users of its generated domain (ZITADEL AddOrganization / SetUpOrg pass getClaimedUserIDsOfOrgDomain)', async () => {
    const holder = await newOrg('Holder Generated');
    const gina = await addHuman(holder, `gina@claim-generated.${instanceDomain}`, 'gina@mail.test');
    await newOrg('Claim Generated');
    expect(await usernameOf(gina)).toMatch(/^\d+@temporary\./);
    expect(await claimEvents(gina)).toHaveLength(1);
  });

  it('the temporary username carries the domain the verifying request reached the instance at (ZITADEL: <id>@temporary.<RequestedDomain>), here the public host a proxy names', async () => {
    const publicHost = 'claims-public.test';
    const [{ id: instanceId }] = await server.database.dataSource.query('SELECT id FROM instances');
    await addInstanceDomain(server, instanceId, publicHost);
    const viaPublicHost = createClient(
      OrgV2beta,
      createServerTransport(server.adminPat, {
        baseUrl: server.baseUrl,
        interceptors: [withHeaders({ [PUBLIC_HOST_HEADER]: publicHost })],
      }),
    );
    const claimer = await newOrg('Claimer Public Host');
    const holder = await newOrg('Holder Public Host');
    await setDomainPolicy(claimer, false, false);
    const hank = await addHuman(holder, 'hank@claim-public.test', 'hank@mail.test');
    await viaPublicHost.addOrganizationDomain({ organizationId: claimer, domain: 'claim-public.test' });
    expect(await usernameOf(hank)).toMatch(/^\d+@temporary\.claims-public\.test$/);
  });

  it('a domain that still waits for its challenge claims nothing', async () => {
    const claimer = await newOrg('Claimer Pending');
    const holder = await newOrg('Holder Pending');
    const frank = await addHuman(holder, 'frank@claim-pending.test', 'frank@mail.test');
    await orgs().addOrganizationDomain({ organizationId: claimer, domain: 'claim-pending.test' });
    expect(await usernameOf(frank)).toBe('frank@claim-pending.test');
    expect(await claimEvents(frank)).toEqual([]);
  });
});

describe("a username may not end in another org's verified domain (ZITADEL userValidateDomain, COMMAND-SFd21)", () => {
  const mgmt = (orgId: string) => managementV1(server.baseUrl, server.adminPat, orgId);
  /** The failure of a call, as the connect client reports it. */
  async function failureOf(call: Promise<unknown>): Promise<{ code: Code; rawMessage: string }> {
    try {
      await call;
    } catch (err) {
      return err as { code: Code; rawMessage: string };
    }
    throw new Error('the call succeeded');
  }
  /** An org that verified `domain` at once, and an org whose usernames are instance-wide. */
  async function verifierAndOther(tag: string, domain: string): Promise<{ verifier: string; other: string }> {
    const verifier = await newOrg(`Verifier ${tag}`);
    await setDomainPolicy(verifier, false, false);
    await orgs().addOrganizationDomain({ organizationId: verifier, domain });
    return { verifier, other: await newOrg(`Other ${tag}`) };
  }
  const usersNamed = async (username: string) =>
    Number(
      (
        await server.database.dataSource.query('SELECT count(*) AS n FROM users WHERE lower(username) = lower($1)', [
          username,
        ])
      )[0].n,
    );

  it('v2 AddHumanUser in another org is refused with INVALID_ARGUMENT naming username (COMMAND-SFd21), whatever the case of the domain and when the email stands in for the username, and writes nothing; the verifying org may', async () => {
    const { verifier, other } = await verifierAndOther('Create', 'sfd21-create.test');
    for (const username of ['eve@sfd21-create.test', 'Eve@SFD21-Create.Test', 'a@b@sfd21-create.test']) {
      const refused = await failureOf(addHuman(other, username, 'eve@mail.test'));
      expect(refused.code).toBe(Code.InvalidArgument);
      expect(refused.rawMessage).toContain(USER_ERRORS.domainNotAllowedAsUsername);
      expect(refused.rawMessage).toContain('username');
      expect(await usersNamed(username)).toBe(0);
    }
    // Without a username the email is the username (ZITADEL's AddHuman and registerHuman), checked the same.
    const byEmail = users().addHumanUser({
      organization: { org: { case: 'orgId', value: other } },
      profile: { givenName: 'Zed', familyName: 'Mail' },
      email: { email: 'zed@sfd21-create.test', verification: { case: 'isVerified', value: true } },
    });
    expect(await codeOf(byEmail)).toBe(Code.InvalidArgument);
    expect(await usersNamed('zed@sfd21-create.test')).toBe(0);
    expect(await usernameOf(await addHuman(verifier, 'eve@sfd21-create.test', 'eve@mail.test'))).toBe(
      'eve@sfd21-create.test',
    );
    // A subdomain is another domain (ZITADEL looks the part after the last '@' up as it is).
    await addHuman(other, 'eve@sub.sfd21-create.test', 'eve@mail.test');
  });

  it('v2 UpdateHumanUser and v1 UpdateUserName of a machine renaming into it in another org are refused (COMMAND-SFd21, ChangeUsername / changeUsername); the old username stays', async () => {
    const { verifier, other } = await verifierAndOther('Rename', 'sfd21-rename.test');
    const human = await addHuman(other, 'grace@elsewhere.test', 'grace@mail.test');
    const refused = await failureOf(users().updateHumanUser({ userId: human, username: 'grace@sfd21-rename.test' }));
    expect(refused.code).toBe(Code.InvalidArgument);
    expect(refused.rawMessage).toContain(USER_ERRORS.domainNotAllowedAsUsername);
    expect(await usernameOf(human)).toBe('grace@elsewhere.test');

    const { userId: machine } = await mgmt(other).addMachineUser({ userName: 'robot-sfd21', name: 'Robot' });
    expect(await v1Code(mgmt(other).updateUserName({ userId: machine, userName: 'robot@sfd21-rename.test' }))).toBe(
      Code.InvalidArgument,
    );
    expect(await usernameOf(machine)).toBe('robot-sfd21');

    // The verifying org's own users may take it.
    const own = await addHuman(verifier, 'heidi@elsewhere.test', 'heidi@mail.test');
    await users().updateHumanUser({ userId: own, username: 'heidi@sfd21-rename.test' });
    expect(await usernameOf(own)).toBe('heidi@sfd21-rename.test');
  });

  it('v1 management AddHumanUser, ImportHumanUser and UpdateUserName are refused as v2 is (COMMAND-SFd21); AddMachineUser is not checked (ZITADEL AddMachineCommand runs no userValidateDomain)', async () => {
    const { other } = await verifierAndOther('V1', 'sfd21-v1.test');
    const profile = { firstName: 'Ivan', lastName: 'V1' };
    const email = { email: 'ivan@mail.test', isEmailVerified: true };
    expect(await v1Code(mgmt(other).addHumanUser({ userName: 'ivan@sfd21-v1.test', profile, email }))).toBe(
      Code.InvalidArgument,
    );
    expect(await v1Code(mgmt(other).importHumanUser({ userName: 'ivan@sfd21-v1.test', profile, email }))).toBe(
      Code.InvalidArgument,
    );
    const { userId } = await mgmt(other).addHumanUser({ userName: 'ivan@elsewhere-v1.test', profile, email });
    expect(await v1Code(mgmt(other).updateUserName({ userId, userName: 'ivan@sfd21-v1.test' }))).toBe(
      Code.InvalidArgument,
    );
    expect(await usernameOf(userId)).toBe('ivan@elsewhere-v1.test');
    await mgmt(other).addMachineUser({ userName: 'bot@sfd21-v1.test', name: 'Bot' });
    expect(await usersNamed('bot@sfd21-v1.test')).toBe(1);
  });

  it('a domain another org has not verified yet may be used, and so may a verified one by an org whose usernames are per org (userLoginMustBeDomain: userValidateDomain returns at once)', async () => {
    const pending = await newOrg('Verifier Pending Sfd21');
    await orgs().addOrganizationDomain({ organizationId: pending, domain: 'sfd21-pending.test' });
    const other = await newOrg('Other Pending Sfd21');
    expect(await codeOf(addHuman(other, 'judy@sfd21-pending.test', 'judy@mail.test'))).toBe('ok');

    await verifierAndOther('Scoped', 'sfd21-scoped.test');
    const scoped = await newOrg('Scoped Sfd21');
    await setDomainPolicy(scoped, true, true);
    const ken = await addHuman(scoped, 'ken@sfd21-scoped.test', 'ken@mail.test');
    const leo = await addHuman(scoped, 'leo@elsewhere.test', 'leo@mail.test');
    await users().updateHumanUser({ userId: leo, username: 'leo@sfd21-scoped.test' });
    expect([await usernameOf(ken), await usernameOf(leo)]).toEqual(['ken@sfd21-scoped.test', 'leo@sfd21-scoped.test']);
  });
});

describe('a verified domain claims and guards usernames in its own instance only', () => {
  it("leaves another instance's users with usernames in the domain as they are, and lets that instance create more", async () => {
    const other = await otherInstance(server);
    const otherUsers = client(UserService, 'grpc', other.baseUrl, other.adminPat);
    const addOtherHuman = async (username: string) =>
      (
        await otherUsers.addHumanUser({
          organization: { org: { case: 'orgId', value: other.orgId } },
          username,
          profile: { givenName: 'Other', familyName: 'Instance' },
          email: { email: `${username.split('@')[0]}@mail.test`, verification: { case: 'isVerified', value: true } },
        })
      ).userId;
    const zoe = await addOtherHuman('zoe@cross-instance-claim.test');

    await verifyByDns(await newOrg('Claimer Cross Instance'), 'cross-instance-claim.test');

    expect((await otherUsers.getUserByID({ userId: zoe })).user?.username).toBe('zoe@cross-instance-claim.test');
    const yan = await addOtherHuman('yan@cross-instance-claim.test');
    expect((await otherUsers.getUserByID({ userId: yan })).user?.username).toBe('yan@cross-instance-claim.test');
    // In the verifying instance the same name is refused (COMMAND-SFd21), so the check did run.
    expect(
      await codeOf(addHuman(await newOrg('Other Org Cross Instance'), 'yan@cross-instance-claim.test', 'y@mail.test')),
    ).toBe(Code.InvalidArgument);
  });
});

// A domain added verified at once is a new row, which a user's write that started before it could
// not hold (FOR SHARE holds existing rows only): the two take turns on the domain instead. Each
// test keeps one side's transaction open through the services themselves and lets the other
// side's request run into it.
describe('a domain claim and a username in it, at the same moment', () => {
  /** Runs `work` in a unit of work that stays open until the returned `release` is called. */
  async function heldOpen(work: (tx: EntityManager) => Promise<void>): Promise<{ release: () => Promise<void> }> {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let ready!: () => void;
    const started = new Promise<void>((r) => (ready = r));
    const done = server.app.get(Transactions).run(async (tx) => {
      await work(tx);
      ready();
      await gate;
    });
    await Promise.race([started, done]);
    return {
      release: async () => {
        release();
        await done;
      },
    };
  }
  // The server boots in beforeAll, after this block is collected.
  const system = () => factories(server).system();
  /** Whether `call` is still waiting after a while (it waits on the other side's lock). */
  async function stillWaiting(call: Promise<unknown>): Promise<boolean> {
    let settled = false;
    void call.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((r) => setTimeout(r, 400));
    return !settled;
  }

  it('a user created in another org while a verification of its domain is in flight waits for it, then is refused (COMMAND-SFd21)', async () => {
    const verifier = await newOrg('Race Verifier');
    const other = await newOrg('Race Other');
    const domain = 'claim-race-create.test';
    const caller = await system();
    // The claiming side as OrgsService.addDomain runs it: the domain held, then its row written verified.
    const claim = await heldOpen(async (tx) => {
      await server.app.get(OrgQueries).holdUsernameDomain(tx, caller.instance.id, domain, 'claim');
      await tx.insert(OrgDomain, {
        instanceId: caller.instance.id,
        orgId: verifier,
        domain,
        isVerified: true,
        isPrimary: false,
        isGenerated: false,
        createdAt: new Date(),
      });
    });
    const creation = addHuman(other, `eve@${domain}`, 'eve@mail.test');
    expect(await stillWaiting(creation)).toBe(true);
    await claim.release();
    expect(await codeOf(creation)).toBe(Code.InvalidArgument);
    expect(
      Number(
        (
          await server.database.dataSource.query('SELECT count(*) AS n FROM users WHERE username = $1', [
            `eve@${domain}`,
          ])
        )[0].n,
      ),
    ).toBe(0);
  });

  it('a domain added verified at once while a user in it is being created waits for that user, then claims it', async () => {
    const verifier = await newOrg('Race Claimer');
    await setDomainPolicy(verifier, false, false);
    const other = await newOrg('Race Holder');
    const domain = 'claim-race-add.test';
    const caller = await system();
    let userId = '';
    // The user's side as UsersService.createHuman runs it, its transaction kept open after the insert.
    const creation = await heldOpen(async (tx) => {
      const created = await server.app.get(UsersService).addHuman(tx, caller, other, {
        username: `frank@${domain}`,
        givenName: 'Frank',
        familyName: 'Race',
        email: 'frank@mail.test',
        emailVerified: true,
        returnEmailCode: false,
        fieldPath: '',
      });
      userId = created.userId;
    });
    const added = orgs().addOrganizationDomain({ organizationId: verifier, domain });
    expect(await stillWaiting(added)).toBe(true);
    await creation.release();
    await added;
    expect(await usernameOf(userId)).toMatch(/^\d+@temporary\./);
    expect(await claimEvents(userId)).toHaveLength(1);
  });

  it("two orgs set up at once, each naming the other's custom domain in its admin's username, both succeed: every domain is taken in one order, so one waits for the other instead of both deadlocking", async () => {
    const caller = await system();
    const [first, second] = ['crossed-one.test', 'crossed-two.test'];
    const setUp = (name: string, domain: string, adminDomain: string) =>
      adminV1(server.baseUrl, server.adminPat).setUpOrg({
        org: { name, domain },
        human: {
          userName: `founder@${adminDomain}`,
          profile: { firstName: 'Crossed', lastName: 'Founder' },
          email: { email: `founder.${domain}@mail.test`, isEmailVerified: true },
        },
      });
    // Both creations pause where they read the domain policy, after their domains are held: without
    // one order, each would hold its own domain there and then wait for the other's.
    const policies = await heldOpen((tx) => holdTransactionLock(tx, domainPoliciesLockKey(caller.instance.id)));
    const one = setUp('Crossed One', first, second);
    const two = setUp('Crossed Two', second, first);
    expect(await stillWaiting(Promise.all([one, two]))).toBe(true);
    await policies.release();
    const [a, b] = await Promise.all([one, two]);
    expect(a.userId).toBeTruthy();
    expect(b.userId).toBeTruthy();
  });
});
