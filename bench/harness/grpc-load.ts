import { connect, constants, type ClientHttp2Session } from 'node:http2';
import { connect as tcpConnect } from 'node:net';
import { loopLoad } from './load.js';
import type { LoadOptions, LoadResult } from './types.js';

/** A gRPC length-prefixed message (gRPC over HTTP/2: compressed flag, 4-byte big-endian length, bytes). */
export function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

/** An h2c session with Nagle off as the server has it: small frames go out at once instead of waiting for an ACK. */
async function h2cSession(baseUrl: string): Promise<ClientHttp2Session> {
  const { hostname, port } = new URL(baseUrl);
  const session = connect(baseUrl, {
    createConnection: () => tcpConnect({ host: hostname, port: Number(port), noDelay: true }),
  });
  await new Promise<void>((resolve, reject) => session.once('connect', () => resolve()).once('error', reject));
  return session;
}

/** One unary call: resolves when its trailers (or a trailers-only answer) say `grpc-status: 0`. */
function unaryCall(session: ClientHttp2Session, requestHeaders: Record<string, string>, frame: Buffer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stream = session.request(requestHeaders);
    let status: string | undefined;
    stream.on('response', (h) => (status = h['grpc-status'] as string | undefined));
    stream.on('trailers', (t) => (status = t['grpc-status'] as string | undefined));
    stream.on('data', () => undefined);
    stream.on('end', () => (status === '0' ? resolve() : reject(new Error(`grpc-status ${status}`))));
    stream.on('error', reject);
    stream.end(frame);
  });
}

const unaryHeaders = (path: string, headers: Record<string, string>): Record<string, string> => ({
  [constants.HTTP2_HEADER_METHOD]: 'POST',
  [constants.HTTP2_HEADER_PATH]: path,
  'content-type': 'application/grpc',
  te: 'trailers',
  ...headers,
});

/** One call, for load generators that see HTTP statuses only: throws unless it answers `grpc-status: 0`. */
export async function grpcCheck(
  baseUrl: string,
  path: string,
  headers: Record<string, string>,
  frame: Buffer,
): Promise<void> {
  const session = await h2cSession(baseUrl);
  try {
    await unaryCall(session, unaryHeaders(path, headers), frame);
  } finally {
    session.close();
  }
}

/**
 * Unary gRPC calls on one h2c connection, with request messages encoded before the run: the load
 * generator does what any gRPC client must (a stream per call, headers, the frame, reading the
 * answer and its status) and nothing more, so the measure is the server's, as autocannon is for
 * HTTP/1.1. A call counts when its trailers say `grpc-status: 0`.
 */
export async function grpcUnaryLoad(
  baseUrl: string,
  path: string,
  headers: Record<string, string>,
  frames: readonly Buffer[],
  options: LoadOptions,
): Promise<LoadResult> {
  const session = await h2cSession(baseUrl);
  const requestHeaders = unaryHeaders(path, headers);
  try {
    return await loopLoad((_w, n) => unaryCall(session, requestHeaders, frames[n % frames.length]), options);
  } finally {
    session.close();
  }
}
