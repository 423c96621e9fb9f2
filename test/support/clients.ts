import type { DescService } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient, type Client, type Interceptor, type Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-node';
import { NewAuthorizationBearerInterceptor } from '@zitadel/client';
import { createServerTransport } from '@zitadel/client/node';

/** Every way a ZITADEL client reaches the server, as @zitadel/client and connect build them. */
export const TRANSPORTS = ['grpc', 'connect-h1', 'connect-h2', 'connect-binary-h1', 'grpc-web-h1'] as const;
export type TransportName = (typeof TRANSPORTS)[number];

export function transport(name: TransportName, baseUrl: string, token?: string): Transport {
  const interceptors = token ? [NewAuthorizationBearerInterceptor(token)] : [];
  switch (name) {
    case 'grpc':
      // @zitadel/client's own server transport: gRPC over h2c with prior knowledge.
      return token
        ? createServerTransport(token, { baseUrl })
        : createServerTransport('', { baseUrl, interceptors: [] });
    case 'connect-h1':
      return createConnectTransport({ baseUrl, httpVersion: '1.1', interceptors });
    case 'connect-h2':
      return createConnectTransport({ baseUrl, httpVersion: '2', interceptors });
    case 'connect-binary-h1':
      return createConnectTransport({ baseUrl, httpVersion: '1.1', useBinaryFormat: true, interceptors });
    case 'grpc-web-h1':
      return createGrpcWebTransport({ baseUrl, httpVersion: '1.1', interceptors });
  }
}

/** Sets request headers, as a proxy in front of the caller would (e.g. Login V2's x-zitadel-instance-host). */
export const withHeaders =
  (headers: Record<string, string>): Interceptor =>
  (next) =>
  (req) => {
    for (const [k, v] of Object.entries(headers)) req.header.set(k, v);
    return next(req);
  };

export function client<S extends DescService>(
  service: S,
  name: TransportName,
  baseUrl: string,
  token?: string,
): Client<S> {
  return createClient(service, transport(name, baseUrl, token));
}

/** Plain REST call with a JSON body; returns status and parsed body. */
export async function rest(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; host?: string } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.host) headers.host = options.host;
  const res = await fetch(baseUrl + path, {
    method,
    headers,
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body };
}

/** The gRPC code a call ends with, or 'ok': for tables of allowed/denied calls. */
export async function codeOf(call: Promise<unknown>): Promise<Code | 'ok'> {
  try {
    await call;
    return 'ok';
  } catch (err) {
    return ConnectError.from(err).code;
  }
}
