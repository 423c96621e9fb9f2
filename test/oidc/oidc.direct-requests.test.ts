import { jest } from '@jest/globals';
import { OidcProviders } from '../../src/oidc/oidc-providers.js';
import { machineWithRoles } from '../support/principals.js';
import { client, rest } from '../support/clients.js';
import { AppService } from '@zitadel/proto/zitadel/app/v2beta/app_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { otherInstance } from '../support/instances.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { addOidcApp, oidc, oidcWorld, rp, signIn, userinfoStatus, type OidcWorld } from './support.js';

// Introspection and client_credentials in their common form (Basic auth, the endpoint's own fields)
// are answered beside oidc-provider (src/oidc/direct-requests.ts). Every answer must be the
// provider's own: the same request with one more field, which the provider ignores and the direct
// path declines, shows the provider's answer to compare with.

let server: TestServer;
let world: OidcWorld;
let handlerCalls: ReturnType<typeof jest.spyOn>;

beforeAll(async () => {
  server = await bootTestServer();
  world = await oidcWorld(server);
  handlerCalls = jest.spyOn(server.app.get(OidcProviders), 'handlerOf');
});
afterAll(() => server?.close());

const basic = (clientId: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;

async function introspect(
  form: Record<string, string>,
  authorization = basic(world.api.clientId, world.api.clientSecret),
) {
  const res = await fetch(`${server.baseUrl}/oauth/v2/introspect`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
    body: new URLSearchParams(form).toString(),
  });
  // Every header but the date, which moves between the two answers.
  const headers = Object.fromEntries([...res.headers].filter(([name]) => name !== 'date'));
  return { status: res.status, headers, body: (await res.json()) as Record<string, unknown> };
}

/** The answer in the common form, the provider's answer, and whether the provider's handler ran for each. */
async function bothWays(form: Record<string, string>, authorization?: string) {
  handlerCalls.mockClear();
  const direct = await introspect(form, authorization);
  const directUsedProvider = handlerCalls.mock.calls.length > 0;
  handlerCalls.mockClear();
  const provider = await introspect({ ...form, ignored_by_the_provider: '1' }, authorization);
  return { direct, provider, directUsedProvider, providerUsed: handlerCalls.mock.calls.length > 0 };
}

/** A machine user of the world's org with a secret (its access tokens opaque or JWTs). */
async function machine(accessTokenType: 'bearer' | 'jwt' = 'bearer') {
  const { userId } = await machineWithRoles(server, world.orgId, {
    level: 'org',
    resourceId: world.orgId,
    roles: ['ORG_USER_MANAGER'],
  });
  const { clientSecret } = await client(UserService, 'grpc', server.baseUrl, server.adminPat).addSecret({ userId });
  const db = server.database.dataSource;
  await db.query('UPDATE users SET machine_access_token_type = $2 WHERE id = $1', [userId, accessTokenType]);
  const [{ username }] = await db.query('SELECT username FROM users WHERE id = $1', [userId]);
  return { userId, username: username as string, clientSecret };
}

/** The scope that puts the world's project in a machine token's audience (so its API app may introspect it). */
const forTheProject = () => `openid profile urn:zitadel:iam:org:project:id:${world.projectId}:aud`;

/** A client_credentials token meant for the world's project. */
async function machineToken(): Promise<string> {
  const { username, clientSecret } = await machine();
  const tokens = await oidc.clientCredentialsGrant(await rp(server, username, clientSecret), {
    scope: forTheProject(),
  });
  return tokens.access_token;
}

