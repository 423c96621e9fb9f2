import { request } from 'node:http';
import { Code } from '@connectrpc/connect';
import { ECDSACurve, RSABits, RSAHasher, State } from '@zitadel/proto/zitadel/webkey/v2/key_pb.js';
import { WebKeyService, type CreateWebKeyRequest } from '@zitadel/proto/zitadel/webkey/v2/webkey_service_pb.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { client, codeOf, rest } from '../support/clients.js';

let server: TestServer;
beforeAll(async () => {
  server = await bootTestServer();
});
afterAll(() => server?.close());

async function jwks(): Promise<{ status: number; cacheControl: string | null; keys: Record<string, string>[] }> {
  const res = await fetch(`${server.baseUrl}/oauth/v2/keys`);
  return {
    status: res.status,
    cacheControl: res.headers.get('cache-control'),
    keys: ((await res.json()) as { keys: Record<string, string>[] }).keys,
  };
}

const KEY_TYPES: [string, CreateWebKeyRequest['key'], string, string][] = [
  ['no key type (default RSA)', { case: undefined }, 'RS256', 'RSA'],
  [
    'RSA 3072 SHA-384',
    { case: 'rsa', value: { bits: RSABits.RSA_BITS_3072, hasher: RSAHasher.RSA_HASHER_SHA384 } as never },
    'RS384',
    'RSA',
  ],
  [
    'RSA 2048 SHA-512',
    { case: 'rsa', value: { bits: RSABits.RSA_BITS_2048, hasher: RSAHasher.RSA_HASHER_SHA512 } as never },
    'RS512',
    'RSA',
  ],
  ['ECDSA P-256', { case: 'ecdsa', value: { curve: ECDSACurve.ECDSA_CURVE_P256 } as never }, 'ES256', 'EC'],
  ['ECDSA P-384', { case: 'ecdsa', value: { curve: ECDSACurve.ECDSA_CURVE_P384 } as never }, 'ES384', 'EC'],
  ['ECDSA P-512 (P-521)', { case: 'ecdsa', value: { curve: ECDSACurve.ECDSA_CURVE_P512 } as never }, 'ES512', 'EC'],
  ['Ed25519', { case: 'ed25519', value: {} as never }, 'EdDSA', 'OKP'],
];

describe.each(['grpc', 'connect-h1'] as const)('web keys over %s', (transportName) => {
  it.each(KEY_TYPES)('creates %s in state initial, published in the JWKS', async (_name, key, alg, kty) => {
    const webKeys = client(WebKeyService, transportName, server.baseUrl, server.adminPat);
    const created = await webKeys.createWebKey({ key });
    expect(created.id).toMatch(/^\d{18}$/);
    expect(created.creationDate).toBeDefined();
    const listed = (await webKeys.listWebKeys({})).webKeys.find((k) => k.id === created.id);
    expect(listed?.state).toBe(State.INITIAL);
    expect(listed?.key.case).toBe(key.case ?? 'rsa');
    expect(listed?.creationDate).toBeDefined();
    expect(listed?.changeDate).toBeDefined();
    const published = (await jwks()).keys.find((k) => k.kid === created.id);
    expect(published).toMatchObject({ kid: created.id, use: 'sig', alg, kty });
    expect(published).not.toHaveProperty('d');
  });

  it('lists the key config as created', async () => {
    const webKeys = client(WebKeyService, transportName, server.baseUrl, server.adminPat);
    const { id } = await webKeys.createWebKey({
      key: { case: 'rsa', value: { bits: RSABits.RSA_BITS_4096, hasher: RSAHasher.RSA_HASHER_SHA256 } as never },
    });
    const listed = (await webKeys.listWebKeys({})).webKeys.find((k) => k.id === id);
    expect(listed?.key).toMatchObject({
      case: 'rsa',
      value: { bits: RSABits.RSA_BITS_4096, hasher: RSAHasher.RSA_HASHER_SHA256 },
    });
  });

  it('activates a key (the previous one turns inactive, both stay in the JWKS), deletes the inactive one, refuses the active one', async () => {
    const webKeys = client(WebKeyService, transportName, server.baseUrl, server.adminPat);
    const first = await webKeys.createWebKey({ key: { case: 'ed25519', value: {} as never } });
    const second = await webKeys.createWebKey({
      key: { case: 'ecdsa', value: { curve: ECDSACurve.ECDSA_CURVE_P256 } as never },
    });

    expect((await webKeys.activateWebKey({ id: first.id })).changeDate).toBeDefined();
    await webKeys.activateWebKey({ id: second.id });
    const states = new Map((await webKeys.listWebKeys({})).webKeys.map((k) => [k.id, k.state]));
    expect(states.get(first.id)).toBe(State.INACTIVE);
    expect(states.get(second.id)).toBe(State.ACTIVE);
    expect([...states.values()].filter((s) => s === State.ACTIVE)).toHaveLength(1);
    const published = (await jwks()).keys.map((k) => k.kid);
    expect(published).toEqual(expect.arrayContaining([first.id, second.id]));

    await expect(webKeys.deleteWebKey({ id: second.id })).rejects.toMatchObject({ code: Code.FailedPrecondition });
    const deleted = await webKeys.deleteWebKey({ id: first.id });
    expect(deleted.deletionDate).toBeDefined();
    expect((await jwks()).keys.map((k) => k.kid)).not.toContain(first.id);
    expect((await webKeys.listWebKeys({})).webKeys.map((k) => k.id)).not.toContain(first.id);
    // As the contract says: deleting what is not there answers OK, without a deletion date.
    expect((await webKeys.deleteWebKey({ id: first.id })).deletionDate).toBeUndefined();
    expect(await codeOf(webKeys.activateWebKey({ id: first.id }))).toBe(Code.NotFound);
  });
});

describe('web keys over REST', () => {
  it('lists at GET /v2/web_keys and deletes at DELETE /v2/web_keys/{id}', async () => {
    const webKeys = client(WebKeyService, 'grpc', server.baseUrl, server.adminPat);
    const { id } = await webKeys.createWebKey({});
    const listed = await rest(server.baseUrl, 'GET', '/v2/web_keys', { token: server.adminPat });
    expect(listed.status).toBe(200);
    expect(listed.body.webKeys.find((k: { id: string }) => k.id === id)).toMatchObject({
      id,
      state: 'STATE_INITIAL',
      rsa: { bits: 'RSA_BITS_2048', hasher: 'RSA_HASHER_SHA256' },
    });
    const active = listed.body.webKeys.find((k: { state: string }) => k.state === 'STATE_ACTIVE');
    const refused = await rest(server.baseUrl, 'DELETE', `/v2/web_keys/${active.id}`, { token: server.adminPat });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe(Code.FailedPrecondition);

    const deleted = await rest(server.baseUrl, 'DELETE', `/v2/web_keys/${id}`, { token: server.adminPat });
    expect(deleted.status).toBe(200);
    expect(deleted.body.deletionDate).toBeDefined();
    expect((await jwks()).keys.map((k) => k.kid)).not.toContain(id);
  });

  it('serves the JWKS without authentication, cacheable for five minutes', async () => {
    const res = await jwks();
    expect(res.status).toBe(200);
    expect(res.cacheControl).toBe('max-age=300, must-revalidate');
    expect(res.keys.length).toBeGreaterThan(0);
  });

  it('answers 404 for a host no instance serves', async () => {
    // fetch sets its own Host header; node:http sends the one given.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path: '/oauth/v2/keys', headers: { host: 'unknown.example.com' } },
        (r) => {
          r.resume();
          r.on('end', () => resolve(r.statusCode!));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(404);
  });
});
