// Pure rules of the sign-in intents: their lifetime, the URLs they come back to, and what the
// callback redirects to. No I/O.
import * as errors from './intents.errors.js';

/**
 * How long an intent's result may be used after the upstream sign-in succeeded: ZITADEL's
 * `SystemDefaults.MaxIdPIntentLifetime` (1h), counted from the success.
 */
export const INTENT_LIFETIME_MS = 60 * 60_000;

/**
 * How long a started intent waits for the browser to come back from the upstream. ZITADEL keeps a
 * started intent for ever; here it gets the same hour, so the sweeper can remove abandoned ones.
 */
export const STARTED_LIFETIME_MS = 60 * 60_000;

/** The query names ZITADEL's `/idps/callback` redirects with (internal/api/idp/idp.go). */
export const CALLBACK_PARAMS = {
  intentId: 'id',
  token: 'token',
  userId: 'user',
  error: 'error',
  errorDescription: 'error_description',
} as const;

/** A success or failure URL: required, absolute, http or https, without credentials. */
export function checkRedirectUrl(field: string, value: string | undefined): string {
  let url: URL;
  try {
    url = new URL(value ?? '');
  } catch {
    throw errors.invalidUrl(field);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
    throw errors.invalidUrl(field);
  }
  return url.href;
}

/** Where the browser goes after a successful upstream sign-in: the success URL with id, token and (linked) user. */
export function successRedirect(successUrl: string, intentId: string, token: string, userId?: string): string {
  const url = new URL(successUrl);
  url.searchParams.set(CALLBACK_PARAMS.intentId, intentId);
  url.searchParams.set(CALLBACK_PARAMS.token, token);
  if (userId) url.searchParams.set(CALLBACK_PARAMS.userId, userId);
  return url.href;
}

/** Where the browser goes after a failed one: the failure URL with the intent id, error and description. */
export function failureRedirect(failureUrl: string, intentId: string, error: string, description = ''): string {
  const url = new URL(failureUrl);
  url.searchParams.set(CALLBACK_PARAMS.intentId, intentId);
  url.searchParams.set(CALLBACK_PARAMS.error, error);
  url.searchParams.set(CALLBACK_PARAMS.errorDescription, description);
  return url.href;
}

/** ZITADEL's failure reason: `error: description`, or the error alone. */
export function failureReason(error: string, description?: string): string {
  return description ? `${error}: ${description}` : error;
}

export function isExpired(expiresAt: Date, now: Date): boolean {
  return now.getTime() >= expiresAt.getTime();
}

/**
 * The value an upstream hands back (OAuth `state`, SAML `RelayState`, the JWT flow's
 * `authRequestID`): the intent's id and a random secret the intent keeps sealed. Intent ids are
 * ordered, so an id alone would let anyone who guesses one finish or fail someone else's sign-in
 * at the callback; with the secret only the upstream the browser was sent to can.
 */
export function upstreamState(intentId: string, secret: string): string {
  return `${intentId}.${secret}`;
}

/** The intent id and secret of a returned state (a bare id has an empty secret, which matches none). */
export function parseUpstreamState(state: string): { intentId: string; secret: string } {
  const dot = state.lastIndexOf('.');
  return dot < 0 ? { intentId: state, secret: '' } : { intentId: state.slice(0, dot), secret: state.slice(dot + 1) };
}
