// Fuzzing every REST route (from /openapi/v2.json) and every Connect method (from the served
// descriptors) with malformed and hostile requests: wrong types, huge strings, deep nesting,
// unicode edge cases, injection strings, bodies beyond the limit, bad tokens. Every answer must
// be a proper error or a success (no 5xx besides UNIMPLEMENTED, no hang), errors must have
// ZITADEL's shape (JSON with code and message), and a request that answered an error must not
// have written anything (no new event).
//
// Cases: PORTCULLIS_FUZZ_CASES (short mode 400, long mode 10,000); replay with PORTCULLIS_FUZZ_SEED.
import { appendFileSync } from 'node:fs';
import type { DescMethod } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { CONTRACT_SERVICES } from '../../src/platform/rpc/contract.js';
import { RpcRegistry } from '../../src/platform/rpc/registry.js';
import { messageSchema } from '../../src/platform/rpc/rest/json-schema.js';
import { client } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import {
  encode,
  hostileString,
  SchemaArbitraries,
  wireBody,
  type JsonSchema,
  type WireBody,
} from './support/hostile.js';
import { MODE } from './support/mode.js';

interface RestOperation {
  readonly verb: string;
  readonly path: string;
  readonly pathParams: string[];
  readonly queryParams: { name: string; schema: JsonSchema }[];
  readonly body?: JsonSchema;
  readonly rpc: string;
}

interface ConnectMethod {
  readonly path: string;
  readonly input: JsonSchema;
}

type Auth = 'admin' | 'none' | 'garbage' | 'malformed';

// Methods that would end the fuzzer's own admin, its user or (management v1 acts on the caller's
// org) its org: the tests after the fuzz run need it.
const REMOVES_THE_CALLER = new Set([
  '/zitadel.auth.v1.AuthService/RemoveMyUser',
  '/zitadel.management.v1.ManagementService/DeactivateOrg',
  '/zitadel.management.v1.ManagementService/RemoveOrg',
]);

type Case =
  | {
      transport: 'rest';
      op: RestOperation;
      pathValues: string[];
      query: [string, unknown][];
      body: WireBody;
      auth: Auth;
      contentType: string;
    }
  | { transport: 'connect'; method: ConnectMethod; body: WireBody; auth: Auth; binary: boolean };

interface Failure {
  readonly what: string;
  readonly request: string;
  readonly answer: string;
}

let server: TestServer;
let restOps: RestOperation[];
let connectMethods: ConnectMethod[];
let components: Record<string, JsonSchema>;
let ids: string[];

beforeAll(async () => {
  server = await bootTestServer({ PORTCULLIS_RATE_LIMIT_PER_MINUTE: '0' });
  // Real ids (a victim org and user the fuzzer may change or delete) so cases get past "not found".
  const orgId = (
    await client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat).createOrganization({ name: 'Fuzz Victim Org' })
  ).id;
  const { userId } = await client(UserService, 'grpc', server.baseUrl, server.adminPat).addHumanUser({
    username: 'fuzz-victim',
    organization: { org: { case: 'orgId', value: orgId } },
    profile: { givenName: 'Fuzz', familyName: 'Victim' },
    email: { email: 'fuzz-victim@example.com', verification: { case: 'isVerified', value: true } },
    passwordType: { case: 'password', value: { password: 'Secr3t!pass', changeRequired: false } },
  });
  ids = [orgId, userId, '1', '0', '123456789012345678'];

  const openapi = (await (await fetch(`${server.baseUrl}/openapi/v2.json`)).json()) as {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: { name: string; in: string; schema: JsonSchema }[];
          requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
          'x-grpc-method': string;
        }
      >
    >;
    components: { schemas: Record<string, JsonSchema> };
  };
  restOps = Object.entries(openapi.paths)
    .flatMap(([path, item]) =>
      Object.entries(item).map(([verb, op]) => ({
        verb: verb.toUpperCase(),
        path,
        pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: (op.parameters ?? [])
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: p.schema })),
        body: op.requestBody?.content['application/json'].schema,
        rpc: op['x-grpc-method'],
      })),
    )
    .filter((op) => !REMOVES_THE_CALLER.has(op.rpc));

  // Connect: every unary method the server routes (the contract and the v1 services beside it).
  const registry = server.app.get(RpcRegistry);
  const services = [...CONTRACT_SERVICES, ...registry.all().map((b) => b.service)].filter(
    (s, i, all) => all.indexOf(s) === i,
  );
  const own = new Map<string, JsonSchema>();
  connectMethods = services.flatMap((s) =>
    s.methods
      .filter((m: DescMethod) => m.methodKind === 'unary' && !REMOVES_THE_CALLER.has(`/${s.typeName}/${m.name}`))
      .map((m) => ({ path: `/${s.typeName}/${m.name}`, input: messageSchema(m.input, own as never) as JsonSchema })),
  );
  components = { ...Object.fromEntries(own), ...openapi.components.schemas };
});
afterAll(() => server?.close());

