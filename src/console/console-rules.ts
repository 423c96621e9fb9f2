/**
 * Pure rules of the console's OIDC client: where it lives on an instance's origins and how it
 * is configured (ZITADEL's setup: a user agent app with PKCE and no secret, in dev mode when the
 * external URL is plain http, whose redirect URIs are the console's callback on each domain).
 */
import { OIDC_OPTION_DEFAULTS, type OidcSettings } from '../apps/oidc-rules.js';

export const CONSOLE_BASE = '/ui/console';
export const CONSOLE_CALLBACK = `${CONSOLE_BASE}/auth/callback`;
export const CONSOLE_SIGNED_OUT = `${CONSOLE_BASE}/signedout`;
/** The instance's branding as CSS (short-lived: it changes with the label policy). */
export const CONSOLE_THEME = `${CONSOLE_BASE}/theme.css`;
export const CONSOLE_PROJECT_NAME = 'Portcullis';
export const CONSOLE_APP_NAME = 'Console';

/**
 * The console's origins on an instance: each of its domains with the external URL's scheme and
 * port (the port clients reach the server on, which a proxy may map), sorted and deduplicated.
 */
export function consoleOrigins(externalUrl: string, domains: readonly string[]): string[] {
  const external = new URL(externalUrl);
  const port = external.port ? `:${external.port}` : '';
  const origins = domains.filter((d) => d.length > 0).map((d) => `${external.protocol}//${d}${port}`);
  return [...new Set(origins)].sort();
}

/** The OIDC settings of the console client for these origins. */
export function consoleOidcSettings(externalUrl: string, origins: readonly string[]): OidcSettings {
  return {
    ...OIDC_OPTION_DEFAULTS,
    redirectUris: origins.map((o) => o + CONSOLE_CALLBACK),
    postLogoutRedirectUris: origins.map((o) => o + CONSOLE_SIGNED_OUT),
    responseTypes: ['code'],
    grantTypes: ['authorization_code', 'refresh_token'],
    appType: 'user_agent',
    authMethod: 'none',
    // An http external URL can only be served to browsers with http redirect URIs.
    devMode: new URL(externalUrl).protocol === 'http:',
  };
}

/** Whether two URI lists hold the same URIs, in any order. */
export function sameUris(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
