import type { ServerResponse } from 'node:http';
import type { HttpResponse } from '../../platform/http/http-routes.js';
import type { PageRequest } from './page-request.js';

// Writing the answers: pages, redirects, the static assets and the plain-text refusals.

export function writePage(
  r: PageRequest,
  status: number,
  html: string,
  headers: Record<string, string | string[]>,
): void {
  (r.res as ServerResponse).writeHead(status, { ...headers, 'content-length': Buffer.byteLength(html).toString() });
  if (r.method === 'HEAD') r.res.end();
  else r.res.end(html);
}

/** 303: the browser GETs the next page (or the app) after a form. Only login paths or CreateCallback URLs get here. */
export function writeRedirect(
  r: PageRequest,
  location: string,
  headers: Record<string, string | string[]>,
  cookies: readonly string[] = [],
): void {
  const without = { ...headers };
  delete without['content-type'];
  if (cookies.length) without['set-cookie'] = [...[without['set-cookie'] ?? []].flat(), ...cookies];
  (r.res as ServerResponse).writeHead(303, { ...without, location });
  r.res.end();
}

export function writeAsset(res: HttpResponse, contentType: string, body: string, cache = 'max-age=3600'): void {
  (res as ServerResponse).writeHead(200, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body).toString(),
    'cache-control': cache,
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

export function writePlain(
  res: HttpResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  (res as ServerResponse).writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}
