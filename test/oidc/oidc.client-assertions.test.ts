import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { AppService } from '@zitadel/proto/zitadel/app/v2beta/app_service_pb.js';
import { APIAuthMethodType } from '@zitadel/proto/zitadel/app/v2beta/api_pb.js';
import { OIDCAuthMethodType } from '@zitadel/proto/zitadel/app/v2beta/oidc_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { client } from '../support/clients.js';
import { otherInstance } from '../support/instances.js';
import { eventually } from '../support/receivers.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { addOidcApp, oauthErrorOf, oidc, oidcWorld, rp, signIn, type OidcWorld } from './support.js';

/**
 * Client assertions (RFC 7523 private_key_jwt) built exactly as ZITADEL's SDKs build them:
 * passport-zitadel and @zitadel/node's application credentials sign `{iss, sub, aud}` with
 * `iat`, `exp` one hour later, `kid` = the key id of the key file, RS256 and no `jti`, and
 * passport-zitadel reuses one assertion for an hour.
 */

let server: TestServer;
let world: OidcWorld;
let otherOrg: OidcWorld;

beforeAll(async () => {
  server = await bootTestServer();
  world = await oidcWorld(server);
  otherOrg = await oidcWorld(server);
}, 60_000);
afterAll(() => server?.close());

interface KeyFile {
  keyId: string;
  key: string;
  clientId: string;
}

interface KeyedApp {
  clientId: string;
  keyFile: KeyFile;
}

const apps = () => client(AppService, 'grpc', server.baseUrl, server.adminPat);

async function keyFileOf(projectId: string, appId: string, expiration?: Date): Promise<KeyFile> {
  const key = await apps().createApplicationKey({
    projectId,
    appId,
    ...(expiration ? { expirationDate: timestampFromDate(expiration) } : {}),
  });
  return JSON.parse(Buffer.from(key.keyDetails).toString('utf8')) as KeyFile;
}

/** An API app of the world's project with private_key_jwt, and a key file for it. */
async function keyedApiApp(of: OidcWorld, expiration?: Date): Promise<KeyedApp> {
  const created = await apps().createApplication({
    projectId: of.projectId,
    name: `Keyed API ${Date.now()}-${Math.random()}`,
    creationRequestType: {
      case: 'apiRequest',
      value: { authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT },
    },
  });
  const { clientId } = created.creationResponseType.value as { clientId: string };
  return { clientId, keyFile: await keyFileOf(of.projectId, created.appId, expiration) };
}

/** An OIDC web app (code, refresh) with private_key_jwt, and a key file for it. */
async function keyedOidcApp(of: OidcWorld): Promise<KeyedApp> {
  const app = await addOidcApp(server, of, {
    authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT,
  });
  return { clientId: app.clientId, keyFile: await keyFileOf(of.projectId, app.appId) };
}

type Claims = Record<string, unknown>;

/**
 * The assertion as passport-zitadel signs it (its strategy's getPayload): claims iss, sub, aud;
 * iat now; exp one hour later; header alg RS256 and kid; no jti. `claims` and `kid` override.
 */
async function sdkAssertion(keyFile: KeyFile, aud: string, claims: Claims = {}, kid = keyFile.keyId): Promise<string> {
  const key = createPrivateKey(keyFile.key);
  const now = Math.floor(Date.now() / 1000);
  const payload: Claims = { iss: keyFile.clientId, sub: keyFile.clientId, aud, iat: now, exp: now + 3600, ...claims };
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
  return new SignJWT(payload as never).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
}

/** openid-client authenticating with one fixed assertion, as passport-zitadel posts it. */
function fixedAssertion(assertion: string): oidc.ClientAuth {
  return (_as, _client, body) => {
    body.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    body.set('client_assertion', assertion);
  };
}

async function rpWith(clientId: string, assertion: string, baseUrl = server.baseUrl): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(baseUrl), clientId, undefined, fixedAssertion(assertion), {
    execute: [oidc.allowInsecureRequests],
  });
}

/** An access token of the world's user for its web app, whose audience names the world's project. */
async function userToken(of: OidcWorld): Promise<string> {
  const { access_token } = await signIn(server, of, await rp(server, of.web.clientId, of.web.clientSecret));
  return access_token;
}

