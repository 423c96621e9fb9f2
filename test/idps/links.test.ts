import { Code } from '@connectrpc/connect';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { UserService as UserServiceV2beta } from '@zitadel/proto/zitadel/user/v2beta/user_service_pb.js';
import { UserState } from '@zitadel/proto/zitadel/user/v2/user_pb.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { client, codeOf, rest } from '../support/clients.js';
import { factories, unique, type Factories } from '../support/factories.js';
import { insertIdpTemplate, OFFLINE_OIDC_CONFIG } from '../support/idp-templates.js';
import { otherInstance, type OtherInstance } from '../support/instances.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { adminV1 } from '../support/v1-clients.js';

let server: TestServer;
let make: Factories;
let instanceId: string;
let orgA: string;
let orgB: string;
/** An instance-level provider every org may use. */
let instanceIdp: string;
/** A provider of org A only. */
let orgAIdp: string;

beforeAll(async () => {
  server = await bootTestServer();
  make = factories(server);
  instanceId = (await server.app.get(InstanceResolver).resolve('127.0.0.1')).id;
  orgA = await make.org();
  orgB = await make.org();
  instanceIdp = (await insertIdpTemplate(server, { instanceId, config: OFFLINE_OIDC_CONFIG, name: 'Upstream' })).id;
  orgAIdp = (
    await insertIdpTemplate(server, { instanceId, config: OFFLINE_OIDC_CONFIG, orgId: orgA, name: 'Org A upstream' })
  ).id;
}, 60_000);
afterAll(() => server?.close());

const users = (token = server.adminPat) => client(UserService, 'grpc', server.baseUrl, token);
const link = (idpId: string, userId = unique('ext'), userName = `${userId}@upstream.example.com`) => ({
  idpId,
  userId,
  userName,
});

async function eventsOf(userId: string): Promise<{ event_type: string; payload: Record<string, string> }[]> {
  return server.database.dataSource.query(
    `SELECT event_type, payload FROM events WHERE aggregate_type = 'user' AND aggregate_id = $1 ORDER BY sequence`,
    [userId],
  );
}

async function linksOf(userId: string, token = server.adminPat) {
  return (await users(token).listIDPLinks({ userId })).result.map((l) => ({
    idpId: l.idpId,
    userId: l.userId,
    userName: l.userName,
  }));
}

