/**
 * Pure rules for OIDC applications: what ZITADEL's command layer refuses (malformed URIs, grant
 * types a response type needs, clock skew, origins), its OIDC 1.0 compliance report, and the
 * redirect URI rule its OIDC layer enforces at authorization. No I/O.
 */
import type { FieldViolation } from '../platform/errors/domain-error.js';

export type OidcResponseType = 'code' | 'id_token' | 'id_token_token';
export type OidcGrantType = 'authorization_code' | 'implicit' | 'refresh_token' | 'device_code' | 'token_exchange';
export type OidcAppType = 'web' | 'user_agent' | 'native';
export type OidcAuthMethod = 'basic' | 'post' | 'none' | 'private_key_jwt';
export type ApiAuthMethod = 'basic' | 'private_key_jwt';
export type AccessTokenType = 'bearer' | 'jwt';
/** Unset: the instance's default login; v1: the hosted login; v2: the new login, optionally at `loginBaseUri`. */
export type LoginVersion = 'v1' | 'v2' | null;

/** The full OIDC configuration of an app, as stored and as the OIDC layer reads it. */
export interface OidcSettings {
  readonly redirectUris: readonly string[];
  readonly responseTypes: readonly OidcResponseType[];
  readonly grantTypes: readonly OidcGrantType[];
  readonly appType: OidcAppType;
  readonly authMethod: OidcAuthMethod;
  readonly postLogoutRedirectUris: readonly string[];
  readonly devMode: boolean;
  readonly accessTokenType: AccessTokenType;
  readonly accessTokenRoleAssertion: boolean;
  readonly idTokenRoleAssertion: boolean;
  readonly idTokenUserinfoAssertion: boolean;
  /** Tolerated clock difference for tokens, 0 to 5000 ms (ZITADEL's limit). */
  readonly clockSkewMs: number;
  readonly additionalOrigins: readonly string[];
  readonly skipNativeAppSuccessPage: boolean;
  readonly backChannelLogoutUri: string;
  readonly loginVersion: LoginVersion;
  readonly loginBaseUri: string | null;
}

export const MAX_CLOCK_SKEW_MS = 5_000;

/** The options of an OIDC app left unset in a request: the protobuf defaults ZITADEL stores. */
export const OIDC_OPTION_DEFAULTS = {
  postLogoutRedirectUris: [],
  devMode: false,
  accessTokenType: 'bearer',
  accessTokenRoleAssertion: false,
  idTokenRoleAssertion: false,
  idTokenUserinfoAssertion: false,
  clockSkewMs: 0,
  additionalOrigins: [],
  skipNativeAppSuccessPage: false,
  backChannelLogoutUri: '',
  loginVersion: null,
  loginBaseUri: null,
} as const satisfies Partial<OidcSettings>;

/** Auth methods that prove the client with a secret (and so get one generated). */
export function usesClientSecret(method: OidcAuthMethod | ApiAuthMethod): boolean {
  return method === 'basic' || method === 'post';
}

/** ZITADEL's defaults for empty lists: the authorization code flow. */
export function withDefaults<
  T extends { responseTypes: readonly OidcResponseType[]; grantTypes: readonly OidcGrantType[] },
>(s: T): T {
  return {
    ...s,
    responseTypes: s.responseTypes.length ? unique(s.responseTypes) : ['code'],
    grantTypes: s.grantTypes.length ? unique(s.grantTypes) : ['authorization_code'],
  };
}

export function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

// ---- redirect URIs ------------------------------------------------------------------------

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
/** Schemes that run or embed content where they are opened: never a redirect target. */
const REFUSED_SCHEMES = new Set(['javascript', 'data', 'vbscript']);

/** localhost, 127.0.0.0/8 or [::1]: the loopback redirects of RFC 8252 §7.3 (as ZITADEL accepts them). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname) || hostname === '[::1]';
}

/**
 * Why a redirect (or post-logout redirect) URI is malformed, or undefined. Only form is refused
 * on save: an absolute URI without a fragment (RFC 6749 §3.1.2), no whitespace, no scheme that
 * runs content. Whether the app may use an http or custom-scheme URI is ZITADEL's compliance
 * report on save (oidcCompliance) and its rule at authorization (authorizeRedirectRefusal).
 */