describe('private_key_jwt assertions as ZITADEL SDKs sign them (no jti, reused)', () => {
  it('accepts at introspection an assertion without jti with aud = the issuer, and the same assertion again (passport-zitadel reuses it for an hour)', async () => {
    const api = await keyedApiApp(world);
    const token = await userToken(world);
    const assertion = await sdkAssertion(api.keyFile, server.baseUrl);
    const config = await rpWith(api.clientId, assertion);
    await expect(oidc.tokenIntrospection(config, token)).resolves.toMatchObject({ active: true, sub: world.user.id });
    await expect(oidc.tokenIntrospection(config, token)).resolves.toMatchObject({ active: true, sub: world.user.id });
  });

  it('accepts an assertion whose aud is the endpoint URL (@zitadel/node signs for the audience it is given)', async () => {
    const api = await keyedApiApp(world);
    const token = await userToken(world);
    const config = await rpWith(api.clientId, await sdkAssertion(api.keyFile, `${server.baseUrl}/oauth/v2/introspect`));
    await expect(oidc.tokenIntrospection(config, token)).resolves.toMatchObject({ active: true });
  });

  it('still accepts assertions with a jti, twice (ZITADEL keeps no record of assertion ids)', async () => {
    const api = await keyedApiApp(world);
    const token = await userToken(world);
    const config = await rpWith(api.clientId, await sdkAssertion(api.keyFile, server.baseUrl, { jti: 'one-id' }));
    await expect(oidc.tokenIntrospection(config, token)).resolves.toMatchObject({ active: true });
    await expect(oidc.tokenIntrospection(config, token)).resolves.toMatchObject({ active: true });
  });

  it('authenticates an OIDC app at the token endpoint (code, then refresh with the same assertion) and at revocation', async () => {
    const app = await keyedOidcApp(world);
    const assertion = await sdkAssertion(app.keyFile, server.baseUrl);
    const config = await rpWith(app.clientId, assertion);
    const tokens = await signIn(server, world, config, 'openid offline_access');
    expect(tokens.refresh_token).toBeDefined();
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).toBeDefined();
    await expect(oidc.tokenIntrospection(config, refreshed.access_token)).resolves.toMatchObject({
      active: true,
      client_id: app.clientId,
    });
    await oidc.tokenRevocation(config, refreshed.access_token);
    await expect(oidc.tokenIntrospection(config, refreshed.access_token)).resolves.toMatchObject({ active: false });
  });
});