function caseArbitrary(): fc.Arbitrary<Case> {
  const idArb = fc.constantFrom(...ids);
  const schemas = new SchemaArbitraries(components, idArb);
  const auth = fc.constantFrom<Auth>(
    'admin',
    'admin',
    'admin',
    'admin',
    'admin',
    'admin',
    'none',
    'garbage',
    'malformed',
  );
  const pathValue = fc.oneof(
    { weight: 3, arbitrary: idArb },
    { weight: 2, arbitrary: hostileString.filter((s) => s.length < 5_000) },
  );
  const rest = fc.constantFrom(...restOps).chain((op) =>
    fc.record({
      transport: fc.constant('rest' as const),
      op: fc.constant(op),
      pathValues: fc.tuple(...op.pathParams.map(() => pathValue)),
      query: op.queryParams.length
        ? fc.array(
            fc.tuple(
              fc.oneof(
                fc.constantFrom(...op.queryParams.map((q) => q.name)),
                hostileString.filter((s) => s.length < 200),
              ),
              fc.oneof(hostileString, fc.integer(), fc.boolean()),
            ),
            { maxLength: 3 },
          )
        : fc.constant([] as [string, unknown][]),
      body: op.body ? wireBody(schemas.of(op.body)) : fc.constant<WireBody>({ kind: 'none' }),
      auth,
      contentType: fc.constantFrom(
        'application/json',
        'application/json',
        'application/json',
        'text/plain',
        'application/json; charset=latin1',
      ),
    }),
  );
  const connect = fc.constantFrom(...connectMethods).chain((method) =>
    fc.record({
      transport: fc.constant('connect' as const),
      method: fc.constant(method),
      body: wireBody(schemas.of(method.input)),
      auth,
      binary: fc.boolean().map((b) => b && Math.random() < 0.3),
    }),
  );
  return fc.oneof({ weight: 1, arbitrary: rest }, { weight: 1, arbitrary: connect });
}

function authHeader(auth: Auth): Record<string, string> {
  switch (auth) {
    case 'admin':
      return { authorization: `Bearer ${server.adminPat}` };
    case 'none':
      return {};
    case 'garbage':
      return { authorization: 'Bearer aGVsbG8.d29ybGQ.Zm9v' };
    case 'malformed':
      return { authorization: 'Basic \u00ff\u00fe' + 'x'.repeat(2_000) };
  }
}

/** Percent-encoded; a lone surrogate goes out as the invalid UTF-8 a careless client would send. */
function pathSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, '')) + '%ED%A0%80';
  }
}

function buildRequest(c: Case): { url: string; init: RequestInit; label: string } {
  const headers: Record<string, string> = { ...authHeader(c.auth) };
  if (c.transport === 'rest') {
    let path = c.op.path;
    c.op.pathParams.forEach((name, i) => {
      path = path.replace(`{${name}}`, pathSegment(c.pathValues[i]));
    });
    const query = new URLSearchParams(c.query.map(([k, v]) => [k, String(v)])).toString();
    const body = encode(c.body);
    if (body !== undefined) headers['content-type'] = c.contentType;
    return {
      url: `${server.baseUrl}${path}${query ? `?${query}` : ''}`,
      init: {
        method: c.op.verb,
        headers,
        body: ['GET', 'HEAD'].includes(c.op.verb) ? undefined : (body as BodyInit | undefined),
      },
      label: `REST ${c.op.verb} ${c.op.path} (${c.op.rpc})`,
    };
  }
  headers['content-type'] = c.binary ? 'application/proto' : 'application/json';
  headers['connect-protocol-version'] = '1';
  const body = c.binary
    ? c.body.kind === 'bytes'
      ? c.body.bytes
      : new TextEncoder().encode(String(encode(c.body) ?? ''))
    : encode(c.body);
  return {
    url: `${server.baseUrl}${c.method.path}`,
    init: { method: 'POST', headers, body: (body ?? '') as BodyInit },
    label: `Connect ${c.method.path}`,
  };
}

