/**
 * ZITADEL's token exchange rules (`internal/api/oidc/token_exchange.go`), pure so they are unit
 * tested: which tokens a client may exchange, and which scopes and audiences the new token gets.
 */
import { audienceNotHeld, scopeNotHeld } from './token-exchange.errors.js';
import { isAuthorizationScope } from './zitadel-scopes.js';

/** What a verified subject or actor token vouches for. */
export interface ExchangeToken {
  readonly userId: string;
  /** The scopes it was granted; none for tokens that carry no grant (a user id, a JWT). */
  readonly scopes: readonly string[];
  /** Who it was issued for; none where we did not sign the audience (a user id, a JWT). */
  readonly audience: readonly string[];
  /** The DPoP key an access token is bound to (`cnf.jkt`), if any. */
  readonly jkt?: string;
}

/**
 * RFC 9449 §7 carried over to token exchange: a DPoP-bound subject or actor token is usable only
 * by the holder of its key, so the exchange must prove that key (and the new token is bound to
 * it); otherwise an exchange would launder a bound token into a bearer one. The name of the first
 * token the proof does not cover, or undefined.
 */
export function unprovenBinding(
  tokens: readonly { readonly param: string; readonly token?: ExchangeToken }[],
  proofJkt: string | undefined,
): string | undefined {
  return tokens.find(({ token }) => token?.jkt !== undefined && token.jkt !== proofJkt)?.param;
}

/**
 * OpenID Connect Core §5.4: the scopes that ask for claims about the user itself. An ID token
 * subject vouches for these and `openid` only: it carries no grant of roles, audiences, refresh
 * or API access, so nothing of that kind can be asked for with it.
 */
export const ID_TOKEN_SCOPES: readonly string[] = ['openid', 'profile', 'email', 'phone', 'address'];

/** Space-separated values of a form parameter (`scope`, `audience`), empty ones dropped. */
export function listOf(value: string | undefined): string[] {
  return [...new Set((value ?? '').split(' ').filter(Boolean))];
}

/**
 * ZITADEL's rule for access tokens (as for introspection): a token may be exchanged by a client
 * it was meant for, its audience naming the client or the client's project.
 */
export function meantForClient(audience: readonly string[], clientId: string, projectId: string | undefined): boolean {
  return audience.some((aud) => aud === clientId || (!!projectId && aud === projectId));
}

/**
 * The scopes of the new token (ZITADEL's `validateTokenExchangeScopes`): none asked for means the
 * subject's (else the actor's); every scope asked for must be held by the subject or actor token.
 * For impersonation of a subject that carries no scopes (a user id, a JWT), only authorization
 * scopes (refresh, audiences incl. the API, roles, org and IdP selection) must come from the
 * actor token: claims about the impersonated user (`openid`, `profile`, …) may be asked for.
 */
export function exchangeScopes(
  requested: readonly string[],
  subject: ExchangeToken,
  actor: ExchangeToken | undefined,
): string[] {
  const held = new Set([...subject.scopes, ...(actor?.scopes ?? [])]);
  const impersonatingScopeless = !!actor && subject.scopes.length === 0;
  const scopes = requested.length ? requested : subject.scopes.length ? subject.scopes : (actor?.scopes ?? []);
  for (const scope of scopes) {
    if (held.has(scope)) continue;
    if (impersonatingScopeless && !isAuthorizationScope(scope)) continue;
    throw scopeNotHeld(scope);
  }
  return [...scopes];
}

/**
 * The audience of the new token (ZITADEL's `validateTokenExchangeAudience`): none asked for means
 * the subject's (else the actor's); every audience asked for must be held by the subject or actor
 * token (RFC 8693 §2.2.2: invalid_target otherwise).
 */
export function exchangeAudience(
  requested: readonly string[],
  subject: ExchangeToken,
  actor: ExchangeToken | undefined,
): string[] {
  if (!requested.length) return [...(subject.audience.length ? subject.audience : (actor?.audience ?? []))];
  const held = new Set([...subject.audience, ...(actor?.audience ?? [])]);
  const missing = requested.find((aud) => !held.has(aud));
  if (missing !== undefined) throw audienceNotHeld(missing);
  return [...requested];
}
