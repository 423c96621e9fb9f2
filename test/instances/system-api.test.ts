// The system API as ZITADEL's operators use it: a system API user from PORTCULLIS_SYSTEMAPIUSERS
// signs a JWT and creates tenants, each reached by its own domains at once, on this server and on
// a second one on the same database (no shared memory: its own caches and change-feed listener).
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { request } from 'node:http';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { NewAuthorizationBearerInterceptor } from '@zitadel/client';
import { InstanceService } from '@zitadel/proto/zitadel/instance/v2beta/instance_service_pb.js';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { KeyType } from '@zitadel/proto/zitadel/auth_n_key_pb.js';
import { ErrorDetailSchema } from '@zitadel/proto/zitadel/message_pb.js';
import { SystemService } from '@zitadel/proto/zitadel/system_pb.js';
import { InstanceFeature } from '@zitadel/proto/zitadel/feature_pb.js';
import { SignJWT } from 'jose';
import { INSTANCE_HOST_HEADER } from '../../src/platform/tenancy/request-host.js';
import { client, codeOf, rest, TRANSPORTS, withHeaders } from '../support/clients.js';
import { restOnHost } from '../support/instances.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';

const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const operator = pair();
const viewer = pair();
const stranger = pair();
const pemB64 = (k: ReturnType<typeof pair>) =>
  Buffer.from(k.publicKey.export({ type: 'spki', format: 'pem' }) as string).toString('base64');

const ENV = {
  PORTCULLIS_SYSTEMAPIUSERS: JSON.stringify({
    ops: { KeyData: pemB64(operator) },
    auditor: { KeyData: pemB64(viewer), Memberships: [{ MemberType: 'System', Roles: ['SYSTEM_OWNER_VIEWER'] }] },
  }),
};
/** The default PORTCULLIS_EXTERNAL_URL: what system JWTs name as audience. */
const AUDIENCE = 'http://localhost:8080';

let a: TestServer;
let b: TestServer;
beforeAll(async () => {
  a = await bootTestServer(ENV);
  b = await bootTestServer(ENV, a);
}, 90_000);
afterAll(async () => {
  await b?.close();
  await a?.close();
});

function systemJwt(
  user = 'ops',
  key: KeyObject = operator.privateKey,
  claims: { aud?: string; iat?: number; exp?: number } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ aud: AUDIENCE, iat: now, exp: now + 300, ...claims })
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(user)
    .setSubject(user)
    .sign(key);
}

const system = async (server: TestServer = a, token?: string) =>
  client(SystemService, 'grpc', server.baseUrl, token ?? (await systemJwt()));

async function refusal(call: Promise<unknown>): Promise<{ code: Code; id?: string; message: string }> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => ConnectError.from(e),
  );
  if (!err) throw new Error('the call was answered');
  return { code: err.code, id: err.findDetails(ErrorDetailSchema)[0]?.id, message: err.rawMessage };
}

/** A REST call naming `host` as its Host, on server `on`. */
const onHost = (on: TestServer, host: string, method: string, path: string, token?: string, body?: unknown) =>
  restOnHost(on, `${host}:${on.port}`, method, path, token, body === undefined ? {} : { body });

/**
 * The status `host` answers with on `on` once it is `status`, polling for up to a second: the
 * server that made the change answers at once, another one as soon as the change feed tells it.
 */
async function statusWithin(on: TestServer, host: string, token: string, status: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const got = (await onHost(on, host, 'GET', '/admin/v1/instances/me', token)).status;
    if (got === status || Date.now() - started > 1_000) return got;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A form POST (the OAuth token endpoint) to server `a` naming `authority` as its Host. */
function formOnHost(authority: string, path: string, form: URLSearchParams): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: a.port,
        path,
        method: 'POST',
        headers: { host: authority, 'content-type': 'application/x-www-form-urlencoded' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(form.toString());
  });
}

let seq = 0;
const uniqueDomain = (label: string) => `${label}-${Date.now().toString(36)}-${seq++}.tenants.test`;

