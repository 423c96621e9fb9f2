import { createPrivateKey } from 'node:crypto';
import { importPKCS8 } from 'jose';
import { AppService } from '@zitadel/proto/zitadel/app/v2beta/app_service_pb.js';
import { APIAuthMethodType } from '@zitadel/proto/zitadel/app/v2beta/api_pb.js';
import { client } from '../support/clients.js';
import { otherInstance } from '../support/instances.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { oidc, oidcWorld, rp, signIn, type OidcWorld } from './support.js';

let server: TestServer;
let world: OidcWorld;

beforeAll(async () => {
  server = await bootTestServer();
  world = await oidcWorld(server);
});
afterAll(() => server?.close());

/** An API app that authenticates with a key (private_key_jwt), and its ZITADEL key file. */
async function keyApp(): Promise<{ clientId: string; keyFile: { keyId: string; key: string; clientId: string } }> {
  const apps = client(AppService, 'grpc', server.baseUrl, server.adminPat);
  const created = await apps.createApplication({
    projectId: world.projectId,
    name: `API key ${Date.now()}`,
    creationRequestType: {
      case: 'apiRequest',
      value: { authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT },
    },
  });
  const { clientId } = created.creationResponseType.value as { clientId: string };
  const key = await apps.createApplicationKey({ projectId: world.projectId, appId: created.appId });
  return { clientId, keyFile: JSON.parse(Buffer.from(key.keyDetails).toString('utf8')) };
}

describe('introspection by an API app with private_key_jwt', () => {
  it('introspects a token of its project with a client assertion signed by its key, and is refused with another key', async () => {
    const { access_token } = await signIn(server, world, await rp(server, world.web.clientId, world.web.clientSecret));
    const { clientId, keyFile } = await keyApp();
    expect(keyFile.clientId).toBe(clientId);
    const signed = async (pem: string) => {
      const key = await importPKCS8(createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem' }).toString(), 'RS256');
      return oidc.discovery(
        new URL(server.baseUrl),
        clientId,
        undefined,
        oidc.PrivateKeyJwt({ key, kid: keyFile.keyId }),
        {
          execute: [oidc.allowInsecureRequests],
        },
      );
    };

    const introspected = await oidc.tokenIntrospection(await signed(keyFile.key), access_token);
    expect(introspected).toMatchObject({ active: true, sub: world.user.id, client_id: world.web.clientId });

    const { privateKey } = (await import('node:crypto')).generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expect(
      oidc.tokenIntrospection(
        await signed(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
        access_token,
      ),
    ).rejects.toMatchObject({
      error: 'invalid_client',
    });
  });
});

describe('personal access tokens at the introspection endpoint', () => {
  /** A machine user of the world's org with a PAT, and its preferred login name. */
  async function machinePat(expiresInMs = 3600_000) {
    const { userId, pat } = await machineWithRoles(
      server,
      world.orgId,
      { level: 'org', resourceId: world.orgId, roles: ['ORG_OWNER_VIEWER'] },
      new Date(Date.now() + expiresInMs),
    );
    return { userId, pat };
  }
  const introspectAs = async (api: { clientId: string; clientSecret: string }, token: string) =>
    oidc.tokenIntrospection(await rp(server, api.clientId, api.clientSecret), token);

  it("answers a PAT to an API app with basic auth as ZITADEL does: active, sub, scope with the project's roles, exp, iss, username, the app and its project in aud, no client_id (a PAT belongs to no app)", async () => {
    const { userId, pat } = await machinePat();
    const introspected = await introspectAs(world.api, pat);
    expect(introspected).toMatchObject({
      active: true,
      sub: userId,
      token_type: 'Bearer',
      iss: server.baseUrl,
      aud: [world.api.clientId, world.projectId],
    });
    expect(String(introspected.scope).split(' ')).toEqual(
      expect.arrayContaining([
        'openid',
        'profile',
        'urn:zitadel:iam:user:metadata',
        'urn:zitadel:iam:user:resourceowner',
        'urn:zitadel:iam:org:project:role:admin',
        'urn:zitadel:iam:org:project:role:reader',
      ]),
    );
    expect(introspected.exp).toBeGreaterThan(Date.now() / 1000);
    expect(typeof introspected.username).toBe('string');
    expect(introspected.username).toBe(introspected.preferred_username);
    expect(introspected['urn:zitadel:iam:user:resourceowner:id']).toBe(world.orgId);
    expect(introspected.client_id).toBeUndefined();
  });

  it('answers a PAT to an API app authenticating with its key (private_key_jwt, "PAT – JWT profile")', async () => {
    const { userId, pat } = await machinePat();
    const { clientId, keyFile } = await keyApp();
    const key = await importPKCS8(
      createPrivateKey(keyFile.key).export({ type: 'pkcs8', format: 'pem' }).toString(),
      'RS256',
    );
    const config = await oidc.discovery(
      new URL(server.baseUrl),
      clientId,
      undefined,
      oidc.PrivateKeyJwt({ key, kid: keyFile.keyId }),
      { execute: [oidc.allowInsecureRequests] },
    );
    expect(await oidc.tokenIntrospection(config, pat)).toMatchObject({ active: true, sub: userId });
  });

  it('answers inactive for an expired PAT, a locked user, and an unknown token; an unauthenticated client is refused', async () => {
    const expired = await machinePat(1);
    await new Promise((r) => setTimeout(r, 20));
    expect((await introspectAs(world.api, expired.pat)).active).toBe(false);
    const locked = await machinePat();
    await server.database.dataSource.query(`UPDATE users SET state = 'locked' WHERE id = $1`, [locked.userId]);
    expect((await introspectAs(world.api, locked.pat)).active).toBe(false);
    expect((await introspectAs(world.api, 'not-a-token')).active).toBe(false);
    const { pat } = await machinePat();
    await expect(introspectAs({ clientId: world.api.clientId, clientSecret: 'wrong' }, pat)).rejects.toMatchObject({
      error: 'invalid_client',
    });
  });

  it('a PAT of another instance is inactive here (cross-instance), though the same server holds it', async () => {
    const other = await otherInstance(server, 'pat-introspection.other.test');
    const res = await fetch(`${server.baseUrl}/oauth/v2/introspect`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(world.api.clientId)}:${encodeURIComponent(world.api.clientSecret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token: other.adminPat }).toString(),
    });
    expect(await res.json()).toEqual({ active: false });
  });
});
