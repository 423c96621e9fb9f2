import type { LabelSettings, SecuritySettings } from '../../settings/policies.queries.js';
import { BROWSER_COOKIE, encodeBrowserState, serializeCookie } from '../login-browser.js';
import { LOGIN_BASE } from '../login-flow.js';
import { assetOrigins } from '../../settings/branding.js';
import type { PageRequest } from './page-request.js';

/** How long the browser keeps the cookie that lists its sessions. */
const COOKIE_MAX_AGE = 90 * 24 * 60 * 60;

/** An origin as frame-ancestors may list it (scheme://host[:port], no path or spaces). */
function cspSource(origin: string): string | undefined {
  const v = origin.trim();
  return /^https?:\/\/[a-zA-Z0-9.*-]+(:\d+)?$/.test(v) || /^[a-zA-Z0-9.*-]+(:\d+)?$/.test(v) ? v : undefined;
}

/**
 * Headers of every page: a strict CSP (no inline script or style; frame-ancestors only the
 * security settings' allowed origins when embedding is enabled), no caching, no referrer (auth
 * request ids are in URLs), and the browser cookie when it changed.
 */
export function pageHeaders(
  r: PageRequest,
  security: SecuritySettings,
  label: LabelSettings,
  secureCookies: boolean,
): Record<string, string | string[]> {
  const extra = assetOrigins(label).join(' ');
  const ancestors = security.embeddedIframeEnabled
    ? security.allowedOrigins.map(cspSource).filter((o): o is string => !!o)
    : [];
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data:${extra ? ` ${extra}` : ''}`,
    `font-src 'self'${extra ? ` ${extra}` : ''}`,
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    `frame-ancestors ${ancestors.length ? ancestors.join(' ') : "'none'"}`,
  ].join('; ');
  const headers: Record<string, string | string[]> = {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': csp,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
  };
  if (!ancestors.length) headers['x-frame-options'] = 'DENY';
  if (r.stateChanged) {
    headers['set-cookie'] = serializeCookie(BROWSER_COOKIE, encodeBrowserState(r.state), {
      path: LOGIN_BASE,
      secure: secureCookies,
      maxAge: COOKIE_MAX_AGE,
    });
  }
  return headers;
}