async function createWithMachineOwner(domain: string) {
  return (await system()).createInstance({
    instanceName: `Tenant ${domain}`,
    customDomain: domain,
    owner: {
      case: 'machine',
      value: {
        userName: 'tenant-admin',
        name: 'Tenant admin',
        personalAccessToken: {},
      },
    },
  });
}

describe('a system API user creates tenants reached by their own domains', () => {
  it("creates an instance with a custom domain whose Host serves its discovery, its login pages and its owner's PAT; the first instance's PAT fails there and the new PAT fails on the first instance", async () => {
    const domain = uniqueDomain('acme');
    const created = await createWithMachineOwner(domain);
    expect(created.instanceId).toMatch(/^\d+$/);
    expect(created.pat).not.toBe('');

    const discovery = await onHost(a, domain, 'GET', '/.well-known/openid-configuration');
    expect(discovery.status).toBe(200);
    expect(JSON.parse(discovery.body).issuer).toBe(`http://${domain}:${a.port}`);
    expect((await onHost(a, domain, 'GET', '/ui/v2/login/device')).status).toBe(200);

    const me = await onHost(a, domain, 'GET', '/admin/v1/instances/me', created.pat);
    expect(me.status).toBe(200);
    expect(JSON.parse(me.body).instance.id).toBe(created.instanceId);

    // The setup is audited in the new instance, as done by the system API user.
    const events = await onHost(a, domain, 'POST', '/admin/v1/events/_search', created.pat, {
      aggregateTypes: ['instance'],
      asc: true,
    });
    const written = JSON.parse(events.body).events as { type: { type: string }; editor: { userId: string } }[];
    expect(written.map((e) => e.type.type)).toEqual(
      expect.arrayContaining(['instance.added', 'instance.domain.added', 'instance.default.org.set']),
    );
    expect(new Set(written.map((e) => e.editor.userId))).toEqual(new Set(['ops']));

    // ZITADEL's DefaultInstance.Features are the new instance's own flags from its setup on.
    const features = await onHost(a, domain, 'GET', '/v2/features/instance', created.pat);
    expect(JSON.parse(features.body)).toMatchObject({
      loginDefaultOrg: { enabled: true, source: 'SOURCE_INSTANCE' },
      consoleUseV2UserApi: { enabled: true, source: 'SOURCE_INSTANCE' },
    });

    expect((await onHost(a, domain, 'GET', '/admin/v1/instances/me', a.adminPat)).status).toBe(401);
    expect((await rest(a.baseUrl, 'GET', '/admin/v1/instances/me', { token: created.pat })).status).toBe(401);
  });

  it('an instance created through one server is served by the other server on the same database within a second', async () => {
    const domain = uniqueDomain('two');
    const created = await createWithMachineOwner(domain);
    expect(await statusWithin(b, domain, created.pat, 200)).toBe(200);
  });

  it("a machine owner may get a key instead of a PAT: the key signs a JWT-bearer grant at the new instance's token endpoint, whose token reaches its API; the first instance refuses the key", async () => {
    const created = await (await system()).createInstance({
      instanceName: 'Keyed tenant',
      owner: {
        case: 'machine',
        value: { userName: 'key-admin', name: 'Key admin', machineKey: { type: KeyType.JSON } },
      },
    });
    expect(created.pat).toBe('');
    const keyFile = JSON.parse(Buffer.from(created.machineKey).toString('utf8'));
    const members = await (await system()).listIAMMembers({ instanceId: created.instanceId });
    expect(members.result.map((m) => [m.userId, m.roles])).toEqual([[keyFile.userId, ['IAM_OWNER']]]);

    const { instance } = await (await system()).getInstance({ instanceId: created.instanceId });
    const host = instance!.domains.find((d) => d.generated)!.domain;
    const grant = async (on: string) => {
      const assertion = await new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: keyFile.keyId })
        .setIssuer(keyFile.userId)
        .setSubject(keyFile.userId)
        .setAudience(`http://${on}`)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(createPrivateKey(keyFile.key));
      const form = new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion,
        scope: 'openid urn:zitadel:iam:org:project:id:zitadel:aud',
      });
      return formOnHost(on, '/oauth/v2/token', form);
    };
    const token = await grant(`${host}:${a.port}`);
    expect(token.status).toBe(200);
    const me = await onHost(a, host, 'GET', '/admin/v1/instances/me', JSON.parse(token.body).access_token);
    expect(JSON.parse(me.body).instance.id).toBe(created.instanceId);
    expect((await grant(`127.0.0.1:${a.port}`)).status).toBe(400);
  });

  it('AddInstance makes a human owner (IAM_OWNER) and a generated domain under the external domain, primary, besides the custom one', async () => {
    const domain = uniqueDomain('human');
    const added = await (await system()).addInstance({
      instanceName: 'Human tenant',
      firstOrgName: 'Human Org',
      customDomain: domain,
      ownerUserName: 'owner',
      ownerEmail: { email: 'owner@human.example.com', isEmailVerified: true },
      ownerProfile: { firstName: 'Olga', lastName: 'Owner' },
      ownerPassword: { password: 'Secret-Passw0rd!', passwordChangeRequired: false },
    });
    const { instance } = await (await system()).getInstance({ instanceId: added.instanceId });
    expect(instance?.name).toBe('Human tenant');
    const domains = instance!.domains.map((d) => [d.domain, d.primary, d.generated]);
    expect(domains).toEqual(
      expect.arrayContaining([
        [expect.stringMatching(/^human-tenant-[0-9a-f]{6}\.localhost$/), true, true],
        [domain, false, false],
      ]),
    );
    const members = await (await system()).listIAMMembers({ instanceId: added.instanceId });
    expect(members.result.map((m) => m.roles)).toEqual([['IAM_OWNER']]);
    expect(members.result[0].preferredLoginName).toMatch(/^owner/);
  });

  it.each(TRANSPORTS)('lists instances with their domains over %s, filtered by domain', async (name) => {
    const domain = uniqueDomain('list');
    const created = await createWithMachineOwner(domain);
    const listed = await client(SystemService, name, a.baseUrl, await systemJwt()).listInstances({
      queries: [{ query: { case: 'domainQuery', value: { domains: [domain] } } }],
    });
    expect(listed.result.map((i) => i.id)).toEqual([created.instanceId]);
    expect(listed.result[0].domains.map((d) => d.domain)).toContain(domain);
  });

  it('serves the system API over REST under /system/v1 with a system JWT', async () => {
    const res = await rest(a.baseUrl, 'POST', '/system/v1/instances/_search', { token: await systemJwt(), body: {} });
    expect(res.status).toBe(200);
    expect(Number(res.body.details.totalResult)).toBeGreaterThanOrEqual(1);
    const exists = await rest(a.baseUrl, 'POST', '/system/v1/domains/localhost/_exists', {
      token: await systemJwt(),
      body: {},
    });
    expect(exists.body).toEqual({ exists: true });

    // The README's example, as curl sends it.
    const domain = uniqueDomain('rest');
    const created = await rest(a.baseUrl, 'POST', '/system/v1/instances/_create', {
      token: await systemJwt(),
      body: {
        instanceName: 'Acme',
        customDomain: domain,
        machine: { userName: 'acme-admin', name: 'Acme admin', personalAccessToken: {} },
      },
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual(expect.objectContaining({ instanceId: expect.any(String), pat: expect.any(String) }));
    expect((await onHost(a, domain, 'GET', '/admin/v1/instances/me', created.body.pat)).status).toBe(200);
  });
});

