import { Status } from 'nice-grpc';
import { InternalPermissionService } from '@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { client, rest } from '../support/clients.js';
import { otherInstance } from '../support/instances.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { authV1, v1Code } from '../support/v1-clients.js';
import { addUser, oauthErrorOf, oidc, oidcWorld, rp, signIn, PASSWORD, type OidcWorld } from '../oidc/support.js';
import { patFor } from '../users/mfa/support/users.js';

let server: TestServer;
/** Org A with a project, a web app and Alice (role admin); org B is another world. */
let a: OidcWorld;
let b: OidcWorld;
let alicePat: string;
let bobPat: string;

beforeAll(async () => {
  server = await bootTestServer();
  a = await oidcWorld(server);
  b = await oidcWorld(server);
  alicePat = await patFor(server, { userId: a.user.id, orgId: a.orgId });
  bobPat = await patFor(server, { userId: b.user.id, orgId: b.orgId });
  const admins = client(InternalPermissionService, 'grpc', server.baseUrl, server.adminPat);
  await admins.createAdministrator({
    userId: a.user.id,
    resource: { resource: { case: 'organizationId', value: a.orgId } },
    roles: ['ORG_OWNER_VIEWER'],
  });
  await admins.createAdministrator({
    userId: a.user.id,
    resource: { resource: { case: 'projectId', value: a.projectId } },
    roles: ['PROJECT_OWNER'],
  });
  await admins.createAdministrator({
    userId: b.user.id,
    resource: { resource: { case: 'organizationId', value: b.orgId } },
    roles: ['ORG_OWNER'],
  });
}, 60_000);
afterAll(() => server?.close());

describe('ListMyMemberships (ZITADEL auth: the caller’s own memberships, v1 Membership)', () => {
  it("lists the caller's org and project memberships, named after their resource, and filters by resource", async () => {
    const mine = await authV1(server.baseUrl, alicePat).listMyMemberships({ queries: [] });
    expect(Number(mine.details?.totalResult)).toBe(2);
    const byType = Object.fromEntries(mine.result.map((m) => [m.orgId ? 'org' : m.projectId ? 'project' : '?', m]));
    expect(byType.org).toMatchObject({ userId: a.user.id, orgId: a.orgId, roles: ['ORG_OWNER_VIEWER'] });
    expect(byType.org.displayName).toMatch(/^OIDC Org /);
    expect(byType.project).toMatchObject({ projectId: a.projectId, roles: ['PROJECT_OWNER'] });
    expect(byType.project.details?.resourceOwner).toBe(a.orgId);

    const projectOnly = await rest(server.baseUrl, 'POST', '/auth/v1/memberships/me/_search', {
      token: alicePat,
      body: { queries: [{ projectQuery: { projectId: a.projectId } }] },
    });
    expect(projectOnly.status).toBe(200);
    expect(projectOnly.body.result.map((m: { projectId: string }) => m.projectId)).toEqual([a.projectId]);
    // Bob's org membership is his alone: naming B's org finds nothing of Alice's.
    const other = await authV1(server.baseUrl, alicePat).listMyMemberships({
      queries: [{ orgQuery: { orgId: b.orgId } }],
    });
    expect(other.result).toEqual([]);
    const bob = await authV1(server.baseUrl, bobPat).listMyMemberships({ queries: [] });
    expect(bob.result.map((m) => m.userId)).toEqual([b.user.id]);
  });
});

describe('ListMyZitadelPermissions (ZITADEL MyZitadelPermissions: memberships of the context org)', () => {
  it("answers the permissions of the caller's org and project roles, project ones suffixed with the project", async () => {
    const { result } = await authV1(server.baseUrl, alicePat).listMyZitadelPermissions({});
    expect(result).toEqual(expect.arrayContaining(['org.read', 'user.read', `project.write:${a.projectId}`]));
    expect(result).not.toContain('org.write');
    expect(result).not.toContain('project.write');
  });

  it('with another org in x-zitadel-orgid answers only what the caller holds there: nothing', async () => {
    const res = await fetch(`${server.baseUrl}/auth/v1/permissions/zitadel/me/_search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alicePat}`, 'content-type': 'application/json', 'x-zitadel-orgid': b.orgId },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect((await res.json()).result ?? []).toEqual([]);
    const bobs = await authV1(server.baseUrl, bobPat).listMyZitadelPermissions({});
    expect(bobs.result).toContain('org.write');
  });
});

