import { createPrivateKey } from 'node:crypto';
import { Code } from '@connectrpc/connect';
import { OIDCService } from '@zitadel/proto/zitadel/oidc/v2/oidc_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { WebKeyService } from '@zitadel/proto/zitadel/webkey/v2/webkey_service_pb.js';
import { SignJWT, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { client, codeOf, rest } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { oidc, oidcWorld, passwordSession, rp, signIn, type OidcWorld } from './support.js';

let server: TestServer;
let world: OidcWorld;

beforeAll(async () => {
  server = await bootTestServer();
  world = await oidcWorld(server, { accessTokenType: 'jwt' });
});
afterAll(() => server?.close());

const API_SCOPE = 'openid urn:zitadel:iam:org:project:id:zitadel:aud';

/** A machine user that may read users of its org (ORG_USER_MANAGER), with a secret and a key. */
async function orgMachine() {
  const { userId } = await machineWithRoles(server, world.orgId, {
    level: 'org',
    resourceId: world.orgId,
    roles: ['ORG_USER_MANAGER'],
  });
  const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
  const { clientSecret } = await users.addSecret({ userId });
  const { keyId, keyContent } = await users.addKey({
    userId,
    expirationDate: { seconds: BigInt(Math.floor(Date.now() / 1000) + 3600), nanos: 0 },
  });
  const [{ username }] = await server.database.dataSource.query('SELECT username FROM users WHERE id = $1', [userId]);
  return {
    userId,
    username: username as string,
    clientSecret,
    keyId,
    keyFile: JSON.parse(Buffer.from(keyContent).toString('utf8')) as { key: string },
  };
}

async function tokenRequest(form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.baseUrl}/oauth/v2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('machine users', () => {
  it('get tokens by client_credentials (basic and post) and call the user API with them', async () => {
    const machine = await orgMachine();
    const config = await rp(server, machine.username, machine.clientSecret);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: API_SCOPE });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');

    const users = client(UserService, 'grpc', server.baseUrl, tokens.access_token);
    const { user } = await users.getUserByID({ userId: world.user.id });
    expect(user?.userId).toBe(world.user.id);
    expect(
      (await rest(server.baseUrl, 'GET', `/v2/users/${world.user.id}`, { token: tokens.access_token })).status,
    ).toBe(200);

    const posted = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: machine.username,
      client_secret: machine.clientSecret,
      scope: API_SCOPE,
    });
    expect(posted.status).toBe(200);
    expect(
      (await rest(server.baseUrl, 'GET', `/v2/users/${world.user.id}`, { token: posted.body.access_token })).status,
    ).toBe(200);
  });

  it('get tokens by JWT profile with a machine key', async () => {
    const machine = await orgMachine();
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: machine.keyId })
      .setIssuer(machine.userId)
      .setSubject(machine.userId)
      .setAudience(server.baseUrl)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(createPrivateKey(machine.keyFile.key));
    const { status, body } = await tokenRequest({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion,
      scope: API_SCOPE,
    });
    expect(status).toBe(200);
    const users = client(UserService, 'connect-h1', server.baseUrl, body.access_token);
    expect((await users.getUserByID({ userId: world.user.id })).user?.userId).toBe(world.user.id);

    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: machine.keyId })
      .setIssuer(machine.userId)
      .setSubject(machine.userId)
      .setAudience(server.baseUrl)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign((await import('node:crypto')).generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    const refused = await tokenRequest({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: forged,
      scope: API_SCOPE,
    });
    expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('are refused with a wrong secret, and their tokens stop working when the user is locked', async () => {
    const machine = await orgMachine();
    const wrong = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: machine.username,
      client_secret: 'nope',
      scope: API_SCOPE,
    });
    expect(wrong).toMatchObject({ status: 401, body: { error: 'invalid_client' } });

    const { access_token } = await oidc.clientCredentialsGrant(
      await rp(server, machine.username, machine.clientSecret),
      { scope: API_SCOPE },
    );
    await client(UserService, 'grpc', server.baseUrl, server.adminPat).lockUser({ userId: machine.userId });
    expect((await rest(server.baseUrl, 'GET', `/v2/users/${world.user.id}`, { token: access_token })).status).toBe(401);
    const again = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: machine.username,
      client_secret: machine.clientSecret,
      scope: API_SCOPE,
    });
    expect(again.status).toBe(401);
  });

  it('a token without the API audience is not accepted by the API', async () => {
    const machine = await orgMachine();
    const { access_token } = await oidc.clientCredentialsGrant(
      await rp(server, machine.username, machine.clientSecret),
      { scope: 'openid' },
    );
    expect((await rest(server.baseUrl, 'GET', `/v2/users/${world.user.id}`, { token: access_token })).status).toBe(401);
  });
});