export function redirectUriProblem(uri: string): string | undefined {
  if (!uri) return 'must not be empty';
  if (/[\s\u0000-\u001f\u007f]/.test(uri)) return 'must not contain whitespace or control characters';
  if (uri.includes('#')) return 'must not contain a fragment (RFC 6749 §3.1.2)';
  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase();
  if (!scheme || uri.length === scheme.length + 1) return 'must be an absolute URI with a scheme (RFC 6749 §3.1.2)';
  if (REFUSED_SCHEMES.has(scheme)) return `the scheme "${scheme}:" is never allowed`;
  if (scheme === 'https' || scheme === 'http') {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      return 'is not a valid URL';
    }
    if (!url.hostname) return 'must name a host';
  }
  return undefined;
}

/** What the authorization endpoint knows of an app to check a redirect URI (ZITADEL's op.Client). */
export interface AuthorizeClient {
  readonly redirectUris: readonly string[];
  readonly appType: OidcAppType;
  readonly devMode: boolean;
}

const ASK_ADMIN = 'If you have any questions, you may contact the administrator of the application.';

/** ZITADEL's descriptions of the `invalid_request` its authorization endpoint answers for a redirect URI. */
export const AUTHORIZE_REDIRECT_REFUSALS = {
  missing: `The redirect_uri is missing in the request. Please ensure it is added to the request. ${ASK_ADMIN}`,
  notRegistered: `The requested redirect_uri is missing in the client configuration. ${ASK_ADMIN}`,
  http: `This client's redirect_uri is http and is not allowed. ${ASK_ADMIN}`,
  customScheme: `This client's redirect_uri is using a custom schema and is not allowed. ${ASK_ADMIN}`,
} as const;

/** The URL of an http(s) URI on localhost or a loopback address, else undefined. */
function loopbackUrl(uri: string): URL | undefined {
  if (!uri.startsWith('http://') && !uri.startsWith('https://')) return undefined;
  try {
    const url = new URL(uri);
    return isLoopbackHost(url.hostname) ? url : undefined;
  } catch {
    return undefined;
  }
}

type GlobToken =
  | { readonly kind: 'char'; readonly c: string }
  | { readonly kind: 'one' | 'star' | 'globstar' }
  | { readonly kind: 'class'; readonly body: string; readonly negated: boolean };

/** At most this many patterns come out of `{a,b}` alternatives; the rest are not tried. */
const MAX_GLOB_ALTERNATIVES = 64;

/** A glob as token sequences without alternatives (each `{a,b}` multiplies them). */
function globSequences(pattern: string): GlobToken[][] {
  let sequences: GlobToken[][] = [[]];
  const add = (options: GlobToken[][]) => {
    sequences = sequences.flatMap((seq) => options.map((o) => [...seq, ...o])).slice(0, MAX_GLOB_ALTERNATIVES);
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    const close = c === '{' ? pattern.indexOf('}', i) : c === '[' ? pattern.indexOf(']', i + 2) : -1;
    if (c === '\\' && i + 1 < pattern.length) {
      add([[{ kind: 'char', c: pattern[++i] }]]);
    } else if (c === '*') {
      const globstar = pattern[i + 1] === '*';
      if (globstar) i++;
      add([[{ kind: globstar ? 'globstar' : 'star' }]]);
    } else if (c === '?') {
      add([[{ kind: 'one' }]]);
    } else if (c === '{' && close > i) {
      add(
        pattern
          .slice(i + 1, close)
          .split(',')
          .flatMap(globSequences),
      );
      i = close;
    } else if (c === '[' && close > i) {
      const body = pattern.slice(i + 1, close);
      const negated = body.startsWith('!') || body.startsWith('^');
      add([[{ kind: 'class', body: negated ? body.slice(1) : body, negated }]]);
      i = close;
    } else {
      add([[{ kind: 'char', c }]]);
    }
  }
  return sequences;
}

function inClass(body: string, c: string): boolean {
  for (let i = 0; i < body.length; i++) {
    if (body[i + 1] === '-' && i + 2 < body.length) {
      if (c >= body[i] && c <= body[i + 2]) return true;
      i += 2;
    } else if (body[i] === c) {
      return true;
    }
  }
  return false;
}

