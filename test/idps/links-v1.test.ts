import { Status } from 'nice-grpc';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import type { IdpConfig } from '../../src/idps/idp-config.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { client } from '../support/clients.js';
import { factories, unique, type Factories } from '../support/factories.js';
import { insertIdpTemplate, OFFLINE_OIDC_CONFIG } from '../support/idp-templates.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { authV1, managementV1, restV1, v1Code } from '../support/v1-clients.js';

/** zitadel.user.v1.UserState ACTIVE. */
const USER_STATE_ACTIVE = 1;

let server: TestServer;
let make: Factories;
let orgA: string;
let orgB: string;
let oidcIdp: string;
let jwtIdp: string;

const JWT: IdpConfig = {
  kind: 'jwt',
  jwtEndpoint: 'https://jwt.example.com/login',
  issuer: 'https://jwt.example.com',
  keysEndpoint: 'https://jwt.example.com/keys',
  headerName: 'x-auth-token',
};

beforeAll(async () => {
  server = await bootTestServer();
  make = factories(server);
  const instanceId = (await server.app.get(InstanceResolver).resolve('127.0.0.1')).id;
  orgA = await make.org();
  orgB = await make.org();
  oidcIdp = (await insertIdpTemplate(server, { instanceId, config: OFFLINE_OIDC_CONFIG, name: 'Upstream OIDC' })).id;
  jwtIdp = (await insertIdpTemplate(server, { instanceId, config: JWT, orgId: orgA, name: 'Org JWT' })).id;
}, 60_000);
afterAll(() => server?.close());

/** A human of `orgId` with one link to each provider given; answers the external ids. */
async function linkedHuman(orgId: string, idpIds: string[]): Promise<{ userId: string; externalIds: string[] }> {
  const userId = await make.human(orgId);
  const v2 = client(UserService, 'grpc', server.baseUrl, server.adminPat);
  const externalIds: string[] = [];
  for (const idpId of idpIds) {
    const externalId = unique('ext');
    await v2.addIDPLink({ userId, idpLink: { idpId, userId: externalId, userName: `${externalId}@upstream` } });
    externalIds.push(externalId);
  }
  return { userId, externalIds };
}

describe('management v1 ListHumanLinkedIDPs, RemoveHumanLinkedIDP (a user of the org context)', () => {
  it('lists a user’s links with the provider’s name and v1 type, and removes one', async () => {
    const { userId, externalIds } = await linkedHuman(orgA, [oidcIdp, jwtIdp]);
    const mgmt = managementV1(server.baseUrl, server.adminPat, orgA);
    const listed = await mgmt.listHumanLinkedIDPs({ userId, query: { asc: true } });
    expect(Number(listed.details?.totalResult)).toBe(2);
    expect(listed.result).toEqual([
      {
        userId,
        idpId: oidcIdp,
        idpName: 'Upstream OIDC',
        providedUserId: externalIds[0],
        providedUserName: `${externalIds[0]}@upstream`,
        idpType: 1, // IDP_TYPE_OIDC
      },
      {
        userId,
        idpId: jwtIdp,
        idpName: 'Org JWT',
        providedUserId: externalIds[1],
        providedUserName: `${externalIds[1]}@upstream`,
        idpType: 3, // IDP_TYPE_JWT
      },
    ]);
    const removed = await mgmt.removeHumanLinkedIDP({ userId, idpId: jwtIdp, linkedUserId: externalIds[1] });
    expect(removed.details?.resourceOwner).toBe(orgA);
    expect((await mgmt.listHumanLinkedIDPs({ userId })).result.map((l) => l.idpId)).toEqual([oidcIdp]);
    expect(await v1Code(mgmt.removeHumanLinkedIDP({ userId, idpId: jwtIdp, linkedUserId: externalIds[1] }))).toBe(
      Status.NOT_FOUND,
    );
  });

  it('answers only in the user’s org context: another org header lists nothing and removes nothing', async () => {
    const { userId, externalIds } = await linkedHuman(orgA, [oidcIdp]);
    const inB = managementV1(server.baseUrl, server.adminPat, orgB);
    expect((await inB.listHumanLinkedIDPs({ userId })).result).toEqual([]);
    expect(await v1Code(inB.removeHumanLinkedIDP({ userId, idpId: oidcIdp, linkedUserId: externalIds[0] }))).toBe(
      Status.NOT_FOUND,
    );
    expect(
      (await managementV1(server.baseUrl, server.adminPat, orgA).listHumanLinkedIDPs({ userId })).result,
    ).toHaveLength(1);
  });

  it('needs user.read to list and user.write to remove, on the user’s org', async () => {
    const { userId, externalIds } = await linkedHuman(orgA, [oidcIdp]);
    const viewer = await make.principal(orgA, ['ORG_OWNER_VIEWER']);
    const managerOfB = await make.principal(orgB, ['ORG_USER_MANAGER']);
    const asViewer = managementV1(server.baseUrl, viewer.pat, orgA);
    expect((await asViewer.listHumanLinkedIDPs({ userId })).result).toHaveLength(1);
    expect(await v1Code(asViewer.removeHumanLinkedIDP({ userId, idpId: oidcIdp, linkedUserId: externalIds[0] }))).toBe(
      Status.PERMISSION_DENIED,
    );
    const asManagerOfB = managementV1(server.baseUrl, managerOfB.pat, orgA);
    expect((await asManagerOfB.listHumanLinkedIDPs({ userId })).result).toEqual([]);
    expect(
      await v1Code(asManagerOfB.removeHumanLinkedIDP({ userId, idpId: oidcIdp, linkedUserId: externalIds[0] })),
    ).toBe(Status.NOT_FOUND);
  });

  it('is served over REST: POST /management/v1/users/{id}/idps/_search, DELETE …/idps/{idp}/{linked user}', async () => {
    const { userId, externalIds } = await linkedHuman(orgA, [oidcIdp]);
    const listed = await restV1(
      server.baseUrl,
      server.adminPat,
      'POST',
      `/management/v1/users/${userId}/idps/_search`,
      {},
      orgA,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.result).toEqual([
      expect.objectContaining({ idpId: oidcIdp, providedUserId: externalIds[0], idpType: 'IDP_TYPE_OIDC' }),
    ]);
    const removed = await restV1(
      server.baseUrl,
      server.adminPat,
      'DELETE',
      `/management/v1/users/${userId}/idps/${oidcIdp}/${externalIds[0]}`,
      undefined,
      orgA,
    );
    expect(removed.status).toBe(200);
    expect(removed.body.details.resourceOwner).toBe(orgA);
  });
});

