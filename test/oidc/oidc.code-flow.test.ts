import { Code } from '@connectrpc/connect';
import { OIDCService } from '@zitadel/proto/zitadel/oidc/v2/oidc_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { client, codeOf } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import {
  Browser,
  POST_LOGOUT,
  REDIRECT,
  authorize,
  endSession,
  oidc,
  oidcWorld,
  passwordSession,
  rp,
  type OidcWorld,
} from './support.js';

let server: TestServer;
let world: OidcWorld;

beforeAll(async () => {
  server = await bootTestServer();
  world = await oidcWorld(server);
});
afterAll(() => server?.close());

const SCOPE =
  'openid profile email offline_access urn:zitadel:iam:org:project:role:admin urn:zitadel:iam:user:resourceowner';

/** Starts an authorization at the provider and answers the auth request id the login UI gets. */
async function startAuthorization(browser: Browser, config: oidc.Configuration, extra: Record<string, string> = {}) {
  const { res, authRequestId, verifier, state } = await authorize(browser, config, extra, SCOPE);
  expect(res.status).toBe(303);
  expect(new URL(res.headers.get('location')!, server.baseUrl).pathname).toBe('/ui/v2/login/login');
  return { authRequestId: authRequestId!, verifier, state };
}

describe('authorization code + PKCE through the session API and CreateCallback', () => {
  it('signs in, receives ZITADEL-shaped claims, refreshes, reads userinfo, introspects, revokes and logs out', async () => {
    const config = await rp(server, world.web.clientId, world.web.clientSecret);
    expect(config.serverMetadata()).toMatchObject({
      issuer: server.baseUrl,
      authorization_endpoint: `${server.baseUrl}/oauth/v2/authorize`,
      token_endpoint: `${server.baseUrl}/oauth/v2/token`,
      userinfo_endpoint: `${server.baseUrl}/oidc/v1/userinfo`,
      jwks_uri: `${server.baseUrl}/oauth/v2/keys`,
      end_session_endpoint: `${server.baseUrl}/oidc/v1/end_session`,
      introspection_endpoint: `${server.baseUrl}/oauth/v2/introspect`,
      revocation_endpoint: `${server.baseUrl}/oauth/v2/revoke`,
      device_authorization_endpoint: `${server.baseUrl}/oauth/v2/device_authorization`,
    });

    const browser = new Browser();
    const { authRequestId, verifier, state } = await startAuthorization(browser, config, {
      login_hint: world.user.username,
    });

    const oidcService = client(OIDCService, 'grpc', server.baseUrl, server.adminPat);
    const { authRequest } = await oidcService.getAuthRequest({ authRequestId });
    expect(authRequest).toMatchObject({
      id: authRequestId,
      clientId: world.web.clientId,
      redirectUri: REDIRECT,
      loginHint: world.user.username,
    });
    expect(authRequest?.scope).toEqual(SCOPE.split(' '));

    const session = await passwordSession(server, world.user.username);
    const { callbackUrl } = await oidcService.createCallback({
      authRequestId,
      callbackKind: { case: 'session', value: session },
    });
    const { url: redirected } = await browser.follow(callbackUrl, server.baseUrl);
    expect(redirected.startsWith(REDIRECT)).toBe(true);

    const tokens = await oidc.authorizationCodeGrant(config, new URL(redirected), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const idToken = tokens.claims()!;
    expect(idToken.sub).toBe(world.user.id);
    expect(idToken.amr).toEqual(['pwd']);
    expect(idToken['urn:zitadel:iam:org:project:roles']).toEqual({ admin: { [world.orgId]: world.orgDomain } });
    expect(idToken[`urn:zitadel:iam:org:project:${world.projectId}:roles`]).toEqual({
      admin: { [world.orgId]: world.orgDomain },
    });
    expect(tokens.refresh_token).toBeDefined();

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, world.user.id);
    expect(userinfo).toMatchObject({
      sub: world.user.id,
      given_name: 'Alice',
      family_name: 'Archer',
      email: `${world.user.username}@example.com`,
      email_verified: true,
      preferred_username: world.user.username,
      'urn:zitadel:iam:user:resourceowner:id': world.orgId,
      'urn:zitadel:iam:org:project:roles': { admin: { [world.orgId]: world.orgDomain } },
    });

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    const api = await rp(server, world.api.clientId, world.api.clientSecret);
    const introspected = await oidc.tokenIntrospection(api, refreshed.access_token);
    expect(introspected).toMatchObject({ active: true, sub: world.user.id, client_id: world.web.clientId });
    expect(introspected.aud).toEqual(expect.arrayContaining([world.web.clientId, world.projectId]));

    // Its own refresh token, which the client may introspect (one query answers every token model).
    expect(await oidc.tokenIntrospection(config, refreshed.refresh_token!)).toMatchObject({
      active: true,
      sub: world.user.id,
      client_id: world.web.clientId,
    });
    expect((await oidc.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(false); // rotated away

    await oidc.tokenRevocation(config, refreshed.access_token);
    expect((await oidc.tokenIntrospection(api, refreshed.access_token)).active).toBe(false);

    const confirm = await endSession(server, browser, config, tokens.id_token!);
    expect(confirm.status).toBe(303);
    expect(confirm.headers.get('location')).toBe(POST_LOGOUT);
  });

  it("refuses CreateCallback to a caller without session.link (ZITADEL's login client rule)", async () => {
    const config = await rp(server, world.web.clientId, world.web.clientSecret);
    const { authRequestId } = await startAuthorization(new Browser(), config);
    const session = await passwordSession(server, world.user.username);
    const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
    const { id } = await users.createUser({
      organizationId: world.orgId,
      username: `nobody-${Date.now()}`,
      userType: { case: 'machine', value: { name: 'Nobody' } },
    });
    const { token } = await users.addPersonalAccessToken({
      userId: id,
      expirationDate: { seconds: BigInt(Math.floor(Date.now() / 1000) + 3600), nanos: 0 },
    });
    const asNobody = client(OIDCService, 'grpc', server.baseUrl, token);
    expect(
      await codeOf(asNobody.createCallback({ authRequestId, callbackKind: { case: 'session', value: session } })),
    ).toBe(Code.PermissionDenied);
    expect(await codeOf(client(OIDCService, 'grpc', server.baseUrl).getAuthRequest({ authRequestId }))).toBe(
      Code.Unauthenticated,
    );
  });
});
