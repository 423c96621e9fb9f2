import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import type { HttpRequest, HttpResponse } from '../http/http-routes.js';

/** The RPC protocols a call to a procedure path can speak, told apart by its headers. */
export type RpcProtocol = 'grpc' | 'grpc-web' | 'connect';

/** `/package.Service/Method`: a procedure path (REST paths never have a dotted first segment). */
const PROCEDURE_PATH = /^\/(?:[A-Za-z_][A-Za-z0-9_]*\.)+[A-Za-z_][A-Za-z0-9_]*\/[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Which RPC protocol a request that reached no registered procedure speaks, if any: gRPC and
 * gRPC-Web by their content types; Connect by its content types, its protocol header, or its GET
 * form (`?connect=v1`), always on a procedure path.
 */
export function rpcProtocolOf(
  method: string,
  path: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  query: URLSearchParams,
): RpcProtocol | undefined {
  if (!PROCEDURE_PATH.test(path)) return undefined;
  const contentType = String(headers['content-type'] ?? '').toLowerCase();
  if (method === 'POST') {
    if (contentType.startsWith('application/grpc-web')) return 'grpc-web';
    if (contentType.startsWith('application/grpc')) return 'grpc';
    if (contentType.startsWith('application/connect+') || headers['connect-protocol-version'] !== undefined)
      return 'connect';
    if (contentType.startsWith('application/json') || contentType.startsWith('application/proto')) return 'connect';
    return undefined;
  }
  return method === 'GET' && query.get('connect') === 'v1' ? 'connect' : undefined;
}

/** gRPC's percent-encoding of `grpc-message`: only '%' and bytes outside printable ASCII. */
export function grpcMessage(message: string): string {
  return [...Buffer.from(message, 'utf8')]
    .map((b) =>
      b < 0x20 || b > 0x7e || b === 0x25 ? '%' + b.toString(16).toUpperCase().padStart(2, '0') : String.fromCharCode(b),
    )
    .join('');
}

/**
 * Answers a call to a service or method the server does not know with UNIMPLEMENTED in the
 * caller's protocol, as gRPC servers do for unknown services: gRPC and gRPC-Web as a
 * trailers-only response (status in the headers), Connect as its error body with HTTP 404 (the
 * Connect protocol's status for `unimplemented`).
 */
export function answerUnknownProcedure(req: HttpRequest, res: HttpResponse, protocol: RpcProtocol, path: string): void {
  const message = `unknown procedure ${path}: the server has no such service or method`;
  if (protocol === 'connect') {
    const body = JSON.stringify({ code: 'unimplemented', message });
    (res as ServerResponse).writeHead(404, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
    return;
  }
  const headers = {
    'content-type': protocol === 'grpc' ? 'application/grpc' : 'application/grpc-web+proto',
    'grpc-status': '12',
    'grpc-message': grpcMessage(message),
  };
  const stream = (res as Http2ServerResponse).stream;
  // gRPC's trailers-only form is one HEADERS frame that ends the stream (gRPC over HTTP/2 spec).
  if (req.httpVersionMajor === 2 && stream) stream.respond({ ':status': 200, ...headers }, { endStream: true });
  else {
    (res as ServerResponse).writeHead(200, headers);
    res.end();
  }
}