describe('ListMyUserGrants (ZITADEL auth: the caller’s own authorizations)', () => {
  it('lists the caller’s authorizations with org and project named, never another user’s', async () => {
    const { result, details } = await authV1(server.baseUrl, alicePat).listMyUserGrants({});
    expect(Number(details?.totalResult)).toBe(1);
    expect(result[0]).toMatchObject({
      userId: a.user.id,
      orgId: a.orgId,
      projectId: a.projectId,
      roleKeys: ['admin'],
      roles: ['admin'],
      userType: 1, // TYPE_HUMAN
      state: 1, // USER_GRANT_STATE_ACTIVE
    });
    expect(result[0].orgName).toMatch(/^OIDC Org /);
    expect(result[0].orgDomain).toBe(a.orgDomain);
    expect(result[0].projectName).toMatch(/^Portal /);
    const overRest = await rest(server.baseUrl, 'POST', '/auth/v1/usergrants/me/_search', {
      token: bobPat,
      body: { query: { limit: 10 } },
    });
    expect(overRest.body.result.map((g: { userId: string }) => g.userId)).toEqual([b.user.id]);
    expect(overRest.body.result[0].state).toBe('USER_GRANT_STATE_ACTIVE');
  });
});

describe('ListMyProjectPermissions (ZITADEL: the roles on the project of the app the token was issued to)', () => {
  it("answers the caller's role keys for an OIDC access token of the project's app, NOT_FOUND without an app", async () => {
    const config = await rp(server, a.web.clientId, a.web.clientSecret);
    const tokens = await signIn(server, a, config, 'openid urn:zitadel:iam:org:project:id:zitadel:aud');
    const viaApp = authV1(server.baseUrl, tokens.access_token);
    expect((await viaApp.getMyUser({})).user?.id).toBe(a.user.id);
    expect((await viaApp.listMyProjectPermissions({})).result).toEqual(['admin']);
    const overRest = await rest(server.baseUrl, 'POST', '/auth/v1/permissions/me/_search', {
      token: tokens.access_token,
    });
    expect(overRest.body.result).toEqual(['admin']);
    // In another org's context the caller has no authorization on the project.
    const elsewhere = await fetch(`${server.baseUrl}/auth/v1/permissions/me/_search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'x-zitadel-orgid': b.orgId },
    });
    expect(elsewhere.status).toBe(404);
    // A PAT names no app, so no project.
    expect(await v1Code(authV1(server.baseUrl, alicePat).listMyProjectPermissions({}))).toBe(Status.NOT_FOUND);
  });
});

describe('ListMyProjectOrgs (ZITADEL: the orgs of the memberships, or for an app the orgs of its authorizations)', () => {
  it('answers the orgs the caller is a member of for a PAT; every org for an instance member', async () => {
    const alice = await authV1(server.baseUrl, alicePat).listMyProjectOrgs({ queries: [] });
    expect(alice.result.map((o) => o.id)).toEqual([a.orgId]);
    expect(alice.result[0]).toMatchObject({ state: 1, primaryDomain: a.orgDomain });
    const bob = await rest(server.baseUrl, 'POST', '/auth/v1/global/projectorgs/_search', { token: bobPat, body: {} });
    expect(bob.body.result.map((o: { id: string }) => o.id)).toEqual([b.orgId]);
    const admin = await authV1(server.baseUrl, server.adminPat).listMyProjectOrgs({ queries: [] });
    expect(admin.result.map((o) => o.id)).toEqual(expect.arrayContaining([a.orgId, b.orgId]));
    const named = await authV1(server.baseUrl, server.adminPat).listMyProjectOrgs({
      queries: [{ idQuery: { id: b.orgId } }],
    });
    expect(named.result.map((o) => o.id)).toEqual([b.orgId]);
    expect(Number(named.details?.totalResult)).toBe(1);
  });

  it("answers, for an app's token, the orgs in which the user holds roles on the app's project", async () => {
    const config = await rp(server, b.web.clientId, b.web.clientSecret);
    const tokens = await signIn(server, b, config, 'openid urn:zitadel:iam:org:project:id:zitadel:aud');
    const viaApp = await authV1(server.baseUrl, tokens.access_token).listMyProjectOrgs({ queries: [] });
    expect(viaApp.result.map((o) => o.id)).toEqual([b.orgId]);
    // Filtering to another org never widens the answer.
    const other = await authV1(server.baseUrl, tokens.access_token).listMyProjectOrgs({
      queries: [{ idQuery: { id: a.orgId } }],
    });
    expect(other.result).toEqual([]);
  });
});

describe('ListMyUserSessions (the caller’s own sessions)', () => {
  it("lists the caller's sessions, not another user's", async () => {
    const sessions = client(SessionService, 'grpc', server.baseUrl, server.adminPat);
    const check = (username: string) =>
      sessions.createSession({
        checks: { user: { search: { case: 'loginName', value: username } }, password: { password: PASSWORD } },
      });
    const carol = await addUser(server, a, null);
    const first = await check(carol.username);
    const second = await check(carol.username);
    await check(a.user.username);
    const carolPat = await patFor(server, { userId: carol.id, orgId: a.orgId });
    const { result } = await authV1(server.baseUrl, carolPat).listMyUserSessions({});
    expect(result.map((s) => s.sessionId).sort()).toEqual([first.sessionId, second.sessionId].sort());
    expect(result[0]).toMatchObject({ userId: carol.id, authState: 1 }); // SESSION_STATE_ACTIVE
    expect(result[0].loginName).toContain(carol.username);
    expect(result[0].details?.resourceOwner).toBe(a.orgId);
  });
});

describe('refresh tokens (ZITADEL auth ListMyRefreshTokens, RevokeMyRefreshToken, RevokeAllMyRefreshTokens)', () => {
  it('lists the refresh token of a sign-in, refuses another user’s revoke, revokes it so it no longer refreshes', async () => {
    const config = await rp(server, a.web.clientId, a.web.clientSecret);
    const tokens = await signIn(server, a, config, 'openid offline_access');
    expect(tokens.refresh_token).toBeDefined();

    const listed = await authV1(server.baseUrl, alicePat).listMyRefreshTokens({});
    expect(listed.result).toHaveLength(1);
    const [token] = listed.result;
    expect(token.clientId).toBe(a.web.clientId);
    expect(token.scopes).toEqual(expect.arrayContaining(['openid', 'offline_access']));
    expect(token.audience).toEqual([a.web.clientId, a.projectId]);
    expect(token.id).not.toBe(tokens.refresh_token);
    expect(token.expiration!.getTime()).toBeGreaterThan(token.idleExpiration!.getTime() - 1000);
    expect(token.idleExpiration!.getTime()).toBeGreaterThan(Date.now());

    // Not Bob's: the same answer as a token that does not exist.
    expect(await v1Code(authV1(server.baseUrl, bobPat).revokeMyRefreshToken({ id: token.id }))).toBe(Status.NOT_FOUND);
    expect((await authV1(server.baseUrl, bobPat).listMyRefreshTokens({})).result).toEqual([]);

    const revoked = await rest(server.baseUrl, 'DELETE', `/auth/v1/users/me/tokens/refresh/${token.id}`, {
      token: alicePat,
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body.details.resourceOwner).toBe(a.orgId);
    expect(await oauthErrorOf(oidc.refreshTokenGrant(config, tokens.refresh_token!))).toBe('invalid_grant');
    expect((await authV1(server.baseUrl, alicePat).listMyRefreshTokens({})).result).toEqual([]);
    const [event] = await server.database.dataSource.query(
      `SELECT creator FROM events WHERE event_type = 'oidc.token.revoked' AND aggregate_id = $1`,
      [`RefreshToken:user:${a.user.id}`],
    );
    expect(event.creator).toBe(a.user.id);
  });

  it('revokes all of the caller’s refresh tokens (POST _revoke_all), leaving other users’ alone', async () => {
    const configA = await rp(server, a.web.clientId, a.web.clientSecret);
    const configB = await rp(server, b.web.clientId, b.web.clientSecret);
    const first = await signIn(server, a, configA, 'openid offline_access');
    const second = await signIn(server, a, configA, 'openid offline_access');
    const bobs = await signIn(server, b, configB, 'openid offline_access');
    expect((await authV1(server.baseUrl, alicePat).listMyRefreshTokens({})).result).toHaveLength(2);
    const all = await rest(server.baseUrl, 'POST', '/auth/v1/users/me/tokens/refresh/_revoke_all', {
      token: alicePat,
      body: {},
    });
    expect(all.status).toBe(200);
    for (const t of [first, second])
      expect(await oauthErrorOf(oidc.refreshTokenGrant(configA, t.refresh_token!))).toBe('invalid_grant');
    expect((await oidc.refreshTokenGrant(configB, bobs.refresh_token!)).access_token).toBeDefined();
    // Nothing left to revoke is no error.
    await authV1(server.baseUrl, alicePat).revokeAllMyRefreshTokens({});
  });
});

describe('another instance on the same server (cross-instance)', () => {
  it("a PAT is a credential on its own instance only; each caller's permissions are its instance's", async () => {
    const other = await otherInstance(server, 'localhost');
    expect((await rest(other.baseUrl, 'GET', '/auth/v1/users/me', { token: alicePat })).status).toBe(401);
    expect(await v1Code(authV1(other.baseUrl, alicePat).listMyMemberships({ queries: [] }))).toBe(
      Status.UNAUTHENTICATED,
    );
    expect(await v1Code(authV1(server.baseUrl, other.adminPat).getMyUser({}))).toBe(Status.UNAUTHENTICATED);

    const own = await rest(other.baseUrl, 'GET', '/auth/v1/users/me', { token: other.adminPat });
    expect(own.status).toBe(200);
    expect(own.body.user.details.resourceOwner).toBe(other.orgId);
    const theirs = await authV1(other.baseUrl, other.adminPat).listMyProjectOrgs({ queries: [] });
    expect(theirs.result.map((o) => o.id)).toEqual([other.orgId]);
    const perms = await authV1(other.baseUrl, other.adminPat).listMyZitadelPermissions({});
    expect(perms.result).toContain('iam.write');
  });
});
