import { Code } from '@connectrpc/connect';
import { createRemoteJWKSet, jwtVerify, SignJWT } from 'jose';
import { RSABits, RSAHasher, State } from '@zitadel/proto/zitadel/webkey/v2/key_pb.js';
import { WebKeyService } from '@zitadel/proto/zitadel/webkey/v2/webkey_service_pb.js';
import { DataSource } from 'typeorm';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { SigningKeys } from '../../src/webkeys/signing-keys.store.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { client, codeOf } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';

let server: TestServer;
let instanceId: string;
let defaultOrgId: string;
beforeAll(async () => {
  server = await bootTestServer();
  const instance = await server.app.get(InstanceResolver).resolve('127.0.0.1');
  instanceId = instance.id;
  defaultOrgId = instance.defaultOrgId!;
});
afterAll(() => server?.close());

async function signAndVerify(): Promise<{ kid: string; alg: string }> {
  const signing = await server.app.get(SigningKeys).activeSigningKey(instanceId);
  const jwt = await new SignJWT({ sub: 'user-1' })
    .setProtectedHeader({ alg: signing.alg, kid: signing.kid })
    .setIssuer(server.baseUrl)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(signing.privateKey);
  const jwks = createRemoteJWKSet(new URL(`${server.baseUrl}/oauth/v2/keys`));
  const { payload, protectedHeader } = await jwtVerify(jwt, jwks, { issuer: server.baseUrl });
  expect(payload.sub).toBe('user-1');
  return { kid: protectedHeader.kid!, alg: protectedHeader.alg };
}

describe('the default web key', () => {
  it('exists on a new instance: RSA 2048 / SHA-256, active', async () => {
    const { webKeys } = await client(WebKeyService, 'grpc', server.baseUrl, server.adminPat).listWebKeys({});
    expect(webKeys).toHaveLength(1);
    expect(webKeys[0]).toMatchObject({
      state: State.ACTIVE,
      key: { case: 'rsa', value: { bits: RSABits.RSA_BITS_2048, hasher: RSAHasher.RSA_HASHER_SHA256 } },
    });
  });

  it('signs a JWT that verifies against the served JWKS', async () => {
    const { webKeys } = await client(WebKeyService, 'grpc', server.baseUrl, server.adminPat).listWebKeys({});
    expect(await signAndVerify()).toEqual({ kid: webKeys[0].id, alg: 'RS256' });
  });

  it('keeps the private key sealed in its row, the public JWK in clear', async () => {
    const [row] = await server.app
      .get(DataSource)
      .query(`SELECT private_key, public_jwk FROM web_keys WHERE instance_id = $1 AND state = 'active'`, [instanceId]);
    expect(row.private_key).toMatch(/^v1\./);
    expect(row.private_key).not.toContain('PRIVATE KEY');
    expect(row.public_jwk).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256' });
    expect(row.public_jwk).not.toHaveProperty('d');
  });

  it('is created once: a restart on the same data adds none', async () => {
    const again = await bootTestServer({}, server);
    try {
      const { webKeys } = await client(WebKeyService, 'grpc', again.baseUrl, server.adminPat).listWebKeys({});
      expect(webKeys).toHaveLength(1);
    } finally {
      await again.close();
    }
  });
});

describe('rotation', () => {
  it('signs with the newly activated key at once, and the old key still verifies', async () => {
    const webKeys = client(WebKeyService, 'connect-h1', server.baseUrl, server.adminPat);
    const before = await signAndVerify();
    const { id } = await webKeys.createWebKey({ key: { case: 'ed25519', value: {} as never } });
    await webKeys.activateWebKey({ id });
    expect(await signAndVerify()).toEqual({ kid: id, alg: 'EdDSA' });
    const published = ((await (await fetch(`${server.baseUrl}/oauth/v2/keys`)).json()) as { keys: { kid: string }[] })
      .keys;
    expect(published.map((k) => k.kid)).toEqual(expect.arrayContaining([before.kid, id]));
  });
});

describe('web key permissions', () => {
  it.each([
    ['create', (c: ReturnType<typeof client<typeof WebKeyService>>) => c.createWebKey({})],
    ['activate', (c: ReturnType<typeof client<typeof WebKeyService>>) => c.activateWebKey({ id: '1' })],
    ['delete', (c: ReturnType<typeof client<typeof WebKeyService>>) => c.deleteWebKey({ id: '1' })],
    ['list', (c: ReturnType<typeof client<typeof WebKeyService>>) => c.listWebKeys({})],
  ])('refuses an ORG_OWNER (not an instance admin) to %s with PERMISSION_DENIED', async (_name, call) => {
    const { pat } = await machineWithRoles(server, defaultOrgId, {
      level: 'org',
      resourceId: defaultOrgId,
      roles: ['ORG_OWNER'],
    });
    expect(await codeOf(call(client(WebKeyService, 'grpc', server.baseUrl, pat)))).toBe(Code.PermissionDenied);
  });

  it('lets an IAM_OWNER_VIEWER list but not create', async () => {
    const { pat } = await machineWithRoles(server, defaultOrgId, {
      level: 'instance',
      resourceId: instanceId,
      roles: ['IAM_OWNER_VIEWER'],
    });
    const viewer = client(WebKeyService, 'connect-h1', server.baseUrl, pat);
    expect(await codeOf(viewer.listWebKeys({}))).toBe('ok');
    expect(await codeOf(viewer.createWebKey({}))).toBe(Code.PermissionDenied);
  });

  it('refuses anonymous calls with UNAUTHENTICATED', async () => {
    expect(await codeOf(client(WebKeyService, 'grpc', server.baseUrl).listWebKeys({}))).toBe(Code.Unauthenticated);
  });
});
