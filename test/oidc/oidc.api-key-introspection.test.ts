import { createPrivateKey } from 'node:crypto';
import { importPKCS8 } from 'jose';
import { AppService } from '@zitadel/proto/zitadel/app/v2beta/app_service_pb.js';
import { APIAuthMethodType } from '@zitadel/proto/zitadel/app/v2beta/api_pb.js';
import { client } from '../support/clients.js';
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
    creationRequestType: { case: 'apiRequest', value: { authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT } },
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
      return oidc.discovery(new URL(server.baseUrl), clientId, undefined, oidc.PrivateKeyJwt({ key, kid: keyFile.keyId }), {
        execute: [oidc.allowInsecureRequests],
      });
    };

    const introspected = await oidc.tokenIntrospection(await signed(keyFile.key), access_token);
    expect(introspected).toMatchObject({ active: true, sub: world.user.id, client_id: world.web.clientId });

    const { privateKey } = (await import('node:crypto')).generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expect(oidc.tokenIntrospection(await signed(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()), access_token)).rejects.toMatchObject({
      error: 'invalid_client',
    });
  });
});
