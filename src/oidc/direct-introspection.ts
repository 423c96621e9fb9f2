import type { default as Provider, Client } from 'oidc-provider';
import { introspectionAllowed } from './oidc-provider-policies.js';

// Token introspection (RFC 7662) is the hottest OAuth endpoint of an API that checks opaque
// tokens: an API protected by passport-zitadel introspects every request. Its common form is
// answered here without oidc-provider's Koa stack (a third of the request's CPU); any other form,
// and every answer that is not an active token, is declined and left to the provider, so errors,
// inactive tokens, PATs and the rarer client authentications keep the provider's own answers.

/** The form fields an introspection request in its common form may carry (RFC 7662 §2.1). */
const PLAIN_FIELDS = new Set(['token', 'token_type_hint']);

/** oidc-provider's `noVSCHAR`: what a decoded client id or secret may not contain. */
const NOT_VSCHAR = /[^\x20-\x7E]/;

/** The tokens the provider introspects, by the hint order of its `findToken`. */
const ACCESS_HINTS = new Set(['access_token', 'urn:ietf:params:oauth:token-type:access_token']);
const REFRESH_HINTS = new Set(['refresh_token', 'urn:ietf:params:oauth:token-type:refresh_token']);

/**
 * The headers oidc-provider answers introspection with when no browser origin is involved: its
 * no-cache middleware and its client-based CORS (which, without an Origin, allows any and varies
 * on it).
 */
export const INTROSPECTION_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cache-control': 'no-store',
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'WWW-Authenticate',
  vary: 'Origin',
});

export interface BasicCredentials {
  readonly clientId: string;
  readonly secret: string;
}

function validBase64(input: string): boolean {
  const match = /^([A-Za-z0-9+/]*)(={0,2})$/.exec(input);
  if (!match?.[1]) return false;
  const remainder = match[1].length % 4;
  if (!match[2]) return remainder !== 1;
  return (match[1].length + match[2].length) % 4 === 0 && match[2].length === 4 - remainder;
}

function decodedPart(part: string): string | undefined {
  try {
    const decoded = decodeURIComponent(part.replace(/\+/g, '%20'));
    return NOT_VSCHAR.test(decoded) ? undefined : decoded;
  } catch {
    return undefined;
  }
}

/**
 * The client id and secret of an `Authorization: Basic` header (RFC 6749 §2.3.1: each
 * form-urlencoded, then base64), read as oidc-provider reads them; undefined for anything the
 * provider would refuse, so the provider gives that refusal.
 */
export function basicCredentials(header: string | undefined): BasicCredentials | undefined {
  const parts = header?.split(' ');
  if (parts?.length !== 2 || parts[0].toLowerCase() !== 'basic' || !validBase64(parts[1])) return undefined;
  const basic = Buffer.from(parts[1], 'base64').toString('utf8');
  const colon = basic.indexOf(':');
  if (colon === -1) return undefined;
  const clientId = decodedPart(basic.slice(0, colon));
  const secret = decodedPart(basic.slice(colon + 1));
  return clientId && secret ? { clientId, secret } : undefined;
}

export interface PlainIntrospection {
  readonly token: string;
  readonly hint?: string;
}

/**
 * The token (and hint) of an introspection request in its common form: a urlencoded body with
 * `token` once, `token_type_hint` at most once and nothing else, no query, no browser origin
 * (client-based CORS) and no client attestation. Undefined for every other form.
 */
export function plainIntrospection(
  form: URLSearchParams,
  request: { url: string; contentType?: string; origin?: string; attested: boolean },
): PlainIntrospection | undefined {
  if (request.origin !== undefined || request.attested || request.url.includes('?')) return undefined;
  if (request.contentType?.split(';')[0].trim().toLowerCase() !== 'application/x-www-form-urlencoded') return undefined;
  const seen = new Set<string>();
  for (const key of form.keys()) {
    if (!PLAIN_FIELDS.has(key) || seen.has(key)) return undefined;
    seen.add(key);
  }
  const token = form.get('token');
  // A JWT-shaped token is refused by the provider (rejectStructuredTokens): never one here.
  if (!token || token.includes('.')) return undefined;
  const hint = form.get('token_type_hint') ?? undefined;
  return hint === undefined ? { token } : { token, hint };
}