describe('AddIDPLink, ListIDPLinks, RemoveIDPLink (zitadel.user.v2)', () => {
  it('adds a link, lists it, removes it, each change a user.human.externalidp event', async () => {
    const userId = await make.human(orgA);
    const identity = link(instanceIdp);
    const added = await users().addIDPLink({ userId, idpLink: identity });
    expect(added.details?.resourceOwner).toBe(orgA);
    expect(await linksOf(userId)).toEqual([identity]);

    const removed = await users().removeIDPLink({ userId, idpId: instanceIdp, linkedUserId: identity.userId });
    expect(removed.details!.sequence).toBeGreaterThan(added.details!.sequence);
    expect(await linksOf(userId)).toEqual([]);

    const events = (await eventsOf(userId)).slice(-2);
    expect(events).toEqual([
      {
        event_type: 'user.human.externalidp.added',
        payload: { idpConfigId: instanceIdp, userId: identity.userId, displayName: identity.userName },
      },
      { event_type: 'user.human.externalidp.removed', payload: { idpConfigId: instanceIdp, userId: identity.userId } },
    ]);
  });

  it('links one upstream identity to one user per instance: ALREADY_EXISTS for the same or another user', async () => {
    const first = await make.human(orgA);
    const second = await make.human(orgB);
    const identity = link(instanceIdp);
    await users().addIDPLink({ userId: first, idpLink: identity });
    expect(await codeOf(users().addIDPLink({ userId: first, idpLink: identity }))).toBe(Code.AlreadyExists);
    expect(await codeOf(users().addIDPLink({ userId: second, idpLink: identity }))).toBe(Code.AlreadyExists);
    // The same upstream id at another provider is another identity.
    await users().addIDPLink({ userId: first, idpLink: { ...identity, idpId: orgAIdp } });
    expect(await linksOf(first)).toHaveLength(2);
    expect(await linksOf(second)).toEqual([]);
  });

  it('does not ask the provider’s options: a provider that allows neither linking nor creation still takes a link from a user manager (ZITADEL’s AddUserIDPLink checks none; the login refuses linking, as the hosted pages do)', async () => {
    const closed = (
      await insertIdpTemplate(server, {
        instanceId,
        config: OFFLINE_OIDC_CONFIG,
        name: 'Closed upstream',
        options: { isLinkingAllowed: false, isCreationAllowed: false, isAutoCreation: false },
      })
    ).id;
    const userId = await make.human(orgA);
    const identity = link(closed);
    await users().addIDPLink({ userId, idpLink: identity });
    expect(await linksOf(userId)).toEqual([identity]);
  });

  it("takes instance providers and the user's own org's, not another org's nor unknown ones (ZITADEL: FAILED_PRECONDITION)", async () => {
    const inA = await make.human(orgA);
    const inB = await make.human(orgB);
    await users().addIDPLink({ userId: inA, idpLink: link(orgAIdp) });
    await users().addIDPLink({ userId: inB, idpLink: link(instanceIdp) });
    const err = await users()
      .addIDPLink({ userId: inB, idpLink: link(orgAIdp) })
      .catch((e: unknown) => e as { code: Code; rawMessage: string });
    expect(err).toMatchObject({ code: Code.FailedPrecondition });
    expect((err as { rawMessage: string }).rawMessage).toContain('idp_link.idp_id');
    expect(await codeOf(users().addIDPLink({ userId: inB, idpLink: link('123456789012345678') }))).toBe(
      Code.FailedPrecondition,
    );
    expect(await linksOf(inB)).toHaveLength(1);
  });

  it('answers a missing user with FAILED_PRECONDITION (ZITADEL COMMAND-vzktar7b7f), a missing link with NOT_FOUND', async () => {
    expect(await codeOf(users().addIDPLink({ userId: '999999999999999999', idpLink: link(instanceIdp) }))).toBe(
      Code.FailedPrecondition,
    );
    const userId = await make.human(orgA);
    expect(await codeOf(users().removeIDPLink({ userId, idpId: instanceIdp, linkedUserId: 'nobody' }))).toBe(
      Code.NotFound,
    );
    expect(await linksOf('999999999999999999')).toEqual([]);
  });

  it('checks the fields: idp_link and its ids are required (INVALID_ARGUMENT)', async () => {
    const userId = await make.human(orgA);
    expect(await codeOf(users().addIDPLink({ userId }))).toBe(Code.InvalidArgument);
    expect(
      await codeOf(users().addIDPLink({ userId, idpLink: { idpId: instanceIdp, userId: '', userName: 'x' } })),
    ).toBe(Code.InvalidArgument);
  });

  it('is served over REST at /v2/users/{id}/links and by v2beta through the bridge', async () => {
    const userId = await make.human(orgA);
    const identity = link(instanceIdp);
    const added = await rest(server.baseUrl, 'POST', `/v2/users/${userId}/links`, {
      token: server.adminPat,
      body: { idpLink: identity },
    });
    expect(added.status).toBe(200);
    const listed = await rest(server.baseUrl, 'POST', `/v2/users/${userId}/links/_search`, {
      token: server.adminPat,
      body: {},
    });
    expect(listed.status).toBe(200);
    expect(listed.body.result).toEqual([identity]);
    expect(listed.body.details.totalResult).toBe('1');
    const beta = client(UserServiceV2beta, 'connect-h1', server.baseUrl, server.adminPat);
    const second = link(orgAIdp);
    await beta.addIDPLink({ userId, idpLink: second });
    expect(await linksOf(userId)).toEqual(expect.arrayContaining([identity, second]));
    const removed = await rest(
      server.baseUrl,
      'DELETE',
      `/v2/users/${userId}/links/${instanceIdp}/${encodeURIComponent(identity.userId)}`,
      { token: server.adminPat },
    );
    expect(removed.status).toBe(200);
    expect(await linksOf(userId)).toEqual([second]);
  });

  it('pages the list: limit, offset and the total', async () => {
    const userId = await make.human(orgA);
    const identities = [link(instanceIdp), link(instanceIdp), link(orgAIdp)];
    for (const idpLink of identities) await users().addIDPLink({ userId, idpLink });
    const page = await users().listIDPLinks({ userId, query: { limit: 2, offset: 1n, asc: true } });
    expect(page.details?.totalResult).toBe(3n);
    expect(page.result.map((l) => l.userId)).toEqual(identities.slice(1).map((i) => i.userId));
  });
});

