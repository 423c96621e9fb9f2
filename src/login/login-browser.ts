import { createHmac, timingSafeEqual } from 'node:crypto';
import { randomToken } from '../platform/crypto/master-key.js';

/** The cookie that remembers this browser's sessions (HttpOnly: scripts never see the tokens). */
export const BROWSER_COOKIE = 'portcullis_login';
/** At most this many sessions per browser; the oldest falls off. */
export const MAX_SESSIONS = 8;

export interface BrowserSession {
  readonly id: string;
  readonly token: string;
}

/**
 * What one browser holds: a random id (the CSRF token is bound to it) and its sessions, each with
 * its current token. The server verifies every token it reads, so the cookie needs no signature;
 * a forged one only names sessions the forger already holds tokens for.
 */
export interface BrowserState {
  readonly browserId: string;
  readonly sessions: readonly BrowserSession[];
  /**
   * A succeeded upstream sign-in no account is linked to yet, while the person registers or signs
   * in to the account to link (its token proves it as a session token does; the server checks it).
   */
  readonly idpIntent?: PendingIntent;
  /**
   * The intent this browser started at an upstream: only its success URL is taken here, so a link
   * carrying someone else's intent cannot sign this browser in to their account (login CSRF).
   */
  readonly idpStarted?: string;
}

export interface PendingIntent {
  readonly id: string;
  readonly token: string;
  /** The session of the account the person chose to link to: the link is added once it signs in. */
  readonly linkSession?: string;
}

export function newBrowserState(): BrowserState {
  return { browserId: randomToken(16), sessions: [] };
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) cookies.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return cookies;
}

export function decodeBrowserState(value: string | undefined): BrowserState | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as {
      b?: unknown;
      s?: unknown;
      i?: unknown;
      p?: unknown;
    };
    if (typeof parsed.b !== 'string' || parsed.b.length < 16 || !Array.isArray(parsed.s)) return undefined;
    const sessions = parsed.s
      .filter((s): s is [string, string] => Array.isArray(s) && typeof s[0] === 'string' && typeof s[1] === 'string')
      .slice(0, MAX_SESSIONS)
      .map(([id, token]) => ({ id, token }));
    const i = parsed.i;
    const idpIntent =
      Array.isArray(i) && typeof i[0] === 'string' && typeof i[1] === 'string'
        ? { id: i[0], token: i[1], ...(typeof i[2] === 'string' ? { linkSession: i[2] } : {}) }
        : undefined;
    const idpStarted = typeof parsed.p === 'string' ? parsed.p : undefined;
    return {
      browserId: parsed.b,
      sessions,
      ...(idpIntent ? { idpIntent } : {}),
      ...(idpStarted ? { idpStarted } : {}),
    };
  } catch {
    return undefined;
  }
}

export function encodeBrowserState(state: BrowserState): string {
  return Buffer.from(
    JSON.stringify({
      b: state.browserId,
      s: state.sessions.map((s) => [s.id, s.token]),
      ...(state.idpIntent
        ? {
            i: [
              state.idpIntent.id,
              state.idpIntent.token,
              ...(state.idpIntent.linkSession ? [state.idpIntent.linkSession] : []),
            ],
          }
        : {}),
      ...(state.idpStarted ? { p: state.idpStarted } : {}),
    }),
    'utf8',
  ).toString('base64url');
}

/** The state with `session` first (its token replaced if it was there), capped at MAX_SESSIONS. */
export function withSession(state: BrowserState, session: BrowserSession): BrowserState {
  return { ...state, sessions: [session, ...state.sessions.filter((s) => s.id !== session.id)].slice(0, MAX_SESSIONS) };
}

export function withoutSessions(state: BrowserState, ids: readonly string[]): BrowserState {
  return { ...state, sessions: state.sessions.filter((s) => !ids.includes(s.id)) };
}

export interface CookieOptions {
  readonly path: string;
  readonly secure: boolean;
  /** Seconds; 0 deletes. */
  readonly maxAge: number;
}

/** RFC 6265bis: HttpOnly, SameSite=Lax (top-level navigations from the app still carry it). */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  return [
    `${name}=${value}`,
    `Path=${options.path}`,
    `Max-Age=${options.maxAge}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

/**
 * CSRF tokens bound to the browser cookie (OWASP "signed double-submit cookie"): an HMAC of the
 * browser id under a key derived from the master key. A cross-site form cannot read the cookie,
 * so it cannot compute the token; a token of another browser does not match this one's id.
 */
export class CsrfTokens {
  constructor(private readonly key: string) {}

  tokenFor(browserId: string): string {
    return createHmac('sha256', this.key).update(`login-csrf:${browserId}`).digest('base64url');
  }

  matches(browserId: string, given: string | undefined): boolean {
    if (!given) return false;
    const want = Buffer.from(this.tokenFor(browserId));
    const got = Buffer.from(given);
    return want.length === got.length && timingSafeEqual(want, got);
  }
}