describe('machine users with keys', () => {
  it('get client_credentials tokens with a reused assertion without jti, and not with the key of a machine of another org', async () => {
    const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
    const machine = async (orgId: string) => {
      const { userId } = await machineWithRoles(server, orgId, {
        level: 'org',
        resourceId: orgId,
        roles: ['ORG_USER_MANAGER'],
      });
      const { keyContent } = await users.addKey({
        userId,
        expirationDate: timestampFromDate(new Date(Date.now() + 3600_000)),
      });
      const [{ username }] = await server.database.dataSource.query('SELECT username FROM users WHERE id = $1', [
        userId,
      ]);
      const file = JSON.parse(Buffer.from(keyContent).toString('utf8')) as KeyFile;
      return { userId, keyFile: { ...file, clientId: username as string } };
    };
    const [ours, theirs] = [await machine(world.orgId), await machine(otherOrg.orgId)];
    const tokenWith = (assertion: string) =>
      fetch(`${server.baseUrl}/oauth/v2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          scope: 'openid',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
        }),
      });
    const assertion = await sdkAssertion(ours.keyFile, server.baseUrl);
    for (let i = 0; i < 2; i++) {
      const res = await tokenWith(assertion);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) });
    }
    const foreign = await tokenWith(
      await sdkAssertion({ ...theirs.keyFile, clientId: ours.keyFile.clientId }, server.baseUrl),
    );
    expect(foreign.status).toBe(401);
    expect(await foreign.json()).toMatchObject({ error: 'invalid_client' });
  });
});

describe('private_key_jwt assertions that are refused with invalid_client', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it.each<[string, (api: KeyedApp, other: KeyedApp) => Promise<string>]>([
    [
      "signed with another app's key of the same org",
      async (api, other) => sdkAssertion({ ...other.keyFile, clientId: api.clientId }, server.baseUrl),
    ],
    [
      'naming another client (iss = sub = that client) with its own key',
      async (api, other) => sdkAssertion({ ...api.keyFile, clientId: other.clientId }, server.baseUrl),
    ],
    [
      'with iss different from sub',
      async (api, other) => sdkAssertion(api.keyFile, server.baseUrl, { iss: other.clientId }),
    ],
    ['expired', async (api) => sdkAssertion(api.keyFile, server.baseUrl, { iat: now() - 7200, exp: now() - 3600 })],
    [
      "with exp more than an hour after iat (ZITADEL's rule)",
      async (api) => sdkAssertion(api.keyFile, server.baseUrl, { exp: now() + 7200 }),
    ],
    ['without exp', async (api) => sdkAssertion(api.keyFile, server.baseUrl, { exp: undefined })],
    ["without iat (ZITADEL's rule)", async (api) => sdkAssertion(api.keyFile, server.baseUrl, { iat: undefined })],
    [
      'issued in the future',
      async (api) => sdkAssertion(api.keyFile, server.baseUrl, { iat: now() + 600, exp: now() + 1200 }),
    ],
    ['for another audience', async (api) => sdkAssertion(api.keyFile, 'https://elsewhere.example.com')],
    [
      'signed with an unregistered key under a registered kid',
      async (api) => {
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        return sdkAssertion(
          { ...api.keyFile, key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
          server.baseUrl,
        );
      },
    ],
  ])('%s', async (_name, build) => {
    const [api, other] = [await keyedApiApp(world), await keyedApiApp(world)];
    const token = await userToken(world);
    const config = await rpWith(api.clientId, await build(api, other));
    expect(await oauthErrorOf(oidc.tokenIntrospection(config, token))).toBe('invalid_client');
  });

  it('across orgs: an app of org B cannot authenticate with the key of an app of org A, nor A with B', async () => {
    const [a, b] = [await keyedApiApp(world), await keyedApiApp(otherOrg)];
    const token = await userToken(otherOrg);
    const bWithAKey = await rpWith(
      b.clientId,
      await sdkAssertion({ ...a.keyFile, clientId: b.clientId }, server.baseUrl),
    );
    expect(await oauthErrorOf(oidc.tokenIntrospection(bWithAKey, token))).toBe('invalid_client');
    const aWithBKey = await rpWith(
      a.clientId,
      await sdkAssertion({ ...b.keyFile, clientId: a.clientId }, server.baseUrl),
    );
    expect(await oauthErrorOf(oidc.tokenIntrospection(aWithBKey, token))).toBe('invalid_client');
    // B's own key works, so the refusals above are about the key.
    await expect(
      oidc.tokenIntrospection(await rpWith(b.clientId, await sdkAssertion(b.keyFile, server.baseUrl)), token),
    ).resolves.toMatchObject({ active: true });
  });

  it('at the token endpoint and at revocation too, for an OIDC app with a foreign key or an expired assertion', async () => {
    const [app, other] = [await keyedOidcApp(world), await keyedOidcApp(otherOrg)];
    const foreign = await rpWith(
      app.clientId,
      await sdkAssertion({ ...other.keyFile, clientId: app.clientId }, server.baseUrl),
    );
    expect(await oauthErrorOf(oidc.refreshTokenGrant(foreign, 'any-refresh-token'))).toBe('invalid_client');
    expect(await oauthErrorOf(oidc.tokenRevocation(foreign, 'any-token'))).toBe('invalid_client');
    const expired = await rpWith(
      app.clientId,
      await sdkAssertion(app.keyFile, server.baseUrl, { iat: now() - 7200, exp: now() - 3600 }),
    );
    expect(await oauthErrorOf(oidc.refreshTokenGrant(expired, 'any-refresh-token'))).toBe('invalid_client');
    expect(await oauthErrorOf(oidc.tokenRevocation(expired, 'any-token'))).toBe('invalid_client');
  });

  it('with a key that has expired since the assertion was signed', async () => {
    const token = await userToken(world);
    const api = await keyedApiApp(world);
    const config = await rpWith(api.clientId, await sdkAssertion(api.keyFile, server.baseUrl));
    await expect(oidc.tokenIntrospection(config, token)).resolves.toMatchObject({ active: true });
    // The key's end is moved into the past rather than waited for: a slow machine could otherwise
    // reach the first call only after a short-lived key had already expired. The moved end reaches
    // the kept client through the change feed, moments after the update (a key's own end needs no
    // message: the client is kept only until its first key ends).
    await server.database.dataSource.query(
      `UPDATE app_keys SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [api.keyFile.keyId],
    );
    await eventually(
      async () =>
        (await oauthErrorOf(oidc.tokenIntrospection(config, token))) === 'invalid_client' ? true : undefined,
      'the expired key to be refused',
      5_000,
    );
  });

  it('across instances: an assertion of an app of this instance is unknown at another instance', async () => {
    const api = await keyedApiApp(world);
    const other = await otherInstance(server);
    const assertion = await sdkAssertion(api.keyFile, other.baseUrl);
    const res = await fetch(`${other.baseUrl}/oauth/v2/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: 'whatever',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });
});