describe('who may manage links (ZITADEL: user.write / user.read on the user’s org, or the user itself; Portcullis: a user may not add a link to itself)', () => {
  it('an org user manager manages its org’s users only; another org’s user is hidden', async () => {
    const manager = await make.principal(orgA, ['ORG_USER_MANAGER']);
    const inA = await make.human(orgA);
    const inB = await make.human(orgB);
    const identity = link(instanceIdp);
    await users(manager.pat).addIDPLink({ userId: inA, idpLink: identity });
    expect(await linksOf(inA, manager.pat)).toEqual([identity]);
    await users(manager.pat).removeIDPLink({ userId: inA, idpId: instanceIdp, linkedUserId: identity.userId });

    const inBLink = link(instanceIdp);
    await users().addIDPLink({ userId: inB, idpLink: inBLink });
    expect(await codeOf(users(manager.pat).addIDPLink({ userId: inB, idpLink: link(instanceIdp) }))).toBe(
      Code.FailedPrecondition,
    );
    expect(await linksOf(inB, manager.pat)).toEqual([]);
    expect(
      await codeOf(users(manager.pat).removeIDPLink({ userId: inB, idpId: instanceIdp, linkedUserId: inBLink.userId })),
    ).toBe(Code.NotFound);
    expect(await linksOf(inB)).toEqual([inBLink]);
  });

  it('a reader of the org lists links but may not change them (PERMISSION_DENIED)', async () => {
    const viewer = await make.principal(orgA, ['ORG_OWNER_VIEWER']);
    const userId = await make.human(orgA);
    const identity = link(instanceIdp);
    await users().addIDPLink({ userId, idpLink: identity });
    expect(await linksOf(userId, viewer.pat)).toEqual([identity]);
    expect(await codeOf(users(viewer.pat).addIDPLink({ userId, idpLink: link(instanceIdp) }))).toBe(
      Code.PermissionDenied,
    );
    expect(
      await codeOf(users(viewer.pat).removeIDPLink({ userId, idpId: instanceIdp, linkedUserId: identity.userId })),
    ).toBe(Code.PermissionDenied);
  });

  it('a user with no role lists and removes its own links, and sees no one else’s', async () => {
    const me = await make.human(orgA);
    const other = await make.human(orgA);
    const pat = await make.pat({ userId: me, orgId: orgA });
    const mine = link(orgAIdp);
    await users().addIDPLink({ userId: me, idpLink: mine });
    expect(await linksOf(me, pat)).toEqual([mine]);
    await users().addIDPLink({ userId: other, idpLink: link(instanceIdp) });
    expect(await linksOf(other, pat)).toEqual([]);
    expect(await codeOf(users(pat).addIDPLink({ userId: other, idpLink: link(instanceIdp) }))).toBe(
      Code.FailedPrecondition,
    );
    await users(pat).removeIDPLink({ userId: me, idpId: orgAIdp, linkedUserId: mine.userId });
    expect(await linksOf(me)).toEqual([]);
    // The change is recorded as made by the user itself.
    const [row] = await server.database.dataSource.query(
      `SELECT creator FROM events WHERE aggregate_id = $1 AND event_type = 'user.human.externalidp.removed'`,
      [me],
    );
    expect(row.creator).toBe(me);
  });

  it('a user may not link an upstream identity to itself (PERMISSION_DENIED): upstream ids can be public, and a self-made link would capture their owner’s sign-ins', async () => {
    const me = await make.human(orgA);
    const pat = await make.pat({ userId: me, orgId: orgA });
    const someoneElses = link(instanceIdp);
    expect(await codeOf(users(pat).addIDPLink({ userId: me, idpLink: someoneElses }))).toBe(Code.PermissionDenied);
    expect(await linksOf(me)).toEqual([]);
  });

  it('without credentials: UNAUTHENTICATED', async () => {
    const userId = await make.human(orgA);
    expect(await codeOf(users('').listIDPLinks({ userId }))).toBe(Code.Unauthenticated);
    expect(await codeOf(users('').addIDPLink({ userId, idpLink: link(instanceIdp) }))).toBe(Code.Unauthenticated);
  });
});