const SERVER_FAULTS_REST = new Set([2, 13, 15]); // UNKNOWN, INTERNAL, DATA_LOSS
const SERVER_FAULTS_CONNECT = new Set(['unknown', 'internal', 'data_loss']);

/** What is wrong with the answer, if anything. */
function problemWith(c: Case, status: number, text: string): string | undefined {
  if (status < 400) return undefined;
  // Node's HTTP parser refuses oversized headers (a huge URL) before any of our code runs.
  if (status === 431 && text === '') return undefined;
  let body: { code?: unknown; message?: unknown };
  try {
    body = JSON.parse(text);
  } catch {
    return `error ${status} without a JSON body`;
  }
  if (typeof body?.message !== 'string') return `error ${status} without a message`;
  if (c.transport === 'rest') {
    if (typeof body.code !== 'number') return `REST error ${status} without a numeric code`;
    if (SERVER_FAULTS_REST.has(body.code)) return `server fault ${status} code ${body.code}`;
    if (status >= 500 && !(status === 501 && body.code === 12)) return `5xx ${status} code ${body.code}`;
  } else {
    if (typeof body.code !== 'string') return `Connect error ${status} without a code`;
    if (SERVER_FAULTS_CONNECT.has(body.code)) return `server fault ${status} ${body.code}`;
    if (status >= 500 && !(status === 501 && body.code === 'unimplemented')) return `5xx ${status} ${body.code}`;
  }
  return undefined;
}

const lastPosition = async (): Promise<string> =>
  (await server.database.dataSource.query('SELECT coalesce(max(position), 0)::text AS p FROM events'))[0].p;

function describeRequest(c: Case, label: string, init: RequestInit): string {
  const body =
    init.body === undefined
      ? ''
      : typeof init.body === 'string'
        ? init.body
        : `<${(init.body as Uint8Array).length} bytes>`;
  return `${label} auth=${c.auth} ${init.method} ${c.transport === 'rest' ? JSON.stringify(c.pathValues).slice(0, 200) : ''} body=${body.slice(0, 300)}`;
}

it(`answers ${MODE.fuzzCases} hostile requests with proper errors, never a 5xx or a hang, and writes nothing on error`, async () => {
  const failures: Failure[] = [];
  const seen = new Set<string>();
  const tally = { rest: 0, connect: 0, ok: 0, errors: 0 };
  const arbitrary = caseArbitrary();
  const BATCH = 100;
  process.stdout.write(
    `fuzz: ${MODE.fuzzCases} cases, seed ${MODE.fuzzSeed}, ${restOps.length} REST operations, ${connectMethods.length} Connect methods\n`,
  );
  for (let done = 0; done < MODE.fuzzCases; done += BATCH) {
    const cases = fc.sample(arbitrary, { numRuns: Math.min(BATCH, MODE.fuzzCases - done), seed: MODE.fuzzSeed + done });
    for (const c of cases) {
      tally[c.transport]++;
      const { url, init, label } = buildRequest(c);
      const before = await lastPosition();
      let status: number;
      let text: string;
      const started = Date.now();
      try {
        const res = await fetch(url, { ...init, signal: AbortSignal.timeout(20_000) });
        status = res.status;
        text = await res.text();
      } catch (err) {
        if (process.env.PORTCULLIS_FUZZ_TRACE)
          appendFileSync(
            process.env.PORTCULLIS_FUZZ_TRACE,
            `${Date.now() - started}ms TIMEOUT ${describeRequest(c, label, init).slice(0, 400)}\n`,
          );
        failures.push({
          what: `no answer: ${(err as Error).name} ${(err as Error).message}`,
          request: describeRequest(c, label, init),
          answer: '',
        });
        continue;
      }
      if (process.env.PORTCULLIS_FUZZ_TRACE)
        appendFileSync(
          process.env.PORTCULLIS_FUZZ_TRACE,
          `${Date.now() - started}ms ${status} ${describeRequest(c, label, init).slice(0, 400)}\n`,
        );
      if (status < 400) tally.ok++;
      else tally.errors++;
      let problem = problemWith(c, status, text);
      if (!problem && status >= 400) {
        const written: { event_type: string }[] = await server.database.dataSource.query(
          'SELECT event_type FROM events WHERE position > $1::bigint ORDER BY position',
          [before],
        );
        if (written.length) problem = `error ${status} but wrote ${written.map((e) => e.event_type).join(', ')}`;
      }
      if (problem) {
        const key = `${label} ${problem.replace(/\d+/g, 'N')}`;
        if (!seen.has(key)) {
          seen.add(key);
          failures.push({ what: problem, request: describeRequest(c, label, init), answer: text.slice(0, 300) });
        }
      }
    }
  }
  process.stdout.write(`fuzz: ${JSON.stringify(tally)}, ${failures.length} distinct failures\n`);
  // Still healthy after all that.
  expect((await fetch(`${server.baseUrl}/debug/ready`)).status).toBe(200);
  expect(failures).toEqual([]);
});