/** Whether the tokens match all of `uri`: the positions reachable after each token, in time linear in both. */
function sequenceMatches(tokens: readonly GlobToken[], uri: string): boolean {
  const n = uri.length;
  let current = new Uint8Array(n + 1);
  current[0] = 1;
  for (const token of tokens) {
    const next = new Uint8Array(n + 1);
    let reach = false;
    for (let p = 0; p <= n; p++) {
      const c = uri[p];
      switch (token.kind) {
        case 'globstar':
          reach ||= current[p] === 1;
          if (reach) next[p] = 1;
          break;
        case 'star':
          reach ||= current[p] === 1;
          if (reach) next[p] = 1;
          if (c === '/') reach = false;
          break;
        case 'one':
          if (current[p] && p < n && c !== '/') next[p + 1] = 1;
          break;
        case 'class':
          if (current[p] && p < n && c !== '/' && inClass(token.body, c) !== token.negated) next[p + 1] = 1;
          break;
        case 'char':
          if (current[p] && c === token.c) next[p + 1] = 1;
          break;
      }
    }
    current = next;
  }
  return current[n] === 1;
}

/**
 * Whether a URI matches a registered URI read as a glob, as zitadel/oidc matches a dev-mode
 * app's redirect URIs (doublestar): `*` and `?` within one path segment, `**` across segments,
 * `{a,b}` alternatives, `[...]` character classes, `\\` escapes. Matched without backtracking,
 * so no pattern makes a long URI expensive.
 */
export function globMatches(pattern: string, uri: string): boolean {
  return globSequences(pattern).some((tokens) => sequenceMatches(tokens, uri));
}

/** A URI is registered if listed, or, in dev mode, if it matches a listed one read as a glob (ZITADEL's client). */
export function isRegisteredUri(registered: readonly string[], devMode: boolean, uri: string): boolean {
  return registered.includes(uri) || (devMode && registered.some((pattern) => globMatches(pattern, uri)));
}

/**
 * Why the authorization endpoint refuses a redirect URI (ZITADEL's description of an
 * `invalid_request`), or undefined. zitadel/oidc's ValidateAuthReqRedirectURI: https when
 * registered; http only in dev mode or for web apps on the code flow; custom schemes only for
 * native apps; native apps also on any port of a registered loopback URI (RFC 8252 §7.3);
 * in dev mode, registered URIs are globs (ZITADEL's client).
 */
export function authorizeRedirectRefusal(
  client: AuthorizeClient,
  uri: string | undefined,
  responseType: string | undefined,
): string | undefined {
  const R = AUTHORIZE_REDIRECT_REFUSALS;
  if (!uri) return R.missing;
  const registered = isRegisteredUri(client.redirectUris, client.devMode, uri);
  if (client.appType === 'native') {
    const loopback = loopbackUrl(uri);
    if (registered) {
      if (client.devMode || uri.startsWith('https://') || loopback || !uri.startsWith('http://')) return undefined;
      return R.http;
    }
    if (!loopback) return R.notRegistered;
    const samePathOnLoopback = client.redirectUris.some((r) => {
      const other = loopbackUrl(r);
      return !!other && other.pathname === loopback.pathname && other.search === loopback.search;
    });
    return samePathOnLoopback ? undefined : R.notRegistered;
  }
  if (!registered) return R.notRegistered;
  if (uri.startsWith('https://')) return undefined;
  if (uri.startsWith('http://'))
    return client.devMode || (responseType === 'code' && client.appType === 'web') ? undefined : R.http;
  return R.customScheme;
}

/**
 * OpenID Connect Back-Channel Logout 1.0 §2.2: an absolute http(s) URL without a fragment; http
 * only for confidential clients (or in dev mode).
 */
export function backChannelLogoutUriProblem(
  uri: string,
  ctx: { devMode: boolean; confidential: boolean },
): string | undefined {
  if (!uri) return undefined;
  if (uri.includes('#')) return 'must not contain a fragment';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an absolute http(s) URL';
  if (url.protocol === 'http:' && !ctx.devMode && !ctx.confidential) {
    return 'must use https: http is allowed only for confidential clients or in dev mode';
  }
  return undefined;
}

/** An origin is `scheme://host[:port]` and nothing more (as ZITADEL's IsOrigin). */
export function originProblem(origin: string): string | undefined {
  const trimmed = origin.trim();
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#\s]+$/.test(trimmed)) {
    return 'must be an origin: scheme://host[:port], without path, query or fragment';
  }
  try {
    new URL(trimmed);
  } catch {
    return 'is not a valid origin';
  }
  return undefined;
}