describe('instances are apart', () => {
  let other: OtherInstance;
  beforeAll(async () => {
    other = await otherInstance(server);
  });

  it("another instance's admin neither sees nor changes this instance's users and links, nor uses its providers", async () => {
    const userId = await make.human(orgA);
    const identity = link(instanceIdp);
    await users().addIDPLink({ userId, idpLink: identity });
    const theirs = client(UserService, 'grpc', other.baseUrl, other.adminPat);
    expect(await codeOf(theirs.addIDPLink({ userId, idpLink: link(instanceIdp) }))).toBe(Code.FailedPrecondition);
    expect((await theirs.listIDPLinks({ userId })).result).toEqual([]);
    expect(await codeOf(theirs.removeIDPLink({ userId, idpId: instanceIdp, linkedUserId: identity.userId }))).toBe(
      Code.NotFound,
    );

    // Their own user cannot be linked through this instance's provider ...
    const { userId: theirUser } = await theirs.addHumanUser({
      username: unique('other'),
      profile: { givenName: 'O', familyName: 'T' },
      email: { email: `${unique('other')}@example.com`, verification: { case: 'isVerified', value: true } },
    });
    expect(await codeOf(theirs.addIDPLink({ userId: theirUser, idpLink: link(instanceIdp) }))).toBe(
      Code.FailedPrecondition,
    );
    // ... but the same upstream identity may be linked in each instance through its own provider.
    const theirIdp = await insertIdpTemplate(server, { instanceId: other.instanceId, config: OFFLINE_OIDC_CONFIG });
    await theirs.addIDPLink({ userId: theirUser, idpLink: { ...identity, idpId: theirIdp.id } });
    expect(await linksOf(userId)).toEqual([identity]);
  });
});

describe('links go with their provider and their user', () => {
  it('deleting a provider removes its links (foreign key cascade)', async () => {
    const idp = await insertIdpTemplate(server, { instanceId, config: OFFLINE_OIDC_CONFIG, name: 'Short-lived' });
    const userId = await make.human(orgA);
    const kept = link(instanceIdp);
    await users().addIDPLink({ userId, idpLink: link(idp.id) });
    await users().addIDPLink({ userId, idpLink: kept });
    await server.database.dataSource.query(`DELETE FROM idp_templates WHERE instance_id = $1 AND id = $2`, [
      instanceId,
      idp.id,
    ]);
    expect(await linksOf(userId)).toEqual([kept]);
  });

  it('DeleteProvider removes its links, recording user.human.externalidp.cascade.removed on each user (ZITADEL)', async () => {
    const idp = await insertIdpTemplate(server, { instanceId, config: OFFLINE_OIDC_CONFIG, name: 'Retired' });
    const first = await make.human(orgA);
    const second = await make.human(orgB);
    const identity = link(idp.id);
    await users().addIDPLink({ userId: first, idpLink: identity });
    await users().addIDPLink({ userId: second, idpLink: link(idp.id) });
    await users().addIDPLink({ userId: first, idpLink: link(instanceIdp) });
    await adminV1(server.baseUrl, server.adminPat).deleteProvider({ id: idp.id });
    expect((await linksOf(first)).map((l) => l.idpId)).toEqual([instanceIdp]);
    expect(await linksOf(second)).toEqual([]);
    const cascaded: { payload: unknown; resource_owner: string }[] = await server.database.dataSource.query(
      `SELECT payload, resource_owner FROM events WHERE aggregate_type = 'user' AND aggregate_id = $1
         AND event_type = 'user.human.externalidp.cascade.removed'`,
      [first],
    );
    // On the user's history, owned by the user's org (the provider is the instance's).
    expect(cascaded).toEqual([{ payload: { idpConfigId: idp.id, userId: identity.userId }, resource_owner: orgA }]);
    const [user] = await users()
      .getUserByID({ userId: first })
      .then((r) => [r.details]);
    const [last] = await server.database.dataSource.query(
      `SELECT max(sequence)::text AS sequence FROM events WHERE aggregate_type = 'user' AND aggregate_id = $1`,
      [first],
    );
    expect(user?.sequence).toBe(BigInt(last.sequence));
  });

  it('deleting a user removes its links, and the upstream identity may be linked again', async () => {
    const userId = await make.human(orgA);
    const identity = link(instanceIdp);
    await users().addIDPLink({ userId, idpLink: identity });
    await users().deleteUser({ userId });
    const [{ count }] = await server.database.dataSource.query(
      `SELECT count(*)::int AS count FROM idp_links WHERE instance_id = $1 AND user_id = $2`,
      [instanceId, userId],
    );
    expect(count).toBe(0);
    const next = await make.human(orgA);
    await users().addIDPLink({ userId: next, idpLink: identity });
    expect(await linksOf(next)).toEqual([identity]);
  });
});

