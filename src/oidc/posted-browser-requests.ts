import { UnsecuredJWT } from 'jose';
import type Provider from 'oidc-provider';
import type { MasterKey } from '../platform/crypto/master-key.js';

/** How long a form-posted authorization request waits for the browser's GET: oidc-provider's longest for a pushed one. */
const KEPT_SECONDS = 60;
/** RFC 9126 §2.2: the scheme of a pushed request's reference. */
const PUSHED_REQUEST_URN = 'urn:ietf:params:oauth:request_uri:';
/** Parameters whose value is JSON, carried as JSON inside a request object (OIDC Core §5.5, RFC 9396 §2). */
const JSON_PARAMS = ['claims', 'authorization_details'] as const;

/**
 * The query a form-posted authorization request goes on with by GET: its client id and a one-time
 * `request_uri` for the same parameters, which the server keeps as a pushed authorization request
 * (RFC 9126) that only the provider reads back. What the client posted (state, a login hint, an
 * id_token_hint, the code challenge) then never lands in a URL, a browser's history or an access
 * log, which is why a client posts it (ZITADEL reads the form and stores the request likewise).
 * The request is kept as not authenticated (no client authentication came with it), as a public
 * client's push is. Undefined where the provider is to see the request as posted: no client id, a
 * repeated parameter, a request object by value or by reference already, or JSON that does not
 * parse; the GET then gets the provider's own answer.
 */
export async function keptForBrowser(
  provider: Provider,
  params: URLSearchParams,
): Promise<URLSearchParams | undefined> {
  const clientId = params.get('client_id');
  if (!clientId || params.has('request') || params.has('request_uri')) return undefined;
  const payload = new Map<string, unknown>();
  for (const [name, value] of params) {
    if (payload.has(name)) return undefined;
    payload.set(name, value);
  }
  for (const name of JSON_PARAMS) {
    const value = payload.get(name);
    if (typeof value !== 'string') continue;
    try {
      payload.set(name, JSON.parse(value));
    } catch {
      return undefined;
    }
  }
  const now = Math.floor(Date.now() / 1000);
  const request = new UnsecuredJWT(Object.fromEntries(payload))
    .setIssuer(clientId)
    .setAudience(provider.issuer)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + KEPT_SECONDS)
    .encode();
  const kept = new provider.PushedAuthorizationRequest({
    request,
    dpopJkt: params.get('dpop_jkt') ?? undefined,
    trusted: false,
  } as never);
  const id = await kept.save(KEPT_SECONDS);
  return new URLSearchParams({ client_id: clientId, request_uri: `${PUSHED_REQUEST_URN}${id}` });
}

/** The query parameter a form-posted logout request goes on with by GET: its form, sealed. */
export const SEALED_LOGOUT_PARAM = 'posted_logout';
/** How long a sealed logout form is honoured: the browser follows the 303 at once. */
const LOGOUT_SECONDS = 60;
const LOGOUT_PURPOSE = 'oidc-posted-logout';

/**
 * A form-posted logout request (RP-Initiated Logout 1.0 §2) as the query of its GET: the form
 * sealed with the master key for the instance it was posted to, so its id_token_hint (which names
 * the user) is no more readable in the URL, the browser's history or a log than it was in the
 * post. Logout has no pushed form to keep it in; a replay within the minute ends a session that
 * is already ended.
 */
export function sealedLogout(
  masterKey: MasterKey,
  instanceId: string,
  form: URLSearchParams,
  now = Date.now(),
): URLSearchParams {
  const sealed = masterKey.encrypt(
    JSON.stringify({ purpose: LOGOUT_PURPOSE, instanceId, at: now, form: form.toString() }),
  );
  return new URLSearchParams({ [SEALED_LOGOUT_PARAM]: sealed });
}

/**
 * The form `sealed` carries, while it is fresh and at the instance it was posted to; undefined
 * when it is not a sealed logout form, is stale or was sealed for another instance.
 */
export function unsealedLogout(
  masterKey: MasterKey,
  instanceId: string,
  sealed: string,
  now = Date.now(),
): URLSearchParams | undefined {
  try {
    const sealedFor = JSON.parse(masterKey.decrypt(sealed)) as Record<string, unknown>;
    const { purpose, at, form } = sealedFor;
    if (purpose !== LOGOUT_PURPOSE || sealedFor.instanceId !== instanceId) return undefined;
    if (typeof at !== 'number' || typeof form !== 'string') return undefined;
    return at <= now && now - at <= LOGOUT_SECONDS * 1000 ? new URLSearchParams(form) : undefined;
  } catch {
    return undefined;
  }
}