/** The origins CORS lets through: those of the http(s) redirect URIs, then the additional ones. */
export function allowedOrigins(redirectUris: readonly string[], additionalOrigins: readonly string[]): string[] {
  const origins: string[] = [];
  for (const uri of redirectUris) {
    try {
      const url = new URL(uri);
      if (url.protocol === 'http:' || url.protocol === 'https:') origins.push(url.origin);
    } catch {
      /* not a URL: no origin */
    }
  }
  return unique([...origins, ...additionalOrigins.map((o) => o.trim())]);
}

/** The grant types the response types need: code needs authorization_code (unless device_code is on), id_token* need implicit. */
export function missingGrantTypes(
  responseTypes: readonly OidcResponseType[],
  grantTypes: readonly OidcGrantType[],
): OidcGrantType[] {
  const missing = new Set<OidcGrantType>();
  for (const r of responseTypes) {
    // ZITADEL (#5684): with the device code grant, the code response type no longer needs authorization_code.
    if (r === 'code' && !grantTypes.includes('authorization_code') && !grantTypes.includes('device_code'))
      missing.add('authorization_code');
    if ((r === 'id_token' || r === 'id_token_token') && !grantTypes.includes('implicit')) missing.add('implicit');
  }
  return [...missing];
}

/** Every problem of a complete OIDC configuration, with field paths under `prefix`. */
export function oidcViolations(s: OidcSettings, prefix: string): FieldViolation[] {
  const out: FieldViolation[] = [];
  const at = (field: string, description: string) => out.push({ field: `${prefix}.${field}`, description });
  const confidential = s.authMethod !== 'none';
  s.redirectUris.forEach((uri, i) => {
    const problem = redirectUriProblem(uri);
    if (problem) at(`redirect_uris[${i}]`, problem);
  });
  s.postLogoutRedirectUris.forEach((uri, i) => {
    const problem = redirectUriProblem(uri);
    if (problem) at(`post_logout_redirect_uris[${i}]`, problem);
  });
  const missing = missingGrantTypes(s.responseTypes, s.grantTypes);
  if (missing.length) at('grant_types', `the response types need the grant types ${missing.join(', ')}`);
  if (!Number.isInteger(s.clockSkewMs) || s.clockSkewMs < 0 || s.clockSkewMs > MAX_CLOCK_SKEW_MS) {
    at('clock_skew', 'must be between 0s and 5s');
  }
  s.additionalOrigins.forEach((o, i) => {
    const problem = originProblem(o);
    if (problem) at(`additional_origins[${i}]`, problem);
  });
  const bcl = backChannelLogoutUriProblem(s.backChannelLogoutUri, { devMode: s.devMode, confidential });
  if (bcl) at('back_channel_logout_uri', bcl);
  const base = loginBaseUriProblem(s.loginBaseUri);
  if (base) at('login_version.login_v2.base_uri', base);
  return out;
}

export function loginBaseUriProblem(uri: string | null): string | undefined {
  if (!uri) return undefined;
  try {
    const url = new URL(uri);
    if (url.protocol === 'https:' || url.protocol === 'http:') return undefined;
  } catch {
    /* fall through */
  }
  return 'must be an absolute http(s) URL';
}

// ---- compliance (ZITADEL's domain.GetOIDCV1Compliance) ------------------------------------

export interface ComplianceProblem {
  /** ZITADEL's i18n key, e.g. `Application.OIDC.V1.NoRedirectUris`. */
  readonly key: string;
  readonly message: string;
}

