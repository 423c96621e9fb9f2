import { Code, ConnectError } from '@connectrpc/connect';
import { ECDSACurve, RSABits, RSAHasher, State } from '@zitadel/proto/zitadel/webkey/v2beta/key_pb.js';
import { WebKeyService } from '@zitadel/proto/zitadel/webkey/v2beta/webkey_service_pb.js';
import { BadRequestSchema } from '../../src/gen/google/rpc/error_details_pb.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { client, codeOf, rest } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';

const BAD_REQUEST = 'type.googleapis.com/google.rpc.BadRequest';

let server: TestServer;
beforeAll(async () => {
  server = await bootTestServer();
});
afterAll(() => server?.close());

async function publishedKids(): Promise<string[]> {
  const res = await fetch(`${server.baseUrl}/oauth/v2/keys`);
  return ((await res.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
}

async function fieldsOf(call: Promise<unknown>): Promise<{ code: Code; fields: string[] }> {
  const err = (await call.catch((e: unknown) => e)) as ConnectError;
  expect(err).toBeInstanceOf(ConnectError);
  return {
    code: err.code,
    fields: err.findDetails(BadRequestSchema).flatMap((b) => b.fieldViolations.map((v) => v.field)),
  };
}

describe.each(['grpc', 'connect-h1'] as const)('v2beta web keys over %s', (transportName) => {
  it('creates, lists, activates and deletes keys', async () => {
    const webKeys = client(WebKeyService, transportName, server.baseUrl, server.adminPat);
    const first = await webKeys.createWebKey({
      key: { case: 'ecdsa', value: { curve: ECDSACurve.ECDSA_CURVE_P384 } as never },
    });
    expect(first.id).toMatch(/^\d{18}$/);
    expect(first.creationDate).toBeDefined();
    const second = await webKeys.createWebKey({
      key: { case: 'rsa', value: { bits: RSABits.RSA_BITS_3072, hasher: RSAHasher.RSA_HASHER_SHA512 } as never },
    });

    const listed = (await webKeys.listWebKeys({})).webKeys.find((k) => k.id === first.id);
    expect(listed?.$typeName).toBe('zitadel.webkey.v2beta.WebKey');
    expect(listed).toMatchObject({
      state: State.INITIAL,
      key: { case: 'ecdsa', value: { curve: ECDSACurve.ECDSA_CURVE_P384 } },
    });
    expect(listed?.creationDate).toBeDefined();
    expect(listed?.changeDate).toBeDefined();
    expect(await publishedKids()).toEqual(expect.arrayContaining([first.id, second.id]));

    expect((await webKeys.activateWebKey({ id: first.id })).changeDate).toBeDefined();
    await webKeys.activateWebKey({ id: second.id });
    const keys = new Map((await webKeys.listWebKeys({})).webKeys.map((k) => [k.id, k]));
    expect(keys.get(first.id)?.state).toBe(State.INACTIVE);
    expect(keys.get(second.id)).toMatchObject({
      state: State.ACTIVE,
      key: { case: 'rsa', value: { bits: RSABits.RSA_BITS_3072, hasher: RSAHasher.RSA_HASHER_SHA512 } },
    });
    expect([...keys.values()].filter((k) => k.state === State.ACTIVE)).toHaveLength(1);

    expect(await codeOf(webKeys.deleteWebKey({ id: second.id }))).toBe(Code.FailedPrecondition);
    expect((await webKeys.deleteWebKey({ id: first.id })).deletionDate).toBeDefined();
    expect((await webKeys.listWebKeys({})).webKeys.map((k) => k.id)).not.toContain(first.id);
    expect(await publishedKids()).not.toContain(first.id);
    expect((await webKeys.deleteWebKey({ id: first.id })).deletionDate).toBeUndefined();
    expect(await codeOf(webKeys.activateWebKey({ id: first.id }))).toBe(Code.NotFound);
  });

  it('names the invalid field with INVALID_ARGUMENT', async () => {
    const webKeys = client(WebKeyService, transportName, server.baseUrl, server.adminPat);
    expect(await fieldsOf(webKeys.activateWebKey({ id: '' }))).toEqual({ code: Code.InvalidArgument, fields: ['id'] });
    expect(await fieldsOf(webKeys.deleteWebKey({ id: 'x'.repeat(201) }))).toEqual({
      code: Code.InvalidArgument,
      fields: ['id'],
    });
    const unspecifiedBits = webKeys.createWebKey({
      key: { case: 'rsa', value: { hasher: RSAHasher.RSA_HASHER_SHA256 } as never },
    });
    expect(await fieldsOf(unspecifiedBits)).toEqual({ code: Code.InvalidArgument, fields: ['rsa.bits'] });
  });
});

describe('v2beta web keys over REST', () => {
  it('creates at POST /v2beta/web_keys, lists at GET, activates at POST …/{id}/activate, deletes at DELETE …/{id}', async () => {
    const token = server.adminPat;
    const created = await rest(server.baseUrl, 'POST', '/v2beta/web_keys', { token, body: { ed25519: {} } });
    expect(created.status).toBe(200);
    const { id } = created.body;
    expect(id).toMatch(/^\d{18}$/);
    expect(created.body.creationDate).toBeDefined();

    const listed = await rest(server.baseUrl, 'GET', '/v2beta/web_keys', { token });
    expect(listed.status).toBe(200);
    expect(listed.body.webKeys.find((k: { id: string }) => k.id === id)).toMatchObject({
      id,
      state: 'STATE_INITIAL',
      ed25519: {},
    });

    const activated = await rest(server.baseUrl, 'POST', `/v2beta/web_keys/${id}/activate`, { token });
    expect(activated.status).toBe(200);
    expect(activated.body.changeDate).toBeDefined();
    const after = await rest(server.baseUrl, 'GET', '/v2beta/web_keys', { token });
    expect(
      after.body.webKeys.filter((k: { state: string }) => k.state === 'STATE_ACTIVE').map((k: { id: string }) => k.id),
    ).toEqual([id]);

    const refused = await rest(server.baseUrl, 'DELETE', `/v2beta/web_keys/${id}`, { token });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe(Code.FailedPrecondition);

    const spare = (
      await rest(server.baseUrl, 'POST', '/v2beta/web_keys', {
        token,
        body: { rsa: { bits: 'RSA_BITS_2048', hasher: 'RSA_HASHER_SHA256' } },
      })
    ).body.id;
    const deleted = await rest(server.baseUrl, 'DELETE', `/v2beta/web_keys/${spare}`, { token });
    expect(deleted.status).toBe(200);
    expect(deleted.body.deletionDate).toBeDefined();
    expect(await publishedKids()).not.toContain(spare);
  });

  it('answers invalid input with code 3 and the field named', async () => {
    const res = await rest(server.baseUrl, 'POST', '/v2beta/web_keys', { token: server.adminPat, body: { ecdsa: {} } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(Code.InvalidArgument);
    const bad = res.body.details.find((d: { '@type': string }) => d['@type'] === BAD_REQUEST);
    expect(bad.fieldViolations.map((v: { field: string }) => v.field)).toEqual(['ecdsa.curve']);
  });
});

describe('v2beta web key permissions', () => {
  type WebKeys = ReturnType<typeof client<typeof WebKeyService>>;
  let orgOwner: string;
  let instanceViewer: string;
  beforeAll(async () => {
    const instance = await server.app.get(InstanceResolver).resolve('127.0.0.1');
    const org = instance.defaultOrgId!;
    orgOwner = (await machineWithRoles(server, org, { level: 'org', resourceId: org, roles: ['ORG_OWNER'] })).pat;
    instanceViewer = (
      await machineWithRoles(server, org, { level: 'instance', resourceId: instance.id, roles: ['IAM_OWNER_VIEWER'] })
    ).pat;
  });

  // [method, call, ORG_OWNER (no iam.web_key.*), IAM_OWNER_VIEWER (iam.web_key.read only)]
  it.each<[string, (c: WebKeys) => Promise<unknown>, Code | 'ok', Code | 'ok']>([
    [
      'create',
      (c) => c.createWebKey({ key: { case: 'ed25519', value: {} as never } }),
      Code.PermissionDenied,
      Code.PermissionDenied,
    ],
    ['activate', (c) => c.activateWebKey({ id: '999999999999999999' }), Code.PermissionDenied, Code.PermissionDenied],
    ['delete', (c) => c.deleteWebKey({ id: '999999999999999999' }), Code.PermissionDenied, Code.PermissionDenied],
    ['list', (c) => c.listWebKeys({}), Code.PermissionDenied, 'ok'],
  ])('%s: refused to an ORG_OWNER; an IAM_OWNER_VIEWER may only list', async (_name, call, asOrgOwner, asViewer) => {
    expect(await codeOf(call(client(WebKeyService, 'grpc', server.baseUrl, orgOwner)))).toBe(asOrgOwner);
    expect(await codeOf(call(client(WebKeyService, 'connect-h1', server.baseUrl, instanceViewer)))).toBe(asViewer);
  });

  it('refuses REST calls without iam.web_key.* with 403', async () => {
    const res = await rest(server.baseUrl, 'POST', '/v2beta/web_keys', { token: orgOwner, body: {} });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe(Code.PermissionDenied);
  });
});
