import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { fromBinary, toBinary, type DescMethodUnary } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { contentTypeProto, setTrailerStatus } from '@connectrpc/connect/protocol-grpc';
import { MAX_BODY_BYTES } from '../http/http-routes.js';
import { CallCancellation } from './call-cancellation.js';
import { toWhatwgHeaders } from './request-headers.js';
import type { RpcRegistry } from './registry.js';
import type { UnaryInvoker } from './unary-invoker.js';

/** One gRPC length-prefixed message: a flags byte, a 4-byte big-endian length, the message. */
const PREFIX = 5;
const FLAG_COMPRESSED = 0b0000_0001;
/** Request content types of the binary gRPC protocol (gRPC over HTTP/2, "Requests"). */
const BINARY_GRPC = new Set(['application/grpc', 'application/grpc+proto']);

function webToNodeHeaders(headers: Headers, into: OutgoingHttpHeaders = {}): OutgoingHttpHeaders {
  for (const [name, value] of headers) into[name] = value;
  return into;
}

/** The request message's bytes, or the error connect's gRPC handler answers for the same body. */
function unwrapMessage(body: Buffer): Uint8Array | ConnectError {
  if (body.length === 0)
    return new ConnectError('protocol error: missing input message for unary method', Code.Unimplemented);
  if (body.length < PREFIX) return new ConnectError('protocol error: incomplete envelope', Code.InvalidArgument);
  const length = body.readUInt32BE(1);
  if (length > MAX_BODY_BYTES) {
    return new ConnectError(
      `message size ${length} is larger than configured readMaxBytes ${MAX_BODY_BYTES}`,
      Code.ResourceExhausted,
    );
  }
  if (body.length < PREFIX + length)
    return new ConnectError('protocol error: incomplete envelope', Code.InvalidArgument);
  if (body.length > PREFIX + length) {
    return new ConnectError('protocol error: received extra input message for unary method', Code.Unimplemented);
  }
  if (body[0] & FLAG_COMPRESSED) {
    return new ConnectError('received compressed envelope, but do not know how to decompress', Code.Internal);
  }
  return body.subarray(PREFIX);
}

/**
 * Implemented unary methods called with binary gRPC over HTTP/2, answered without connect's
 * handler. Connect runs every call, unary or not, through its streaming machinery (async
 * iterables per envelope step, linked abort signals, a DOMException per finished call): profiled
 * under load, a gRPC GetUserByID cost the server 2-3× the CPU of the same call over REST, which
 * goes through UnaryInvoker. This answers through the same UnaryInvoker, hence the same
 * interceptors, with the same headers, trailers and error shapes as connect's gRPC handler
 * (grpc-status-details-bin via connect's own setTrailerStatus).
 *
 * Only the plain case is taken: no compression, no deadline (grpc-timeout), the binary codec.
 * Everything else (streams, gRPC-Web, Connect, JSON, compressed or time-limited calls, methods
 * not implemented) stays with connect.
 */
export class GrpcUnaryFastPath {
  private readonly methods = new Map<string, DescMethodUnary>();

  constructor(
    registry: RpcRegistry,
    private readonly invoker: UnaryInvoker,
  ) {
    for (const binding of registry.all()) {
      for (const method of binding.service.methods) {
        if (method.methodKind === 'unary' && registry.isImplemented(method)) {
          this.methods.set(`/${binding.service.typeName}/${method.name}`, method as DescMethodUnary);
        }
      }
    }
  }

  /**
   * Takes the stream and answers it when it is the plain case; false leaves it to connect. Works on
   * the raw stream: the compatibility request and response objects Node would make for every
   * stream cost about a tenth of a call's CPU, and a plain call needs neither.
   */
  take(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): boolean {
    // Browsers cannot speak gRPC over HTTP/2; anything with an Origin goes through CORS and connect.
    if (headers[':method'] !== 'POST' || headers.origin !== undefined) return false;
    const contentType = headers['content-type']?.toLowerCase();
    if (!contentType || !BINARY_GRPC.has(contentType)) return false;
    const encoding = headers['grpc-encoding'];
    if ((encoding !== undefined && encoding !== 'identity') || headers['grpc-timeout'] !== undefined) return false;
    const path = headers[':path'];
    const method = path === undefined ? undefined : this.methods.get(path);
    if (!method) return false;
    void this.answer(method, path!, stream, headers);
    return true;
  }