const PROBLEMS = {
  notCompliant: [
    'Application.OIDC.V1.NotCompliant',
    'The configuration is not compliant and differs from the OIDC 1.0 standard.',
  ],
  noRedirectUris: ['Application.OIDC.V1.NoRedirectUris', 'At least one redirect URI must be registered.'],
  refreshNoAuthCode: [
    'Application.OIDC.V1.GrantType.Refresh.NoAuthCode',
    'The refresh token grant is only allowed together with the authorization code grant.',
  ],
  codeHttpOnlyForWeb: [
    'Application.OIDC.V1.Code.RedirectUris.HttpOnlyForWeb',
    'With the code grant, http redirect URIs are only allowed for web apps.',
  ],
  codeCustomOnlyForNative: [
    'Application.OIDC.V1.Code.RedirectUris.CustomOnlyForNative',
    'With the code grant, custom-scheme redirect URIs are only allowed for native apps (e.g. appname://).',
  ],
  implicitCustomNotAllowed: [
    'Application.OIDC.V1.Implicit.RedirectUris.CustomNotAllowed',
    'The implicit grant is not allowed with custom-scheme redirect URIs.',
  ],
  implicitHttpNotAllowed: [
    'Application.OIDC.V1.Implicit.RedirectUris.HttpNotAllowed',
    'The implicit grant is not allowed with http redirect URIs.',
  ],
  nativeMustBeHttpLocalhost: [
    'Application.OIDC.V1.Native.RedirectUris.MustBeHttpLocalhost',
    'Redirect URIs must use your own scheme, http://127.0.0.1, http://[::1] or http://localhost.',
  ],
  nativeAuthNotNone: [
    'Application.OIDC.V1.Native.AuthMethodType.NotNone',
    'Native apps should use the auth method none.',
  ],
  userAgentAuthNotNone: [
    'Application.OIDC.V1.UserAgent.AuthMethodType.NotNone',
    'User agent apps should use the auth method none.',
  ],
} as const satisfies Record<string, readonly [string, string]>;

type ProblemName = keyof typeof PROBLEMS;

const isHttps = (u: string) => u.startsWith('https://');
const isHttp = (u: string) => u.startsWith('http://');
const isCustom = (u: string) => !isHttp(u) && !isHttps(u);

function onlyLoopbackHttp(uris: readonly string[]): boolean {
  return uris.every((u) => {
    if (!isHttp(u)) return true;
    try {
      return isLoopbackHost(new URL(u).hostname);
    } catch {
      return false;
    }
  });
}

/**
 * ZITADEL's OIDC 1.0 compliance report (domain.GetOIDCV1Compliance): problems are reported with
 * the app, not refused; the authorization endpoint applies its own rule to each request
 * (authorizeRedirectRefusal).
 */
export function oidcCompliance(s: Pick<OidcSettings, 'redirectUris' | 'grantTypes' | 'appType' | 'authMethod'>): {
  noneCompliant: boolean;
  problems: ComplianceProblem[];
} {
  const found: ProblemName[] = [];
  const grants = new Set(s.grantTypes);
  const uris = s.redirectUris;
  if (!grants.has('device_code') && grants.has('refresh_token') && !grants.has('authorization_code'))
    found.push('refreshNoAuthCode');
  if (uris.length === 0 && (!grants.has('device_code') || grants.has('authorization_code')))
    found.push('noRedirectUris');

  const allHttps = uris.every(isHttps);
  const anyHttp = uris.some(isHttp);
  const anyCustom = uris.some(isCustom);
  const implicit = grants.has('implicit');
  const code = grants.has('authorization_code');
  if (!allHttps && implicit && code) {
    if (anyCustom && s.appType !== 'native') found.push('implicitCustomNotAllowed');
    if (s.appType !== 'native' && anyHttp) found.push('implicitHttpNotAllowed');
    if (s.appType === 'native' && !onlyLoopbackHttp(uris)) found.push('nativeMustBeHttpLocalhost');
  } else if (!allHttps) {
    if (implicit) {
      if (anyCustom) found.push('implicitCustomNotAllowed');
      if (anyHttp) {
        if (s.appType !== 'native') found.push('implicitHttpNotAllowed');
        else if (!onlyLoopbackHttp(uris)) found.push('nativeMustBeHttpLocalhost');
      }
    }
    if (code) {
      if (anyHttp && s.appType === 'user_agent') found.push('codeHttpOnlyForWeb');
      if (anyHttp && s.appType === 'native' && !onlyLoopbackHttp(uris)) found.push('nativeMustBeHttpLocalhost');
      if (anyCustom && s.appType !== 'native') found.push('codeCustomOnlyForNative');
    }
  }
  if (s.appType === 'native' && s.authMethod !== 'none') found.push('nativeAuthNotNone');
  if (s.appType === 'user_agent' && s.authMethod !== 'none') found.push('userAgentAuthNotNone');

  if (found.length === 0) return { noneCompliant: false, problems: [] };
  return {
    noneCompliant: true,
    problems: (['notCompliant', ...found] as ProblemName[]).map((name) => ({
      key: PROBLEMS[name][0],
      message: PROBLEMS[name][1],
    })),
  };
}