describe('device authorization (RFC 8628)', () => {
  it('completes through GetDeviceAuthorizationRequest and AuthorizeOrDenyDeviceAuthorization', async () => {
    const config = await rp(server, world.web.clientId, world.web.clientSecret);
    const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid profile' });
    expect(started.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    const verification = await fetch(started.verification_uri_complete!, { redirect: 'manual' });
    expect(verification.status).toBe(302);
    expect(verification.headers.get('location')).toBe(`/ui/v2/login/device?user_code=${started.user_code}`);

    const oidcService = client(OIDCService, 'grpc', server.baseUrl, server.adminPat);
    const { deviceAuthorizationRequest } = await oidcService.getDeviceAuthorizationRequest({
      userCode: started.user_code,
    });
    expect(deviceAuthorizationRequest).toMatchObject({ clientId: world.web.clientId, scope: ['openid', 'profile'] });
    expect(deviceAuthorizationRequest?.appName).toMatch(/^Web /);

    const polling = oidc.pollDeviceAuthorizationGrant(config, started);
    const session = await passwordSession(server, world.user.username);
    await oidcService.authorizeOrDenyDeviceAuthorization({
      deviceAuthorizationId: deviceAuthorizationRequest!.id,
      decision: { case: 'session', value: session },
    });
    const tokens = await polling;
    expect(tokens.claims()?.sub).toBe(world.user.id);
    expect(await codeOf(oidcService.getDeviceAuthorizationRequest({ userCode: started.user_code }))).toBe(
      Code.NotFound,
    );
  }, 30_000);

  it('a denied device authorization ends the polling with access_denied', async () => {
    const config = await rp(server, world.web.clientId, world.web.clientSecret);
    const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid' });
    const oidcService = client(OIDCService, 'grpc', server.baseUrl, server.adminPat);
    const { deviceAuthorizationRequest } = await oidcService.getDeviceAuthorizationRequest({
      userCode: started.user_code,
    });
    await oidcService.authorizeOrDenyDeviceAuthorization({
      deviceAuthorizationId: deviceAuthorizationRequest!.id,
      decision: { case: 'deny', value: {} },
    });
    await expect(oidc.pollDeviceAuthorizationGrant(config, started)).rejects.toMatchObject({ error: 'access_denied' });
  }, 30_000);
});

describe('signing keys', () => {
  it('rotate without restart: new tokens use the new key, tokens of the old key still verify', async () => {
    const jwks = createRemoteJWKSet(new URL(`${server.baseUrl}/oauth/v2/keys`));
    const idTokenOf = async (alg: string) => {
      // openid-client pins the ID token algorithm; a client expecting the new key's says so.
      const config = await oidc.discovery(
        new URL(server.baseUrl),
        world.web.clientId,
        { client_secret: world.web.clientSecret, id_token_signed_response_alg: alg },
        undefined,
        {
          execute: [oidc.allowInsecureRequests],
        },
      );
      return (await signIn(server, world, config)).id_token!;
    };
    const before = await idTokenOf('RS256');
    const keys = client(WebKeyService, 'grpc', server.baseUrl, server.adminPat);
    const { id } = await keys.createWebKey({ key: { case: 'ecdsa', value: { curve: 2 } } });
    await keys.activateWebKey({ id });
    await new Promise((r) => setTimeout(r, 1_100)); // providers re-check the keys at most once a second
    const after = await idTokenOf('ES384');
    expect(decodeProtectedHeader(after)).toMatchObject({ kid: id, alg: 'ES384' });
    expect(decodeProtectedHeader(before).kid).not.toBe(id);
    await expect(jwtVerify(before, jwks, { issuer: server.baseUrl })).resolves.toBeDefined();
    await expect(jwtVerify(after, jwks, { issuer: server.baseUrl })).resolves.toBeDefined();
  }, 30_000);
});