  private async answer(
    method: DescMethodUnary,
    path: string,
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
  ): Promise<void> {
    // A stream that closes before the answer is sent was cancelled by the client.
    const cancellation = new CallCancellation();
    const onClose = () => cancellation.cancel();
    stream.once('close', onClose);
    const responseHeaders: OutgoingHttpHeaders = { ':status': 200, 'content-type': contentTypeProto };
    const trailer = new Headers();
    let body: Uint8Array | undefined;
    try {
      const bytes = await readBody(stream);
      const unwrapped = bytes instanceof ConnectError ? bytes : unwrapMessage(bytes);
      if (unwrapped instanceof ConnectError) throw unwrapped;
      let message: ReturnType<typeof fromBinary>;
      try {
        message = fromBinary(method.input, unwrapped);
      } catch (err) {
        // As connect-go (ZITADEL) answers, not connect-es's INTERNAL: see parse-errors.ts.
        throw new ConnectError(`parse binary: ${(err as Error).message}`, Code.InvalidArgument);
      }
      const callHeaders = toWhatwgHeaders(headers);
      const reply = await this.invoker.invoke(method, message, {
        // The host is the :authority the call was sent to (gRPC clients always send it).
        url: `http://${callHeaders.get('host') ?? 'localhost'}${path}`,
        httpMethod: 'POST',
        headers: callHeaders,
        cancellation,
        protocolName: 'grpc',
        transportLabel: 'rpc',
        peer: stream.session?.socket?.remoteAddress ?? 'unknown',
      });
      webToNodeHeaders(reply.header, responseHeaders);
      setTrailerStatus(trailer, undefined);
      for (const [name, value] of reply.trailer) trailer.append(name, value);
      const payload = toBinary(method.output, reply.message);
      body = Buffer.allocUnsafe(PREFIX + payload.length);
      body[0] = 0;
      (body as Buffer).writeUInt32BE(payload.length, 1);
      body.set(payload, PREFIX);
    } catch (err) {
      setTrailerStatus(
        trailer,
        err instanceof ConnectError
          ? err
          : new ConnectError('internal error', Code.Internal, undefined, undefined, err),
      );
    }
    stream.off('close', onClose);
    send(stream, responseHeaders, body, webToNodeHeaders(trailer));
  }
}

/** The whole request body, or RESOURCE_EXHAUSTED as soon as it is longer than one message may be. */
function readBody(req: ServerHttp2Stream): Promise<Buffer | ConnectError> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES + PREFIX) {
        req.removeAllListeners('data');
        req.resume();
        resolve(
          new ConnectError(
            `message size is larger than configured readMaxBytes ${MAX_BODY_BYTES}`,
            Code.ResourceExhausted,
          ),
        );
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

/** HEADERS, the message (if any), then the trailers, as connect's gRPC handler sends them. */
function send(
  stream: ServerHttp2Stream,
  headers: OutgoingHttpHeaders,
  body: Uint8Array | undefined,
  trailers: OutgoingHttpHeaders,
): void {
  if (stream.destroyed || stream.closed) return;
  try {
    stream.respond(headers, { waitForTrailers: true });
    stream.once('wantTrailers', () => {
      if (!stream.destroyed) stream.sendTrailers(trailers);
    });
    if (body) stream.end(body);
    else stream.end();
  } catch {
    // The session went away between the check and the answer (a GOAWAY, a reset): nobody is
    // left to answer, and a throw here would be an unhandled rejection of the detached call.
    stream.destroy();
  }
}
