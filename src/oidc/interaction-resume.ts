import { createHmac } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

/** A Koa request handler, as `provider.callback()` returns it. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** What the provider answered a request made in this process. */
export interface InProcessAnswer {
  readonly status: number;
  readonly location?: string;
  /** The cookies the provider set (its browser session), as Set-Cookie header values. */
  readonly setCookies: readonly string[];
  readonly contentType?: string;
  readonly contentSecurityPolicy?: string;
  readonly body: string;
}

/**
 * The signature Koa's signed cookies carry in `<name>.sig` (keygrip: HMAC-SHA1 of `name=value`,
 * base64url without padding), so the server can present a cookie it signed itself.
 */
export function cookieSignature(key: string, name: string, value: string): string {
  return createHmac('sha1', key).update(`${name}=${value}`).digest('base64url');
}

/** The Cookie header for signed cookies. */
export function signedCookieHeader(key: string, cookies: Record<string, string>): string {
  return Object.entries(cookies)
    .flatMap(([name, value]) => [`${name}=${value}`, `${name}.sig=${cookieSignature(key, name, value)}`])
    .join('; ');
}

function headerText(value: number | string | readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/**
 * Runs a GET through `handler` without a network round trip and returns its answer: the
 * provider's own code path (its checks and its storage) for a request the server makes on the
 * browser's behalf. The scheme and host of `url` reach the handler as a proxy would pass them
 * (the provider trusts X-Forwarded-Proto).
 */
export async function getInProcess(handler: RequestHandler, url: URL, cookie: string): Promise<InProcessAnswer> {
  const socket = new Socket();
  try {
    const req = new IncomingMessage(socket);
    req.method = 'GET';
    req.url = url.pathname + url.search;
    req.headers = { host: url.host, 'x-forwarded-proto': url.protocol.replace(/:$/, ''), cookie };
    req.push(null);
    const res = new ServerResponse(req);
    const chunks: Buffer[] = [];
    const collect = (chunk: unknown) => {
      if (chunk !== undefined && chunk !== null && typeof chunk !== 'function')
        chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    };
    res.write = ((chunk: unknown) => {
      collect(chunk);
      return true;
    }) as ServerResponse['write'];
    res.end = ((chunk?: unknown) => {
      collect(chunk);
      return res;
    }) as ServerResponse['end'];
    await handler(req, res);
    const setCookie = res.getHeader('set-cookie');
    return {
      status: res.statusCode,
      location: headerText(res.getHeader('location')),
      setCookies: setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [String(setCookie)],
      contentType: headerText(res.getHeader('content-type')),
      contentSecurityPolicy: headerText(res.getHeader('content-security-policy')),
      body: Buffer.concat(chunks).toString('utf8'),
    };
  } finally {
    socket.destroy();
  }
}

/**
 * Adds `error_uri` (RFC 6749 §4.1.2.1) beside the `error` of an error redirect, in the query or
 * the fragment, wherever the provider put the error: it has no place for the URI a login gives.
 * A location without an error is returned unchanged.
 */
export function withErrorUri(location: string, errorUri: string | undefined): string {
  if (!errorUri) return location;
  const url = new URL(location);
  const fragment = new URLSearchParams(url.hash.slice(1));
  if (url.searchParams.has('error')) url.searchParams.set('error_uri', errorUri);
  else if (fragment.has('error')) {
    fragment.set('error_uri', errorUri);
    url.hash = fragment.toString();
  }
  return url.toString();
}