type FoundToken = Omit<InstanceType<Provider['AccessToken']>, 'kind'> & {
  readonly kind: string;
  readonly rar?: unknown;
  readonly 'x5t#S256'?: string;
  readonly jkt?: string;
  readonly extra?: Record<string, unknown>;
  isSenderConstrained(): boolean;
};

/** oidc-provider's `findToken`: the hinted kind first, then the others. */
async function findToken(provider: Provider, value: string, hint: string | undefined): Promise<FoundToken | undefined> {
  const accessOrCredentials = async () =>
    (await Promise.all([provider.AccessToken.find(value), provider.ClientCredentials.find(value)])).find(Boolean);
  const refresh = () => provider.RefreshToken.find(value);
  if (hint !== undefined && ACCESS_HINTS.has(hint))
    return ((await accessOrCredentials()) ?? (await refresh())) as FoundToken | undefined;
  if (hint !== undefined && REFRESH_HINTS.has(hint))
    return ((await refresh()) ?? (await accessOrCredentials())) as FoundToken | undefined;
  const found = await Promise.all([
    provider.AccessToken.find(value),
    provider.ClientCredentials.find(value),
    provider.RefreshToken.find(value),
  ]);
  return found.find(Boolean) as FoundToken | undefined;
}

/** The client, when it authenticates with exactly these Basic credentials; else undefined. */
async function authenticated(provider: Provider, credentials: BasicCredentials): Promise<Client | undefined> {
  const client = await provider.Client.find(credentials.clientId);
  if (client?.clientAuthMethod !== 'client_secret_basic') return undefined;
  try {
    (client as unknown as { checkClientSecretExpiration(message: string): void }).checkClientSecretExpiration(
      'expired',
    );
  } catch {
    return undefined;
  }
  return (await client.compareClientSecret(credentials.secret)) ? client : undefined;
}

/**
 * The provider's introspection answer for an active token, built as its introspection action
 * builds it (the same fields, in the same order); undefined where that answer would not be an
 * active one, or would need what only the provider's request context has (pairwise subjects,
 * rich authorization details).
 */
export async function activeIntrospection(
  provider: Provider,
  credentials: BasicCredentials,
  request: PlainIntrospection,
): Promise<{ client: Client; body: Record<string, unknown> } | undefined> {
  const client = await authenticated(provider, credentials);
  if (!client) return undefined;
  const token = await findToken(provider, request.token, request.hint);
  if (!token?.isValid || token.rar) return undefined;
  if (token.grantId) {
    const grant = await provider.Grant.find(token.grantId, { ignoreExpiration: true });
    if (!grant || grant.isExpired || grant.clientId !== token.clientId || grant.accountId !== token.accountId)
      return undefined;
  }
  if (!introspectionAllowed(client, token as never)) return undefined;
  const body: Record<string, unknown> = { active: false };
  if (token.accountId) {
    const owner = token.clientId === client.clientId ? client : await provider.Client.find(token.clientId!);
    if (!owner || owner.subjectType === 'pairwise') return undefined;
    body.sub = token.accountId;
  }
  Object.assign(body, {
    ...token.extra,
    active: true,
    client_id: token.clientId,
    exp: token.exp,
    iat: token.iat,
    sid: token.sid,
    iss: provider.issuer,
    jti: token.jti !== request.token ? token.jti : undefined,
    aud: token.aud,
    authorization_details: undefined,
    scope: token.scope || undefined,
    cnf: token.isSenderConstrained() ? {} : undefined,
    token_type: token.kind !== 'RefreshToken' ? token.tokenType : undefined,
  });
  const cnf = body.cnf as Record<string, string> | undefined;
  if (cnf && token['x5t#S256']) cnf['x5t#S256'] = token['x5t#S256'];
  if (cnf && token.jkt) cnf.jkt = token.jkt;
  return { client, body };
}