describe('management v1 ImportHumanUser with idps (ZITADEL: linked as a creation through the provider)', () => {
  it('imports a user with its links, ACTIVE without a password (ZITADEL: a user imported with idp links is never INITIAL); a provider that does not allow creation refuses it and nothing is written', async () => {
    const instanceId = (await server.app.get(InstanceResolver).resolve('127.0.0.1')).id;
    const closed = await insertIdpTemplate(server, {
      instanceId,
      config: OFFLINE_OIDC_CONFIG,
      name: 'No sign-ups',
      options: { isCreationAllowed: false },
    });
    const mgmt = managementV1(server.baseUrl, server.adminPat, orgA);
    const userName = unique('imported');
    const externalUserId = unique('ext');
    const { userId } = await mgmt.importHumanUser({
      userName,
      profile: { firstName: 'Imp', lastName: 'Orted' },
      email: { email: `${userName}@example.com`, isEmailVerified: true },
      idps: [{ configId: oidcIdp, externalUserId, displayName: 'imported@upstream' }],
    });
    expect((await mgmt.getUserByID({ id: userId })).user?.state).toBe(USER_STATE_ACTIVE);
    expect((await mgmt.listHumanLinkedIDPs({ userId })).result).toEqual([
      expect.objectContaining({
        idpId: oidcIdp,
        providedUserId: externalUserId,
        providedUserName: 'imported@upstream',
      }),
    ]);

    const refusedName = unique('refused');
    const refused = await restV1(
      server.baseUrl,
      server.adminPat,
      'POST',
      '/management/v1/users/human/_import',
      {
        userName: refusedName,
        profile: { firstName: 'Ref', lastName: 'Used' },
        email: { email: `${refusedName}@example.com`, isEmailVerified: true },
        idps: [{ configId: closed.id, externalUserId: unique('ext'), displayName: 'x' }],
      },
      orgA,
    );
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('idps[0].config_id');
    const [{ count }] = await server.database.dataSource.query(
      'SELECT count(*)::int AS count FROM users WHERE username = $1',
      [refusedName],
    );
    expect(count).toBe(0);
  });
});

describe('auth v1 ListMyLinkedIDPs, RemoveMyLinkedIDP (the caller’s own links)', () => {
  it('a user with no role lists and removes its own links, never another’s', async () => {
    const me = await linkedHuman(orgA, [oidcIdp, jwtIdp]);
    const other = await linkedHuman(orgA, [oidcIdp]);
    const pat = await make.pat({ userId: me.userId, orgId: orgA });
    const auth = authV1(server.baseUrl, pat);
    const mine = await auth.listMyLinkedIDPs({});
    expect(Number(mine.details?.totalResult)).toBe(2);
    expect(mine.result.map((l) => l.providedUserId).sort()).toEqual([...me.externalIds].sort());

    // Another user's link is not among "my" links.
    expect(await v1Code(auth.removeMyLinkedIDP({ idpId: oidcIdp, linkedUserId: other.externalIds[0] }))).toBe(
      Status.NOT_FOUND,
    );
    await auth.removeMyLinkedIDP({ idpId: oidcIdp, linkedUserId: me.externalIds[0] });
    const rest = await restV1(server.baseUrl, pat, 'POST', '/auth/v1/users/me/idps/_search', {});
    expect(rest.status).toBe(200);
    expect(rest.body.result.map((l: { idpId: string }) => l.idpId)).toEqual([jwtIdp]);
    const removed = await restV1(
      server.baseUrl,
      pat,
      'DELETE',
      `/auth/v1/users/me/idps/${jwtIdp}/${me.externalIds[1]}`,
    );
    expect(removed.status).toBe(200);
    expect((await auth.listMyLinkedIDPs({})).result).toEqual([]);
    expect(
      (await managementV1(server.baseUrl, server.adminPat, orgA).listHumanLinkedIDPs({ userId: other.userId })).result,
    ).toHaveLength(1);
  });

  it('without credentials: UNAUTHENTICATED', async () => {
    expect(await v1Code(authV1(server.baseUrl, '').listMyLinkedIDPs({}))).toBe(Status.UNAUTHENTICATED);
  });
});
