import { Code } from '@connectrpc/connect';
import { OIDCService } from '@zitadel/proto/zitadel/oidc/v2/oidc_service_pb.js';
import { OIDCService as OIDCServiceV2beta } from '@zitadel/proto/zitadel/oidc/v2beta/oidc_service_pb.js';
import { client, codeOf, rest } from '../support/clients.js';
import { otherInstance, restOnHost } from '../support/instances.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { loginClient, patFor } from '../sessions/support/sessions.js';
import {
  Browser,
  REDIRECT,
  addUser,
  authorize,
  oidc,
  oidcWorld,
  passwordSession,
  rp,
  type OidcWorld,
} from './support.js';

/**
 * ZITADEL's rule for the login-UI surface of the OIDC service: reading an auth request or device
 * authorization and finishing (or denying) one need session.link on the instance, the
 * IAM_LOGIN_CLIENT role ZITADEL's login runs with. A plain user may neither read another's
 * request (client, redirect URI, login hint) nor finish one with its own session (login CSRF,
 * account swap).
 */
let server: TestServer;
let world: OidcWorld;
let config: oidc.Configuration;
let loginPat: string;

beforeAll(async () => {
  server = await bootTestServer();
  world = await oidcWorld(server);
  config = await rp(server, world.web.clientId, world.web.clientSecret);
  loginPat = await loginClient(server);
}, 60_000);
afterAll(() => server?.close());

async function authRequest(): Promise<string> {
  const { authRequestId } = await authorize(new Browser(), config, { login_hint: 'victim@example.com' });
  return authRequestId!;
}

/** The plain callers of the attack: a user's own PAT, its session token, and an org owner of the user's org (no session.link). */
async function plainCallers() {
  const user = await addUser(server, world);
  const session = await passwordSession(server, user.username);
  const ownPat = await patFor(server, { userId: user.id, orgId: world.orgId });
  const orgOwner = (
    await machineWithRoles(server, world.orgId, { level: 'org', resourceId: world.orgId, roles: ['ORG_OWNER'] })
  ).pat;
  return {
    session,
    callers: {
      'a user PAT': ownPat,
      'a session token': session.sessionToken,
      "an ORG_OWNER of the user's org": orgOwner,
    },
  };
}

describe("auth requests need session.link (ZITADEL's rule)", () => {
  it('a plain user can neither read an auth request nor finish it with its own session (v2, v2beta, REST)', async () => {
    const id = await authRequest();
    const { session, callers } = await plainCallers();
    for (const [who, token] of Object.entries(callers)) {
      const v2 = client(OIDCService, 'grpc', server.baseUrl, token);
      const v2beta = client(OIDCServiceV2beta, 'grpc', server.baseUrl, token);
      expect([who, await codeOf(v2.getAuthRequest({ authRequestId: id }))]).toEqual([who, Code.PermissionDenied]);
      expect([who, await codeOf(v2beta.getAuthRequest({ authRequestId: id }))]).toEqual([who, Code.PermissionDenied]);
      expect([
        who,
        await codeOf(v2.createCallback({ authRequestId: id, callbackKind: { case: 'session', value: session } })),
      ]).toEqual([who, Code.PermissionDenied]);
      expect([
        who,
        await codeOf(v2beta.createCallback({ authRequestId: id, callbackKind: { case: 'session', value: session } })),
      ]).toEqual([who, Code.PermissionDenied]);
      expect([
        who,
        await codeOf(v2.createCallback({ authRequestId: id, callbackKind: { case: 'error', value: { error: 1 } } })),
      ]).toEqual([who, Code.PermissionDenied]);
      expect([who, (await rest(server.baseUrl, 'GET', `/v2/oidc/auth_requests/${id}`, { token })).status]).toEqual([
        who,
        403,
      ]);
    }
    // Untouched by the attempts: the login client reads and finishes it.
    const asLogin = client(OIDCService, 'grpc', server.baseUrl, loginPat);
    expect((await asLogin.getAuthRequest({ authRequestId: id })).authRequest?.loginHint).toBe('victim@example.com');
    expect(
      (await asLogin.createCallback({ authRequestId: id, callbackKind: { case: 'session', value: session } }))
        .callbackUrl,
    ).toMatch(new RegExp(`^${REDIRECT}\\?code=`));
  });

  it('a device authorization can be neither read nor approved nor denied by a plain user', async () => {
    const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid' });
    const { session, callers } = await plainCallers();
    for (const [who, token] of Object.entries(callers)) {
      const v2 = client(OIDCService, 'grpc', server.baseUrl, token);
      expect([who, await codeOf(v2.getDeviceAuthorizationRequest({ userCode: started.user_code }))]).toEqual([
        who,
        Code.PermissionDenied,
      ]);
      const id = started.user_code;
      expect([
        who,
        await codeOf(
          v2.authorizeOrDenyDeviceAuthorization({
            deviceAuthorizationId: id,
            decision: { case: 'session', value: session },
          }),
        ),
      ]).toEqual([who, Code.PermissionDenied]);
      expect([
        who,
        await codeOf(
          v2.authorizeOrDenyDeviceAuthorization({ deviceAuthorizationId: id, decision: { case: 'deny', value: {} } }),
        ),
      ]).toEqual([who, Code.PermissionDenied]);
    }
    const asLogin = client(OIDCService, 'grpc', server.baseUrl, loginPat);
    const { deviceAuthorizationRequest } = await asLogin.getDeviceAuthorizationRequest({ userCode: started.user_code });
    await asLogin.authorizeOrDenyDeviceAuthorization({
      deviceAuthorizationId: deviceAuthorizationRequest!.id,
      decision: { case: 'deny', value: {} },
    });
    await expect(oidc.pollDeviceAuthorizationGrant(config, started)).rejects.toMatchObject({ error: 'access_denied' });
  }, 30_000);

  it("cross-instance: a login client of another instance can neither authenticate here nor find this instance's requests", async () => {
    const id = await authRequest();
    const other = await otherInstance(server, 'second-instance.example');
    // Its PAT means nothing on this instance.
    expect(
      (await rest(server.baseUrl, 'GET', `/v2/oidc/auth_requests/${id}`, { token: other.loginClientPat })).status,
    ).toBe(401);
    // On its own instance, this instance's auth request does not exist.
    expect(
      (await restOnHost(server, 'second-instance.example', 'GET', `/v2/oidc/auth_requests/${id}`, other.loginClientPat))
        .status,
    ).toBe(404);
    // And this instance's login client is nobody there.
    expect(
      (await restOnHost(server, 'second-instance.example', 'GET', `/v2/oidc/auth_requests/${id}`, loginPat)).status,
    ).toBe(401);
    expect((await rest(server.baseUrl, 'GET', `/v2/oidc/auth_requests/${id}`, { token: loginPat })).status).toBe(200);
  });
});
