import type { ConsoleAssets } from './console-assets.js';
import { CONSOLE_BASE, CONSOLE_THEME } from './console-rules.js';

/** What the console's script needs to sign in: read from the page, so no inline script is needed. */
export interface ConsoleSite {
  readonly issuer: string;
  readonly clientId: string;
}

const escapeAttr = (v: string) =>
  v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The one HTML page of the console; every screen is drawn by its script. */
export function shellHtml(assets: ConsoleAssets, site: ConsoleSite): string {
  const preload = assets.preload.map((u) => `<link rel="modulepreload" href="${escapeAttr(u)}">`).join('');
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>Portcullis Console</title>',
    `<link rel="icon" href="${escapeAttr(assets.icon)}" type="image/svg+xml">`,
    `<meta name="portcullis-console" data-issuer="${escapeAttr(site.issuer)}" data-client-id="${escapeAttr(site.clientId)}" data-base="${CONSOLE_BASE}">`,
    `<link rel="stylesheet" href="${CONSOLE_THEME}">`,
    `<link rel="stylesheet" href="${escapeAttr(assets.stylesheet)}">`,
    `<script type="importmap">${assets.importMap}</script>`,
    preload,
    `<script type="module" src="${escapeAttr(assets.entry)}"></script>`,
    '</head><body><div id="app"><p class="boot" role="status">Portcullis Console …</p></div></body></html>',
  ].join('');
}

/**
 * The page's headers: a strict CSP (scripts from the server only, plus the import map by its
 * hash; no inline style; fonts from the server or the branding's font origin; API calls to this
 * origin only; never framed), no caching (the page names the current versions of the files), no
 * referrer (the sign-in's code is in the URL).
 */
export function shellHeaders(assets: ConsoleAssets, brandOrigins: readonly string[]): Record<string, string> {
  const brand = brandOrigins.length ? ` ${brandOrigins.join(' ')}` : '';
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'sha256-${assets.importMapHash}'`,
    "style-src 'self'",
    `img-src 'self' data:${brand}`,
    `font-src 'self'${brand}`,
    "connect-src 'self'",
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': csp,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
}
