// Security replay: the attacks on session tokens and the login-UI surface, as an attacker with a
// plain user's credentials would try them over REST against the running server. Each must be
// refused (see test/sessions/sessions.token-rules.test.ts and test/oidc/oidc.login-client.test.ts
// for the rules one by one).
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { client, rest } from '../../support/clients.js';
import { bootTestServer, type TestServer } from '../../support/test-server.js';
import { addHuman, forceMfaIn, loginClient, withTotp } from '../../sessions/support/sessions.js';
import { Browser, authorize, oidc, oidcWorld, rp, type OidcWorld } from '../../oidc/support.js';

let server: TestServer;
let loginPat: string;
let mfaOrg: string;
let world: OidcWorld;

beforeAll(async () => {
  server = await bootTestServer();
  loginPat = await loginClient(server);
  mfaOrg = (
    await client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat).createOrganization({ name: 'Replay MFA Org' })
  ).id;
  await forceMfaIn(server, mfaOrg);
  world = await oidcWorld(server);
}, 60_000);
afterAll(() => server?.close());

/** CreateSession over REST as the login client, with the login name and password only. */
async function passwordOnly(loginName: string, password: string): Promise<{ sessionId: string; sessionToken: string }> {
  const res = await rest(server.baseUrl, 'POST', '/v2/sessions', {
    token: loginPat,
    body: { checks: { user: { loginName }, password: { password } } },
  });
  expect(res.status).toBe(201);
  return res.body;
}

describe('security replay: session tokens and the login surface', () => {
  it('a password-only session token is no access token where MFA is forced (user with TOTP: 401; user without: only the set-up, 403)', async () => {
    const withFactor = await addHuman(server, { orgId: mfaOrg });
    await withTotp(server, withFactor.userId);
    const token = (await passwordOnly(withFactor.username, 'Secr3t!pass')).sessionToken;
    expect((await rest(server.baseUrl, 'GET', `/v2/users/${withFactor.userId}`, { token })).status).toBe(401);

    const without = await addHuman(server, { orgId: mfaOrg });
    const limited = (await passwordOnly(without.username, 'Secr3t!pass')).sessionToken;
    expect(
      (
        await rest(server.baseUrl, 'POST', `/v2/users/${without.userId}/email`, {
          token: limited,
          body: { email: 'attacker@example.com' },
        })
      ).status,
    ).toBe(403);
    expect(
      (await rest(server.baseUrl, 'POST', '/v2/organizations', { token: limited, body: { name: 'Replay' } })).status,
    ).toBe(403);
  });

  it("the bootstrap admin's first session (password change pending) does not administer the instance", async () => {
    const { sessionToken } = await passwordOnly('admin', 'Password1!');
    const created = await rest(server.baseUrl, 'POST', '/v2/organizations', {
      token: sessionToken,
      body: { name: 'Takeover' },
    });
    expect(created.status).toBe(403);
    expect(JSON.stringify(created.body)).toContain('change the password');
    expect((await rest(server.baseUrl, 'POST', '/v2/users', { token: sessionToken, body: {} })).status).toBe(403);
  });

  it("a plain user can neither read another's auth request nor finish it with its own session, nor deny a device", async () => {
    const config = await rp(server, world.web.clientId, world.web.clientSecret);
    const { authRequestId } = await authorize(new Browser(), config, { login_hint: 'victim@example.com' });
    const session = await passwordOnly(world.user.username, 'Secr3t-Passw0rd!');
    const read = await rest(server.baseUrl, 'GET', `/v2/oidc/auth_requests/${authRequestId}`, {
      token: session.sessionToken,
    });
    expect(read.status).toBe(403);
    expect(JSON.stringify(read.body)).not.toContain('victim@example.com');
    const finished = await rest(server.baseUrl, 'POST', `/v2/oidc/auth_requests/${authRequestId}`, {
      token: session.sessionToken,
      body: { session: { sessionId: session.sessionId, sessionToken: session.sessionToken } },
    });
    expect(finished.status).toBe(403);

    const device = await oidc.initiateDeviceAuthorization(config, { scope: 'openid' });
    const denied = await rest(server.baseUrl, 'POST', `/v2/oidc/device_authorization/${device.user_code}`, {
      token: session.sessionToken,
      body: { deny: {} },
    });
    expect(denied.status).toBe(403);
    // The login client still can, so the refusals above are not a broken endpoint.
    expect(
      (await rest(server.baseUrl, 'GET', `/v2/oidc/auth_requests/${authRequestId}`, { token: loginPat })).status,
    ).toBe(200);
  });
});