describe('a binary request message that does not decode', () => {
  // 0x0a (field 1, length-delimited) claiming 100 bytes that never come: "premature EOF".
  const garbage = Uint8Array.from([0x0a, 0x64, 0x01]);
  const envelope = (bytes: Uint8Array) => {
    const out = new Uint8Array(5 + bytes.length);
    new DataView(out.buffer).setUint32(1, bytes.length);
    out.set(bytes, 5);
    return out;
  };
  const path = '/zitadel.user.v2.UserService/GetUserByID';

  it('answers INVALID_ARGUMENT over Connect', async () => {
    const res = await fetch(server.baseUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/proto', authorization: `Bearer ${server.adminPat}` },
      body: garbage,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(/^parse binary/),
    });
  });

  it('answers INVALID_ARGUMENT over gRPC-Web', async () => {
    const res = await fetch(server.baseUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/grpc-web+proto', authorization: `Bearer ${server.adminPat}` },
      body: envelope(garbage),
    });
    const status =
      res.headers.get('grpc-status') ??
      /grpc-status:\s*(\d+)/.exec(Buffer.from(await res.arrayBuffer()).toString('latin1'))?.[1];
    expect(status).toBe('3');
  });

  it('answers INVALID_ARGUMENT over gRPC (h2c)', async () => {
    const { connect } = await import('node:http2');
    const session = connect(server.baseUrl);
    try {
      const status = await new Promise<string | undefined>((resolve, reject) => {
        const stream = session.request({
          ':method': 'POST',
          ':path': path,
          'content-type': 'application/grpc',
          te: 'trailers',
          authorization: `Bearer ${server.adminPat}`,
        });
        let found: string | undefined;
        stream.on('response', (h) => (found ??= h['grpc-status'] as string | undefined));
        stream.on('trailers', (t) => (found ??= t['grpc-status'] as string | undefined));
        stream.on('data', () => undefined);
        stream.on('end', () => resolve(found));
        stream.on('error', reject);
        stream.end(envelope(garbage));
      });
      expect(status).toBe('3');
    } finally {
      session.close();
    }
  });
});

describe('a NUL character in a string field (PostgreSQL stores none)', () => {
  it('answers INVALID_ARGUMENT before reaching the database, on REST and Connect', async () => {
    const res = await fetch(`${server.baseUrl}/v2/sessions/a%00b`, {
      headers: { authorization: `Bearer ${server.adminPat}` },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: 3,
      message: expect.stringMatching(/sessionId: must not contain NUL.*VALID-nu11c/),
    });
    const connect = await fetch(`${server.baseUrl}/zitadel.user.v2.UserService/AddHumanUser`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminPat}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'nul',
        profile: { givenName: 'a\u0000b', familyName: 'c' },
        email: { email: 'nul@example.com' },
      }),
    });
    expect(connect.status).toBe(400);
    expect(await connect.json()).toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(/profile\.givenName/),
    });
  });
});

describe('setting no metadata at all', () => {
  it('answers INVALID_ARGUMENT for an org and a user (it answered INTERNAL)', async () => {
    const headers = { authorization: `Bearer ${server.adminPat}`, 'content-type': 'application/json' };
    const org = await fetch(`${server.baseUrl}/v2beta/organizations/${ids[0]}/metadata`, {
      method: 'POST',
      headers,
      body: '{"metadata":[]}',
    });
    expect([org.status, ((await org.json()) as { message: string }).message]).toEqual([
      400,
      expect.stringMatching(/ORG-m3t4e/),
    ]);
    const user = await fetch(`${server.baseUrl}/v2/users/${ids[1]}/metadata`, {
      method: 'POST',
      headers,
      body: '{"metadata":[]}',
    });
    expect([user.status, ((await user.json()) as { message: string }).message]).toEqual([
      400,
      expect.stringMatching(/USER-m3t4e/),
    ]);
  });
});
