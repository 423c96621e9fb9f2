import type { ServerResponse } from 'node:http';
import { cors as connectCors } from '@connectrpc/connect';
import type { HttpRequest, HttpResponse } from './http-routes.js';

const ALLOWED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const ALLOWED_HEADERS = [...connectCors.allowedHeaders, 'Authorization', 'X-Request-Id', 'X-Zitadel-Orgid'];
const EXPOSED_HEADERS = [...connectCors.exposedHeaders, 'X-Request-Id'];

/**
 * Browsers call the API from other origins (web apps with REST, gRPC-Web or Connect). Bearer
 * tokens travel in a header, not a cookie, so any origin may call; no credentials are allowed.
 * Returns true when it answered a preflight itself.
 */
export function applyCors(req: HttpRequest, res: HttpResponse): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  const out = res as ServerResponse;
  out.setHeader('Access-Control-Allow-Origin', origin);
  out.setHeader('Vary', 'Origin');
  out.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS.join(', '));
  if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return false;
  out.writeHead(204, {
    'Access-Control-Allow-Methods': ALLOWED_METHODS.join(', '),
    'Access-Control-Allow-Headers': ALLOWED_HEADERS.join(', '),
    'Access-Control-Max-Age': '7200',
  });
  out.end();
  return true;
}
