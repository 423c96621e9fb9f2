import { SettingsService } from '@zitadel/proto/zitadel/settings/v2/settings_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { client } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { oidc, oidcWorld, rp, signIn, type OidcWorld } from './support.js';

let server: TestServer;
let world: OidcWorld;
let instanceId: string;

beforeAll(async () => {
  server = await bootTestServer();
  world = await oidcWorld(server);
  [{ id: instanceId }] = await server.database.dataSource.query('SELECT id FROM instances');
});
afterAll(() => server?.close());

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';
const USER_ID = 'urn:zitadel:params:oauth:token-type:user_id';

async function exchange(form: Record<string, string>) {
  const res = await fetch(`${server.baseUrl}/oauth/v2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(world.web.clientId)}:${encodeURIComponent(world.web.clientSecret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: EXCHANGE, ...form }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** An access token of a machine user with these instance roles, by client_credentials. */
async function machineToken(roles: string[]): Promise<{ userId: string; token: string }> {
  const { userId } = await machineWithRoles(server, world.orgId, { level: 'instance', resourceId: instanceId, roles });
  const { clientSecret } = await client(UserService, 'grpc', server.baseUrl, server.adminPat).addSecret({ userId });
  const [{ username }] = await server.database.dataSource.query('SELECT username FROM users WHERE id = $1', [userId]);
  const { access_token } = await oidc.clientCredentialsGrant(await rp(server, username, clientSecret), { scope: 'openid' });
  return { userId, token: access_token };
}

describe('token exchange (RFC 8693)', () => {
  it("exchanges a user's access token for one of the calling app", async () => {
    const config = await rp(server, world.web.clientId, world.web.clientSecret);
    const { access_token } = await signIn(server, world, config, 'openid profile');
    const { status, body } = await exchange({ subject_token: access_token, subject_token_type: ACCESS_TOKEN, scope: 'openid' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ issued_token_type: ACCESS_TOKEN, token_type: 'Bearer' });
    const api = await rp(server, world.api.clientId, world.api.clientSecret);
    const introspected = await oidc.tokenIntrospection(api, body.access_token);
    expect(introspected).toMatchObject({ active: true, sub: world.user.id });
    expect(introspected.act).toBeUndefined();
  });

  it('impersonates only when the security settings allow it and the actor holds the impersonation permission', async () => {
    const impersonator = await machineToken(['IAM_END_USER_IMPERSONATOR']);
    const asUser = { subject_token: world.user.id, subject_token_type: USER_ID, actor_token: impersonator.token, actor_token_type: ACCESS_TOKEN, scope: 'openid' };

    const disabled = await exchange(asUser);
    expect(disabled).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(disabled.body.error_description).toMatch(/impersonation is disabled/);

    await client(SettingsService, 'grpc', server.baseUrl, server.adminPat).setSecuritySettings({ enableImpersonation: true });
    const allowed = await exchange(asUser);
    expect(allowed.status).toBe(200);
    const introspected = await oidc.tokenIntrospection(await rp(server, world.api.clientId, world.api.clientSecret), allowed.body.access_token);
    expect(introspected).toMatchObject({ active: true, sub: world.user.id, act: { sub: impersonator.userId } });

    const plain = await machineToken(['IAM_OWNER_VIEWER']);
    const denied = await exchange({ ...asUser, actor_token: plain.token });
    expect(denied).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(denied.body.error_description).toMatch(/may not impersonate/);

    const noActor = await exchange({ subject_token: world.user.id, subject_token_type: USER_ID });
    expect(noActor).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });
});
