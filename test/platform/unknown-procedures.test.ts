import * as grpc from '@grpc/grpc-js';
import type { DescMethod, DescService } from '@bufbuild/protobuf';
import { Code } from '@connectrpc/connect';
import { AuthService } from '@zitadel/proto/zitadel/auth_pb.js';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { SystemService } from '@zitadel/proto/zitadel/system_pb.js';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { TRANSPORTS, client, codeOf, rest } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await bootTestServer();
});
afterAll(() => server?.close());

/** A copy of a real service under a name the server does not know, so real clients can call it. */
function unknownService(typeName: string): DescService {
  const fake = { ...AuthService, typeName } as DescService & {
    methods: DescMethod[];
    method: Record<string, DescMethod>;
  };
  fake.methods = AuthService.methods.map((m) => ({ ...m, parent: fake }) as DescMethod);
  fake.method = Object.fromEntries(fake.methods.map((m) => [m.localName, m]));
  return fake;
}

describe('services and methods the server does not serve', () => {
  it.each(TRANSPORTS)('an unknown service answers UNIMPLEMENTED over %s, as gRPC servers do', async (name) => {
    const nope = client(unknownService('nope.v1.NopeService'), name, server.baseUrl, server.adminPat) as any;
    expect(await codeOf(nope.getMyUser({}))).toBe(Code.Unimplemented);
  });

  it('an unknown service over Connect JSON answers 404 with a Connect error body, not a REST or HTML 404', async () => {
    const res = await fetch(`${server.baseUrl}/nope.v1.NopeService/Do`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'connect-protocol-version': '1' },
      body: '{}',
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({
      code: 'unimplemented',
      message: expect.stringContaining('/nope.v1.NopeService/Do'),
    });
  });

  it('an unknown service over plain gRPC (grpc-js) ends with status 12 in a trailers-only answer', async () => {
    const raw = new grpc.Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
    try {
      const err = await new Promise<grpc.ServiceError | null>((resolve) =>
        raw.makeUnaryRequest(
          '/nope.v1.NopeService/Do',
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.alloc(0),
          (e) => resolve(e),
        ),
      );
      expect(err?.code).toBe(grpc.status.UNIMPLEMENTED);
      expect(err?.details).toContain('unknown procedure /nope.v1.NopeService/Do');
    } finally {
      raw.close();
    }
  });

  it('paths that are not procedure paths still get the REST answer', async () => {
    const { status, body } = await rest(server.baseUrl, 'POST', '/v2/nothing-here', { body: {} });
    expect(status).toBe(404);
    expect(body.code).toBe(5);
  });

  it.each(TRANSPORTS)(
    'v1 admin and system methods not built yet answer UNIMPLEMENTED over %s (they are known services)',
    async (name) => {
      expect(await codeOf(client(AdminService, name, server.baseUrl, server.adminPat).listViews({}))).toBe(
        Code.Unimplemented,
      );
      expect(await codeOf(client(SystemService, name, server.baseUrl, server.adminPat).listViews({}))).toBe(
        Code.Unimplemented,
      );
    },
  );

  it('v1 admin and system REST paths answer 501 under their prefixes', async () => {
    expect(
      (await rest(server.baseUrl, 'POST', '/admin/v1/views/_search', { token: server.adminPat, body: {} })).status,
    ).toBe(501);
    expect(
      (await rest(server.baseUrl, 'POST', '/system/v1/views/_search', { token: server.adminPat, body: {} })).status,
    ).toBe(501);
  });

  // ZITADEL's gateway binds CreateDebugEvents to `POST /`; the console's redirect at `/` takes only reads.
  it('POST / is the debug events service’s REST binding (501 as JSON), while GET / still redirects to the console', async () => {
    const { status, body } = await rest(server.baseUrl, 'POST', '/', { token: server.adminPat, body: [] });
    expect(status).toBe(501);
    expect(body.code).toBe(12);
    expect(body.message).toContain('CreateDebugEvents');
    const root = await fetch(`${server.baseUrl}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/ui/console/');
  });

  it.each(TRANSPORTS)('an unbuilt method of a built service answers UNIMPLEMENTED over %s', async (name) => {
    expect(await codeOf(client(ManagementService, name, server.baseUrl, server.adminPat).listFlowTypes({}))).toBe(
      Code.Unimplemented,
    );
  });

  // Handlers of methods nobody implements are built on their service's first call (rpc-handlers.ts):
  // they must still answer through the pipeline, as a known method, on the first call and after.
  it('an unbuilt method answers from the pipeline (request id, method named), not as an unknown procedure', async () => {
    for (const attempt of [1, 2]) {
      const res = await fetch(`${server.baseUrl}/zitadel.system.v1.SystemService/ListViews`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'connect-protocol-version': '1',
          authorization: `Bearer ${server.adminPat}`,
          'x-request-id': `lazy-${attempt}`,
        },
        body: '{}',
      });
      // 501 from the handler's error mapping; the unknown-procedure answer is a 404.
      expect(res.status).toBe(501);
      expect(res.headers.get('x-request-id')).toBe(`lazy-${attempt}`);
      const body = (await res.json()) as { code: string; message: string };
      expect(body.code).toBe('unimplemented');
      expect(body.message).toContain('zitadel.system.v1.SystemService.ListViews is not implemented');
    }
  });
});
