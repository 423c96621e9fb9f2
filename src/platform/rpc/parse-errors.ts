import { Code } from '@connectrpc/connect';
import type { UniversalHandler, UniversalServerRequest, UniversalServerResponse } from '@connectrpc/connect/protocol';

const PARSE_BINARY = 'parse binary';
const TRAILER_FLAG = 0b1000_0000;

async function collect(body: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

function isParseFailure(status: string | null, message: string | null): boolean {
  if (status !== String(Code.Internal) || !message) return false;
  try {
    return decodeURIComponent(message).startsWith(PARSE_BINARY);
  } catch {
    return false;
  }
}

/** A gRPC-Web trailer frame (flag 0x80, then `name: value` lines) with INTERNAL parse failures turned into INVALID_ARGUMENT. */
function fixTrailerFrame(chunk: Uint8Array): Uint8Array {
  if (chunk.length < 5 || !(chunk[0] & TRAILER_FLAG)) return chunk;
  const text = Buffer.from(chunk.subarray(5)).toString('latin1');
  const status = /^grpc-status:\s*(\d+)\s*$/im.exec(text)?.[1] ?? null;
  const message = /^grpc-message:\s*(.*?)\s*$/im.exec(text)?.[1] ?? null;
  if (!isParseFailure(status, message)) return chunk;
  const fixed = Buffer.from(text.replace(/^grpc-status:\s*\d+/im, `grpc-status: ${Code.InvalidArgument}`), 'latin1');
  const header = Buffer.alloc(5);
  header[0] = chunk[0];
  header.writeUInt32BE(fixed.length, 1);
  return Buffer.concat([header, fixed]);
}

async function* fixGrpcTrailers(
  body: AsyncIterable<Uint8Array>,
  trailer: Headers | undefined,
): AsyncIterable<Uint8Array> {
  for await (const chunk of body) yield fixTrailerFrame(chunk);
  if (trailer && isParseFailure(trailer.get('grpc-status'), trailer.get('grpc-message'))) {
    trailer.set('grpc-status', String(Code.InvalidArgument));
  }
}

async function fixConnectError(res: UniversalServerResponse): Promise<UniversalServerResponse> {
  const bytes = await collect(res.body!);
  let error: { code?: string; message?: string } | undefined;
  try {
    error = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    /* not a Connect error body */
  }
  if (error?.code !== 'internal' || !error.message?.startsWith(PARSE_BINARY)) return { ...res, body: once(bytes) };
  const fixed = Buffer.from(JSON.stringify({ ...error, code: 'invalid_argument' }));
  res.header?.set('content-length', String(fixed.length));
  return { ...res, status: 400, body: once(fixed) };
}

/**
 * connect-es answers INTERNAL when a binary request message does not decode (as grpc-go does);
 * that is the client's fault, so Portcullis answers INVALID_ARGUMENT, as connect-go (which
 * serves ZITADEL's v2 API) does. Found by the fuzzer (test/reliability/fuzz.test.ts): garbage
 * `application/proto` bodies answered 500.
 */
export function withParseFailuresAsInvalidArgument(handler: UniversalHandler): UniversalHandler {
  const wrapped = async (req: UniversalServerRequest): Promise<UniversalServerResponse> => {
    const res = await handler(req);
    if (!res.body) return res;
    const contentType = res.header?.get('content-type') ?? '';
    if (res.status === 500 && contentType.startsWith('application/json')) return fixConnectError(res);
    if (contentType.startsWith('application/grpc')) return { ...res, body: fixGrpcTrailers(res.body, res.trailer) };
    return res;
  };
  return Object.assign(wrapped, {
    protocolNames: handler.protocolNames,
    allowedMethods: handler.allowedMethods,
    supportedContentType: handler.supportedContentType,
    requestPath: handler.requestPath,
    service: handler.service,
    method: handler.method,
  });
}
