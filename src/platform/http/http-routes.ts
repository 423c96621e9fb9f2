import type { ServerResponse } from 'node:http';
import type { ConnectNodeAdapterOptions } from '@connectrpc/connect-node';
import { Injectable } from '@nestjs/common';

type NodeHandler = NonNullable<ConnectNodeAdapterOptions['fallback']>;
/** The request and response types connect-node hands out: HTTP/1.1 or HTTP/2 compat objects. */
export type HttpRequest = Parameters<NodeHandler>[0];
export type HttpResponse = Parameters<NodeHandler>[1];
export type HttpHandler = (req: HttpRequest, res: HttpResponse) => void | Promise<void>;

/**
 * Plain HTTP surfaces that share the port with the RPC transports (debug endpoints, OpenAPI,
 * later OIDC, SAML and the login pages). Modules mount a path prefix; the longest prefix wins;
 * anything unmatched goes to the REST transcoder.
 */
@Injectable()
export class HttpRoutes {
  private readonly mounts: {
    prefix: string;
    handler: HttpHandler;
    exact: boolean;
    methods?: readonly string[];
  }[] = [];

  /**
   * With `exact`, only the path itself (e.g. `/`, which as a prefix would take every request).
   * With `methods`, only those methods: the others fall through to the REST transcoder, which
   * may bind the same path (ZITADEL's debug events service takes `POST /`).
   */
  mount(prefix: string, handler: HttpHandler, options: { exact?: boolean; methods?: readonly string[] } = {}): void {
    if (this.mounts.some((m) => m.prefix === prefix)) throw new Error(`HTTP prefix ${prefix} is mounted twice`);
    this.mounts.push({ prefix, handler, exact: options.exact ?? false, methods: options.methods });
    this.mounts.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  find(path: string, method = 'GET'): HttpHandler | undefined {
    return this.mounts.find(
      (m) =>
        (path === m.prefix || (!m.exact && path.startsWith(m.prefix.endsWith('/') ? m.prefix : m.prefix + '/'))) &&
        (!m.methods || m.methods.includes(method)),
    )?.handler;
  }
}

export function sendJson(res: HttpResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  (res as ServerResponse).writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload).toString(),
    ...headers,
  });
  res.end(payload);
}

export function sendText(
  res: HttpResponse,
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  (res as ServerResponse).writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body).toString(),
  });
  res.end(body);
}

/** Largest request body any transport reads (REST, Connect, gRPC). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export async function readBody(req: HttpRequest, limitBytes = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