describe('introspection in its common form, answered beside the provider', () => {
  it("answers a user's access and refresh tokens and a machine's client_credentials token as the provider does (the same fields, the user's claims, the same headers), without the provider's handler", async () => {
    const web = await rp(server, world.web.clientId, world.web.clientSecret);
    const user = await signIn(server, world, web, 'openid profile email offline_access');
    expect(user.refresh_token).toBeDefined();
    const api = basic(world.api.clientId, world.api.clientSecret);
    const own = basic(world.web.clientId, world.web.clientSecret);
    // A refresh token names no audience: only its own client may introspect it.
    const cases: [Record<string, string>, string][] = [
      [{ token: user.access_token }, api],
      [{ token: user.access_token, token_type_hint: 'access_token' }, api],
      [{ token: user.access_token, token_type_hint: 'refresh_token' }, api],
      [{ token: user.refresh_token! }, own],
      [{ token: user.refresh_token!, token_type_hint: 'refresh_token' }, own],
      [{ token: user.refresh_token!, token_type_hint: 'access_token' }, own],
      [{ token: await machineToken() }, api],
    ];
    for (const [form, authorization] of cases) {
      const { direct, provider, directUsedProvider, providerUsed } = await bothWays(form, authorization);
      expect({ form, body: direct.body }).toEqual({ form, body: expect.objectContaining({ active: true }) });
      expect(direct).toEqual(provider);
      expect(directUsedProvider).toBe(false);
      expect(providerUsed).toBe(true);
    }
    // The web app introspects its own token the same way (client_id is its own).
    const self = await bothWays({ token: user.access_token }, own);
    expect(self.direct).toEqual(self.provider);
    expect(self.direct.body).toMatchObject({ active: true, sub: world.user.id, client_id: world.web.clientId });
    expect(self.directUsedProvider).toBe(false);
  });

  it('leaves to the provider a wrong secret and a token not meant for the client; answers an unknown or revoked token inactive itself; every answer stays the provider’s', async () => {
    const web = await rp(server, world.web.clientId, world.web.clientSecret);
    const { access_token } = await signIn(server, world, web);
    const wrongSecret = await bothWays({ token: access_token }, basic(world.api.clientId, 'not-the-secret'));
    expect(wrongSecret.direct.status).toBe(401);
    expect(wrongSecret.direct.body.error).toBe('invalid_client');
    expect(wrongSecret.directUsedProvider).toBe(true);

    const unknown = await bothWays({ token: 'no-such-token' });
    expect(unknown.direct).toEqual({ ...unknown.provider, body: { active: false } });
    expect(unknown.directUsedProvider).toBe(false);

    // Another project's API app: the token's audience names neither it nor its project.
    const otherWorld = await oidcWorld(server);
    const notMeant = await bothWays(
      { token: access_token },
      basic(otherWorld.api.clientId, otherWorld.api.clientSecret),
    );
    expect(notMeant.direct.body).toEqual({ active: false });
    expect(notMeant.directUsedProvider).toBe(true);

    await oidc.tokenRevocation(web, access_token);
    const revoked = await bothWays({ token: access_token });
    expect(revoked.direct).toEqual({ ...revoked.provider, body: { active: false } });
    expect(revoked.directUsedProvider).toBe(false);
  });

  it('a token of a user deactivated since is inactive, as through the provider', async () => {
    const ownWorld = await oidcWorld(server);
    const ownWeb = await rp(server, ownWorld.web.clientId, ownWorld.web.clientSecret);
    const { access_token } = await signIn(server, ownWorld, ownWeb);
    await client(UserService, 'grpc', server.baseUrl, server.adminPat).deactivateUser({ userId: ownWorld.user.id });
    const auth = basic(ownWorld.api.clientId, ownWorld.api.clientSecret);
    const { direct, provider } = await bothWays({ token: access_token }, auth);
    expect(direct.body).toEqual({ active: false });
    expect(direct).toEqual(provider);
  });

  it("answers a PAT as the provider's path does (ZITADEL's PAT answer), without the provider's handler; a PAT of another instance is inactive", async () => {
    const { pat } = await machineWithRoles(server, world.orgId, {
      level: 'org',
      resourceId: world.orgId,
      roles: ['ORG_OWNER_VIEWER'],
    });
    const { direct, provider, directUsedProvider } = await bothWays({ token: pat });
    expect(direct.body).toMatchObject({ active: true, aud: [world.api.clientId, world.projectId] });
    expect(direct).toEqual(provider);
    expect(directUsedProvider).toBe(false);
    const other = await otherInstance(server, 'direct-pat.other.test');
    const elsewhere = await bothWays({ token: other.adminPat });
    expect(elsewhere.direct).toEqual({ ...elsewhere.provider, body: { active: false } });
  });

  it('answers a JWT access token (looked up by its jti) as the provider does, without the provider’s handler', async () => {
    const jwtWorld = await oidcWorld(server, { accessTokenType: 'jwt' });
    const web = await rp(server, jwtWorld.web.clientId, jwtWorld.web.clientSecret);
    const { access_token } = await signIn(server, jwtWorld, web, 'openid profile');
    expect(access_token.split('.')).toHaveLength(3);
    const { direct, provider, directUsedProvider } = await bothWays(
      { token: access_token },
      basic(jwtWorld.api.clientId, jwtWorld.api.clientSecret),
    );
    expect(direct.body).toMatchObject({ active: true, sub: jwtWorld.user.id, client_id: jwtWorld.web.clientId });
    expect(direct).toEqual(provider);
    expect(directUsedProvider).toBe(false);
  });

  it('a token of an app removed or deactivated since is found nowhere: inactive at introspection (both ways, not a server error), refused at userinfo and by the API', async () => {
    const apps = client(AppService, 'grpc', server.baseUrl, server.adminPat);
    for (const end of ['deactivate', 'remove'] as const) {
      const app = await addOidcApp(server, world);
      const config = await rp(server, app.clientId, app.clientSecret);
      const { access_token } = await signIn(server, world, config, 'openid urn:zitadel:iam:org:project:id:zitadel:aud');
      expect((await bothWays({ token: access_token })).direct.body.active).toBe(true);
      expect(await userinfoStatus(server, access_token)).toBe(200);
      expect((await rest(server.baseUrl, 'GET', `/v2/users/${world.user.id}`, { token: access_token })).status).toBe(
        200,
      );
      if (end === 'deactivate') await apps.deactivateApplication({ projectId: world.projectId, id: app.appId });
      else await apps.deleteApplication({ projectId: world.projectId, id: app.appId });
      const after = await bothWays({ token: access_token });
      expect(after.direct).toEqual({ ...after.provider, body: { active: false } });
      expect(await userinfoStatus(server, access_token)).toBe(401);
      expect((await rest(server.baseUrl, 'GET', `/v2/users/${world.user.id}`, { token: access_token })).status).toBe(
        401,
      );
    }
  });

  it('across instances: a token of another instance is inactive here, and this instance’s app is unknown there', async () => {
    const other = await otherInstance(server);
    const users = client(UserService, 'grpc', other.baseUrl, other.adminPat);
    const machine = await users.createUser({
      organizationId: other.orgId,
      username: `other-machine-${Date.now()}`,
      userType: { case: 'machine', value: { name: 'other machine' } },
    });
    const { clientSecret } = await users.addSecret({ userId: machine.id });
    const [{ username }] = await server.database.dataSource.query('SELECT username FROM users WHERE id = $1', [
      machine.id,
    ]);
    const atOther = await oidc.discovery(new URL(other.baseUrl), username, clientSecret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const otherToken = (await oidc.clientCredentialsGrant(atOther)).access_token;
    // Its own instance knows it (the machine introspects its own token there).
    const atHome = await fetch(`${other.baseUrl}/oauth/v2/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(username, clientSecret) },
      body: new URLSearchParams({ token: otherToken }),
    });
    expect(((await atHome.json()) as { active: boolean }).active).toBe(true);

    const here = await bothWays({ token: otherToken });
    expect(here.direct).toEqual({ ...here.provider, body: { active: false } });

    const web = await rp(server, world.web.clientId, world.web.clientSecret);
    const { access_token } = await signIn(server, world, web);
    const there = await fetch(`${other.baseUrl}/oauth/v2/introspect`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(world.api.clientId, world.api.clientSecret),
      },
      body: new URLSearchParams({ token: access_token }),
    });
    expect(there.status).toBe(401);
    expect(await there.json()).toMatchObject({ error: 'invalid_client' });
  });
});

describe('client_credentials in its common form, issued beside the provider', () => {
  async function tokenRequest(form: Record<string, string>, authorization: string) {
    const res = await fetch(`${server.baseUrl}/oauth/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
      body: new URLSearchParams(form).toString(),
    });
    // The tokens differ, and with them a JWT's length: every header but the date and the length.
    const headers = Object.fromEntries(
      [...res.headers].filter(([name]) => name !== 'date' && name !== 'content-length'),
    );
    return { status: res.status, headers, body: (await res.json()) as Record<string, any> };
  }

  /** What an answer says but the token itself and when it was made. */
  const timeless = ({ exp, iat, jti, nbf, ...rest }: Record<string, unknown>) => rest;

  it("issues a machine user's opaque and JWT tokens as the provider does (the same answer and headers; the two tokens introspect alike and a JWT carries the same claims), without the provider's handler", async () => {
    for (const type of ['bearer', 'jwt'] as const) {
      const { username, clientSecret } = await machine(type);
      const auth = basic(username, clientSecret);
      const forms: Record<string, string>[] = [
        { grant_type: 'client_credentials' },
        { grant_type: 'client_credentials', scope: forTheProject() },
      ];
      for (const form of forms) {
        handlerCalls.mockClear();
        const direct = await tokenRequest(form, auth);
        expect(handlerCalls).not.toHaveBeenCalled();
        const provider = await tokenRequest({ ...form, ignored_by_the_provider: '1' }, auth);
        expect(handlerCalls).toHaveBeenCalled();
        expect(direct.status).toBe(200);
        const { access_token: directToken, ...directRest } = direct.body;
        const { access_token: providerToken, ...providerRest } = provider.body;
        expect({ ...direct, body: directRest }).toEqual({ ...provider, body: providerRest });
        expect(directToken).not.toBe(providerToken);
        expect(directToken.split('.').length).toBe(type === 'jwt' ? 3 : 1);
        if (type === 'jwt') {
          const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
          expect(timeless(claims(directToken))).toEqual(timeless(claims(providerToken)));
        }
        if (form.scope) {
          const [a, b] = [await introspect({ token: directToken }), await introspect({ token: providerToken })];
          expect(a.body.active).toBe(true);
          expect(timeless(a.body)).toEqual(timeless(b.body));
        }
      }
    }
  });

  it('leaves to the provider a wrong secret and a client that is no machine user, whose answers stay the provider’s (DPoP-bound requests: oidc.par-dpop.test.ts)', async () => {
    const { username } = await machine();
    const wrong = await tokenRequest({ grant_type: 'client_credentials' }, basic(username, 'not-the-secret'));
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
    handlerCalls.mockClear();
    const webApp = await tokenRequest(
      { grant_type: 'client_credentials' },
      basic(world.web.clientId, world.web.clientSecret),
    );
    expect(handlerCalls).toHaveBeenCalled();
    expect(webApp.status).toBe(400);
    const apiApp = await tokenRequest(
      { grant_type: 'client_credentials' },
      basic(world.api.clientId, world.api.clientSecret),
    );
    expect(apiApp.status).toBe(400);
  });
});
