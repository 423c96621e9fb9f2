import { connect, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import { create, toBinary } from '@bufbuild/protobuf';
import { GetUserByIDRequestSchema } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { jest } from '@jest/globals';
import { MAX_BODY_BYTES } from '../../src/platform/http/http-routes.js';
import { UnaryInvoker } from '../../src/platform/rpc/unary-invoker.js';
import { rest } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';

// Plain unary gRPC calls are answered by grpc-unary.ts, not connect's handler; a call with a
// deadline (grpc-timeout) still goes to connect. Sending the same bytes both ways must give the
// same answer: status, headers, message and trailers (request ids and dates aside).

let server: TestServer;
let h2: ClientHttp2Session;
let userId: string;
beforeAll(async () => {
  server = await bootTestServer();
  h2 = connect(server.baseUrl);
  const { body } = await rest(server.baseUrl, 'POST', '/v2/users', { token: server.adminPat, body: {} });
  userId = body.result[0].userId;
});
afterAll(async () => {
  h2?.close();
  await server?.close();
});

interface Answer {
  headers: IncomingHttpHeaders;
  trailers: IncomingHttpHeaders;
  body: string;
}

function envelope(message: Uint8Array, flags = 0): Buffer {
  const out = Buffer.alloc(5 + message.length);
  out[0] = flags;
  out.writeUInt32BE(message.length, 1);
  out.set(message, 5);
  return out;
}

const VARYING = new Set(['date', 'x-request-id']);
function stable(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !VARYING.has(k)));
}

function call(body: Buffer, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = h2.request({
      ':method': 'POST',
      ':path': '/zitadel.user.v2.UserService/GetUserByID',
      'content-type': 'application/grpc',
      te: 'trailers',
      ...headers,
    });
    const chunks: Buffer[] = [];
    let answer: Omit<Answer, 'body'> = { headers: {}, trailers: {} };
    req.on('response', (h) => (answer = { ...answer, headers: stable(h) }));
    req.on('trailers', (t) => (answer = { ...answer, trailers: stable(t) }));
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve({ ...answer, body: Buffer.concat(chunks).toString('base64') }));
    req.on('error', reject);
    req.end(body);
  });
}

/** The same call answered by the fast path and, with a deadline, by connect's gRPC handler. */
async function bothWays(body: Buffer, headers: Record<string, string> = {}): Promise<[Answer, Answer]> {
  return [await call(body, headers), await call(body, { ...headers, 'grpc-timeout': '30S' })];
}

const request = (id: string) => toBinary(GetUserByIDRequestSchema, create(GetUserByIDRequestSchema, { userId: id }));

describe('plain unary gRPC calls answer exactly as connect does', () => {
  it('a found user: headers, message, grpc-status 0', async () => {
    const invoke = jest.spyOn(UnaryInvoker.prototype, 'invoke');
    const auth = { authorization: `Bearer ${server.adminPat}` };
    const fast = await call(envelope(request(userId)), auth);
    expect(invoke).toHaveBeenCalledTimes(1); // the fast path answered
    const connect = await call(envelope(request(userId)), { ...auth, 'grpc-timeout': '30S' });
    expect(invoke).toHaveBeenCalledTimes(1); // connect's handler answered
    invoke.mockRestore();
    expect(fast.trailers['grpc-status']).toBe('0');
    expect(fast.body.length).toBeGreaterThan(10);
    expect(fast).toEqual(connect);
  });

  it.each([
    ['a domain error (NOT_FOUND with ZITADEL error details)', envelope(request('1')), true],
    ['no credentials (UNAUTHENTICATED)', envelope(request(userId)), false],
    ['a message that does not decode (INVALID_ARGUMENT, as connect-go)', envelope(Buffer.from([0xff, 0xff])), true],
    ['no message at all', Buffer.alloc(0), true],
    ['a cut-off envelope', envelope(request(userId)).subarray(0, 8), true],
    ['two messages for a unary method', Buffer.concat([envelope(request('1')), envelope(request('1'))]), true],
    ['a compressed message without grpc-encoding', envelope(request(userId), 1), true],
  ])('%s', async (_, body, authenticated) => {
    const [fast, connect] = await bothWays(
      body as Buffer,
      authenticated ? { authorization: `Bearer ${server.adminPat}` } : {},
    );
    expect(fast.trailers['grpc-status']).not.toBe('0');
    expect(fast).toEqual(connect);
  });

  it('a message over the size limit: RESOURCE_EXHAUSTED', async () => {
    const big = envelope(Buffer.alloc(MAX_BODY_BYTES + 1));
    const [fast, connect] = await bothWays(big, { authorization: `Bearer ${server.adminPat}` });
    expect(fast.trailers['grpc-status']).toBe('8');
    expect(fast.trailers['grpc-status']).toBe(connect.trailers['grpc-status']);
  });
});