describe('idp_links on AddHumanUser and CreateUser', () => {
  it('AddHumanUser with idp_links and no password creates an ACTIVE user with its links, in one transaction', async () => {
    const username = unique('linked');
    const identity = link(instanceIdp);
    const { userId } = await users().addHumanUser({
      username,
      organization: { org: { case: 'orgId', value: orgA } },
      profile: { givenName: 'Linked', familyName: 'User' },
      email: { email: `${username}@example.com`, verification: { case: 'isVerified', value: true } },
      idpLinks: [identity, link(orgAIdp)],
    });
    const got = await users().getUserByID({ userId });
    expect(got.user?.state).toBe(UserState.ACTIVE);
    expect(await linksOf(userId)).toHaveLength(2);
    expect((await eventsOf(userId)).map((e) => e.event_type)).toEqual(
      expect.arrayContaining(['user.human.added', 'user.human.externalidp.added']),
    );

    // A taken identity or another org's provider fails the whole creation: no user is left behind.
    const again = unique('again');
    expect(
      await codeOf(
        users().addHumanUser({
          username: again,
          organization: { org: { case: 'orgId', value: orgB } },
          profile: { givenName: 'A', familyName: 'B' },
          email: { email: `${again}@example.com`, verification: { case: 'isVerified', value: true } },
          idpLinks: [identity],
        }),
      ),
    ).toBe(Code.AlreadyExists);
    expect(
      await codeOf(
        users().addHumanUser({
          username: again,
          organization: { org: { case: 'orgId', value: orgB } },
          profile: { givenName: 'A', familyName: 'B' },
          email: { email: `${again}@example.com`, verification: { case: 'isVerified', value: true } },
          idpLinks: [link(orgAIdp)],
        }),
      ),
    ).toBe(Code.FailedPrecondition);
    const [{ count }] = await server.database.dataSource.query(
      `SELECT count(*)::int AS count FROM users WHERE instance_id = $1 AND username = $2`,
      [instanceId, again],
    );
    expect(count).toBe(0);
  });

  it('CreateUser (human) writes its idp_links', async () => {
    const username = unique('created');
    const identity = link(orgAIdp);
    const { id } = await users().createUser({
      organizationId: orgA,
      username,
      userType: {
        case: 'human',
        value: {
          profile: { givenName: 'Created', familyName: 'User' },
          email: { email: `${username}@example.com`, verification: { case: 'isVerified', value: true } },
          idpLinks: [identity],
        },
      },
    });
    expect(await linksOf(id)).toEqual([identity]);
  });
});

describe('CreateInviteCode (ZITADEL: refused once the user has a password, a passkey or an IdP link)', () => {
  it('is refused for a user with a link and issued for one without', async () => {
    const linked = await make.human(orgA, { emailVerified: false, returnEmailCode: true });
    const unlinked = await make.human(orgA, { emailVerified: false, returnEmailCode: true });
    await users().addIDPLink({ userId: linked, idpLink: link(instanceIdp) });
    expect(
      await codeOf(users().createInviteCode({ userId: linked, verification: { case: 'returnCode', value: {} } })),
    ).toBe(Code.FailedPrecondition);
    const invite = await users().createInviteCode({
      userId: unlinked,
      verification: { case: 'returnCode', value: {} },
    });
    expect(invite.inviteCode).toBeTruthy();
  });
});