describe('instance domains route at once in every process', () => {
  it('a domain added is served by both servers at once; set primary; removed (primary too, as ZITADEL), neither serves it and the generated domain is primary again; the generated domain stays', async () => {
    const created = await createWithMachineOwner(uniqueDomain('dom'));
    const sys = await system();
    const extra = uniqueDomain('extra');
    await sys.addDomain({ instanceId: created.instanceId, domain: extra });
    for (const server of [a, b]) expect(await statusWithin(server, extra, created.pat, 200)).toBe(200);
    expect((await sys.existsDomain({ domain: extra })).exists).toBe(true);

    await sys.setPrimaryDomain({ instanceId: created.instanceId, domain: extra });
    const { result } = await sys.listDomains({ instanceId: created.instanceId });
    expect(result.find((d) => d.primary)?.domain).toBe(extra);
    const generated = result.find((d) => d.generated)!.domain;
    expect(await refusal(sys.removeDomain({ instanceId: created.instanceId, domain: generated }))).toMatchObject({
      code: Code.FailedPrecondition,
    });

    await sys.removeDomain({ instanceId: created.instanceId, domain: extra });
    for (const server of [a, b]) expect(await statusWithin(server, extra, created.pat, 404)).toBe(404);
    const after = await sys.listDomains({ instanceId: created.instanceId });
    expect(after.result.find((d) => d.primary)?.domain).toBe(generated);
    expect(await refusal(sys.removeDomain({ instanceId: created.instanceId, domain: extra }))).toMatchObject({
      code: Code.NotFound,
    });
  });

  it('a removed instance is served by neither server, its PAT opens nothing, and its rows are gone from every table but the event log (ZITADEL clears its projections on instance.removed)', async () => {
    const domain = uniqueDomain('gone');
    const created = await createWithMachineOwner(domain);
    expect((await onHost(b, domain, 'GET', '/admin/v1/instances/me', created.pat)).status).toBe(200);
    const db = a.database.dataSource;
    const tables: { table_name: string }[] = await db.query(
      `SELECT c.table_name FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
       WHERE c.table_schema = current_schema() AND c.column_name = 'instance_id' AND t.table_type = 'BASE TABLE'`,
    );
    const rowsOf = async () => {
      const counts: Record<string, number> = {};
      for (const { table_name } of tables) {
        const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM "${table_name}" WHERE instance_id = $1`, [
          created.instanceId,
        ]);
        if (n) counts[table_name] = n;
      }
      return counts;
    };
    // A token the provider stored: oidc_payloads has no foreign key to instances, the purge removes its rows.
    await db.query(
      `INSERT INTO oidc_payloads (instance_id, model, id, payload, expires_at) VALUES ($1, 'AccessToken', 'gone-token', '{}', now() + interval '1 hour')`,
      [created.instanceId],
    );
    const before = await rowsOf();
    // Setting an instance up fills many contexts' tables: the check below is not vacuous.
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining(['events', 'users', 'orgs', 'memberships', 'oidc_payloads']),
    );
    await (await system()).removeInstance({ instanceId: created.instanceId });
    expect(await rowsOf()).toEqual({ events: expect.any(Number) });
    for (const server of [a, b]) expect(await statusWithin(server, domain, created.pat, 404)).toBe(404);
    expect(await refusal((await system()).getInstance({ instanceId: created.instanceId }))).toMatchObject({
      code: Code.NotFound,
    });
  });

  it("nothing of a removed instance is reached again, even once a new instance has its domain: its PAT, its user and its session (with the session's token) are refused there", async () => {
    const domain = uniqueDomain('reused');
    const old = await createWithMachineOwner(domain);
    const username = `gone-${Date.now()}`;
    const password = 'Secr3t!Passw0rd';
    const user = await onHost(a, domain, 'POST', '/v2/users/human', old.pat, {
      username,
      profile: { givenName: 'Gone', familyName: 'User' },
      email: { email: `${username}@example.com`, isVerified: true },
      password: { password, changeRequired: false },
    });
    expect(user.status).toBe(200);
    const userId = JSON.parse(user.body).userId as string;
    const signIn = { checks: { user: { loginName: username }, password: { password } } };
    const session = await onHost(a, domain, 'POST', '/v2/sessions', old.pat, signIn);
    expect(session.status).toBe(201);
    const { sessionId, sessionToken } = JSON.parse(session.body) as { sessionId: string; sessionToken: string };

    await (await system()).removeInstance({ instanceId: old.instanceId });
    const successor = await createWithMachineOwner(domain);
    expect(successor.instanceId).not.toBe(old.instanceId);

    for (const server of [a, b]) {
      expect(await statusWithin(server, domain, successor.pat, 200)).toBe(200);
      expect((await onHost(server, domain, 'GET', '/admin/v1/instances/me', old.pat)).status).toBe(401);
    }
    // Each answers as for an id the new instance never had.
    const status = async (method: string, path: string, body?: unknown) =>
      (await onHost(a, domain, method, path, successor.pat, body)).status;
    const read = (session: string) => `/v2/sessions/${session}?sessionToken=${encodeURIComponent(sessionToken)}`;
    expect(await status('GET', `/v2/users/${userId}`)).toBe(404);
    const sessionAnswers = async (id: string) => [
      await status('GET', read(id)),
      await status('DELETE', `/v2/sessions/${id}`, { sessionToken }),
    ];
    const refused = await sessionAnswers(sessionId);
    expect(refused.every((code) => code >= 400)).toBe(true);
    expect(refused).toEqual(await sessionAnswers('404404404'));
    expect((await onHost(a, domain, 'POST', '/v2/sessions', successor.pat, signIn)).status).toBe(404);
  });

  it('UpdateInstance renames it', async () => {
    const created = await createWithMachineOwner(uniqueDomain('rename'));
    await (await system()).updateInstance({ instanceId: created.instanceId, instanceName: 'Renamed' });
    expect((await (await system()).getInstance({ instanceId: created.instanceId })).instance?.name).toBe('Renamed');
  });
});

describe('bad input is refused naming the field, with nothing written', () => {
  const count = async () => (await (await system()).listInstances({})).details?.totalResult;

  it('a blank instance name is INVALID_ARGUMENT naming instance_name', async () => {
    const before = await count();
    const err = await refusal(
      (await system()).createInstance({
        instanceName: ' ',
        owner: { case: 'machine', value: { userName: 'x', name: 'x' } },
      }),
    );
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.message).toContain('instance_name');
    expect(await count()).toBe(before);
  });

  it("a custom domain another instance has (the first instance's localhost) is ALREADY_EXISTS, and no instance is left half-made", async () => {
    const before = await count();
    const err = await refusal(createWithMachineOwner('localhost'));
    expect(err.code).toBe(Code.AlreadyExists);
    expect(await count()).toBe(before);
  });

  it('a custom domain with a scheme or a path is INVALID_ARGUMENT naming custom_domain', async () => {
    const err = await refusal(createWithMachineOwner('https://evil.example/x'));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.message).toContain('custom_domain');
  });

  it('no owner is INVALID_ARGUMENT', async () => {
    expect((await refusal((await system()).createInstance({ instanceName: 'No owner' }))).code).toBe(
      Code.InvalidArgument,
    );
  });
});

describe("SystemService's remaining methods", () => {
  it('Healthz answers anyone on any host, with no token or a system JWT (ZITADEL checks nothing for it)', async () => {
    expect(await codeOf(client(SystemService, 'connect-h1', a.baseUrl).healthz({}))).toBe('ok');
    expect(await codeOf((await system()).healthz({}))).toBe('ok');
    expect((await rest(a.baseUrl, 'GET', '/system/v1/healthz', { token: await systemJwt() })).status).toBe(200);
    expect((await onHost(a, 'no-instance.tenants.test', 'GET', '/system/v1/healthz')).status).toBe(200);
  });

  it("SetInstanceFeature sets an instance's own loginDefaultOrg, audited in that instance as done by the system user; only it, only with a value, only by a system owner", async () => {
    const domain = uniqueDomain('flags');
    const created = await createWithMachineOwner(domain);
    const set = (req: { instanceId?: string; featureId?: InstanceFeature; value?: boolean }, token?: string) =>
      system(a, token).then((s) =>
        s.setInstanceFeature({
          instanceId: req.instanceId ?? created.instanceId,
          featureId: req.featureId ?? InstanceFeature.LOGIN_DEFAULT_ORG,
          value: req.value === undefined ? { case: undefined } : { case: 'bool', value: req.value },
        }),
      );
    const answered = await set({ value: false });
    expect(answered.details?.resourceOwner).toBe(created.instanceId);
    const features = await onHost(a, domain, 'GET', '/v2/features/instance', created.pat);
    expect(JSON.parse(features.body).loginDefaultOrg).toEqual({ enabled: false, source: 'SOURCE_INSTANCE' });
    const events = await onHost(a, domain, 'POST', '/admin/v1/events/_search', created.pat, {
      eventTypes: ['feature.instance.login_default_org.set'],
      asc: true,
    });
    const written = JSON.parse(events.body).events as { editor: { userId: string } }[];
    expect(written.map((e) => e.editor.userId)).toEqual(['ops', 'ops']);

    expect(await refusal(set({ featureId: InstanceFeature.UNSPECIFIED, value: true }))).toMatchObject({
      code: Code.InvalidArgument,
      message: expect.stringContaining('feature_id'),
    });
    expect(await refusal(set({}))).toMatchObject({
      code: Code.InvalidArgument,
      message: expect.stringContaining('value'),
    });
    expect(await refusal(set({ instanceId: '404404404', value: true }))).toMatchObject({ code: Code.NotFound });
    expect(await refusal(set({ value: true }, await systemJwt('auditor', viewer.privateKey)))).toMatchObject({
      code: Code.PermissionDenied,
    });
    expect(await refusal(set({ value: true }, created.pat))).toMatchObject({ code: Code.Unauthenticated });
  });
});

describe('only system API users reach the system API, and they reach nothing else', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it.each([
    ['a JWT signed by a key no system user has', () => systemJwt('ops', stranger.privateKey)],
    ['a JWT for another audience', () => systemJwt('ops', operator.privateKey, { aud: 'http://evil.example' })],
    ['an expired JWT', () => systemJwt('ops', operator.privateKey, { iat: now() - 600, exp: now() - 60 })],
    ['a JWT of an unknown user', () => systemJwt('nobody', operator.privateKey)],
    ["the first instance's admin PAT", async () => a.adminPat],
  ])('refuses %s with UNAUTHENTICATED', async (_what, token) => {
    expect(await codeOf((await system(a, await token())).listInstances({}))).toBe(Code.Unauthenticated);
  });

  it('a viewer lists instances but may not create one (PERMISSION_DENIED)', async () => {
    const auditor = await system(a, await systemJwt('auditor', viewer.privateKey));
    expect(await codeOf(auditor.listInstances({}))).toBe('ok');
    expect(
      await codeOf(
        auditor.createInstance({
          instanceName: 'Nope',
          owner: { case: 'machine', value: { userName: 'n', name: 'n' } },
        }),
      ),
    ).toBe(Code.PermissionDenied);
  });

  it("a system JWT opens no instance's API", async () => {
    const admin = client(AdminService, 'grpc', a.baseUrl, await systemJwt());
    expect(await codeOf(admin.getMyInstance({}))).toBe(Code.Unauthenticated);
  });
});

describe("InstanceService v2beta with ZITADEL's permissions", () => {
  /** InstanceService on the tenant's host (x-zitadel-instance-host, as a proxy names it), with a token. */
  const onTenant = (host: string, token: string) =>
    createClient(
      InstanceService,
      createConnectTransport({
        baseUrl: a.baseUrl,
        httpVersion: '1.1',
        interceptors: [withHeaders({ [INSTANCE_HOST_HEADER]: host }), NewAuthorizationBearerInterceptor(token)],
      }),
    );

  it("the instance's administrator reads and renames its own instance, lists its custom domains and manages its trusted domains", async () => {
    const domain = uniqueDomain('v2b');
    const created = await createWithMachineOwner(domain);
    const mine = onTenant(domain, created.pat);

    const { instance } = await mine.getInstance({ instanceId: created.instanceId });
    expect(instance?.id).toBe(created.instanceId);
    expect(instance?.domains.map((d) => d.domain)).toContain(domain);
    await mine.updateInstance({ instanceId: created.instanceId, instanceName: 'Self-renamed' });
    expect((await mine.getInstance({ instanceId: created.instanceId })).instance?.name).toBe('Self-renamed');

    const custom = await mine.listCustomDomains({ instanceId: created.instanceId });
    expect(custom.domains.map((d) => d.domain)).toContain(domain);

    await mine.addTrustedDomain({ instanceId: created.instanceId, domain: 'login.v2b.example' });
    const trusted = await mine.listTrustedDomains({ instanceId: created.instanceId });
    expect(trusted.trustedDomain.map((d) => d.domain)).toEqual(['login.v2b.example']);
    await mine.removeTrustedDomain({ instanceId: created.instanceId, domain: 'login.v2b.example' });
    expect((await mine.listTrustedDomains({ instanceId: created.instanceId })).trustedDomain).toEqual([]);
  });

  it("another instance's id is NOT_FOUND to an administrator, as an unknown one", async () => {
    const domain = uniqueDomain('v2b-own');
    const created = await createWithMachineOwner(domain);
    const first = await (await system()).listInstances({
      queries: [{ query: { case: 'domainQuery', value: { domains: ['127.0.0.1'] } } }],
    });
    const firstInstanceId = first.result[0].id;
    const mine = onTenant(domain, created.pat);
    expect(await codeOf(mine.getInstance({ instanceId: firstInstanceId }))).toBe(Code.NotFound);
    expect(await codeOf(mine.getInstance({ instanceId: '4242' }))).toBe(Code.NotFound);
    expect(await codeOf(mine.addTrustedDomain({ instanceId: firstInstanceId, domain: 'x.example' }))).toBe(
      Code.NotFound,
    );
  });

  it('a user of the instance without iam.read is PERMISSION_DENIED', async () => {
    const domain = uniqueDomain('v2b-perm');
    const created = await createWithMachineOwner(domain);
    const user = await onHost(a, domain, 'POST', '/management/v1/users/machine', created.pat, {
      userName: 'plain-bot',
      name: 'Plain bot',
    });
    const userId = JSON.parse(user.body).userId as string;
    const pat = JSON.parse(
      (await onHost(a, domain, 'POST', `/management/v1/users/${userId}/pats`, created.pat, {})).body,
    ).token as string;
    expect(await codeOf(onTenant(domain, pat).getInstance({ instanceId: created.instanceId }))).toBe(
      Code.PermissionDenied,
    );
  });

  it('listing, deleting and custom domains are for system API users; instance PATs are refused there and system JWTs on the instance methods', async () => {
    const domain = uniqueDomain('v2b-sys');
    const created = await createWithMachineOwner(domain);
    const asSystem = client(InstanceService, 'grpc', a.baseUrl, await systemJwt());
    const listed = await asSystem.listInstances({
      queries: [{ query: { case: 'idQuery', value: { ids: [created.instanceId] } } }],
    });
    expect(listed.instances.map((i) => i.id)).toEqual([created.instanceId]);

    const extra = uniqueDomain('v2b-custom');
    await asSystem.addCustomDomain({ instanceId: created.instanceId, domain: extra });
    expect(await statusWithin(b, extra, created.pat, 200)).toBe(200);
    await asSystem.removeCustomDomain({ instanceId: created.instanceId, domain: extra });
    expect(await statusWithin(b, extra, created.pat, 404)).toBe(404);

    const mine = onTenant(domain, created.pat);
    expect(await codeOf(mine.listInstances({}))).toBe(Code.Unauthenticated);
    expect(await codeOf(mine.deleteInstance({ instanceId: created.instanceId }))).toBe(Code.Unauthenticated);
    expect(await codeOf(onTenant(domain, await systemJwt()).getInstance({ instanceId: created.instanceId }))).toBe(
      Code.Unauthenticated,
    );

    await asSystem.deleteInstance({ instanceId: created.instanceId });
    expect((await onHost(a, domain, 'GET', '/admin/v1/instances/me', created.pat)).status).toBe(404);
  });
});
