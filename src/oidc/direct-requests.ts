import type { default as Provider, Client } from 'oidc-provider';
import { factsOf } from './oidc-clients.js';
import { introspectionAllowed } from './oidc-provider-policies.js';
import { type IssuedAccessToken, issueAccessToken } from './issued-tokens.js';

// The two hottest OAuth requests of APIs and services are answered here without oidc-provider's
// Koa stack (a third of such a request's CPU) when they come in their common form: token
// introspection (an API protected by passport-zitadel introspects every request) and a machine
// user's client_credentials token. Anything else is declined and left to the provider: other
// forms, other client authentications, every error, and a token found but not active for the
// client (expired, consumed, another's), so those keep the provider's own answers. What is
// answered here is built as the provider builds it, from its own models (client, tokens, grant);
// a token the provider does not have is a PAT or inactive, as Portcullis answers it after the
// provider (completeIntrospection). The tests compare each answer with the provider's.

/** The form fields an introspection request in its common form may carry (RFC 7662 §2.1). */
const INTROSPECTION_FIELDS: ReadonlySet<string> = new Set(['token', 'token_type_hint']);

/** The form fields a client_credentials request in its common form may carry (RFC 6749 §4.4.2). */
const CLIENT_CREDENTIALS_FIELDS: ReadonlySet<string> = new Set(['grant_type', 'scope']);

/** oidc-provider's scope syntax (RFC 6749 §3.3), as its token endpoint checks it. */
const SCOPE_SYNTAX = /^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$/;

/** oidc-provider's `noVSCHAR`: what a decoded client id or secret may not contain. */
const NOT_VSCHAR = /[^\x20-\x7E]/;

/** The tokens the provider introspects, by the hint order of its `findToken`. */
const ACCESS_HINTS = new Set(['access_token', 'urn:ietf:params:oauth:token-type:access_token']);
const REFRESH_HINTS = new Set(['refresh_token', 'urn:ietf:params:oauth:token-type:refresh_token']);

/**
 * The headers oidc-provider answers introspection with when no browser origin is involved: Koa's
 * JSON type, its no-cache middleware and its client-based CORS (which, without an Origin, allows
 * any and varies on it).
 */
export const INTROSPECTION_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'WWW-Authenticate',
  vary: 'Origin',
});

/** The same for the token endpoint, whose CORS also exposes the DPoP nonce. */
export const TOKEN_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...INTROSPECTION_HEADERS,
  'access-control-expose-headers': 'DPoP-Nonce,WWW-Authenticate',
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

/** What a request carries beside its form that decides whether it is in its common form. */
export interface RequestFacts {
  readonly url: string;
  readonly contentType?: string;
  readonly origin?: string;
  /** OAuth client attestation headers, or a DPoP proof. */
  readonly attested: boolean;
}

/**
 * A urlencoded body with only the given fields, each at most once; no query, no browser origin
 * (client-based CORS) and no attestation or proof. False for every other form.
 */
function plainForm(form: URLSearchParams, request: RequestFacts, fields: ReadonlySet<string>): boolean {
  if (request.origin !== undefined || request.attested || request.url.includes('?')) return false;
  if (request.contentType?.split(';')[0].trim().toLowerCase() !== 'application/x-www-form-urlencoded') return false;
  const seen = new Set<string>();
  for (const key of form.keys()) {
    if (!fields.has(key) || seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

export interface PlainIntrospection {
  readonly token: string;
  readonly hint?: string;
}

/** The token (and hint) of an introspection request in its common form (RFC 7662 §2.1); else undefined. */
export function plainIntrospection(form: URLSearchParams, request: RequestFacts): PlainIntrospection | undefined {
  if (!plainForm(form, request, INTROSPECTION_FIELDS)) return undefined;
  const token = form.get('token');
  // A JWT-shaped token is refused by the provider (rejectStructuredTokens): never one here.
  if (!token || token.includes('.')) return undefined;
  const hint = form.get('token_type_hint') ?? undefined;
  return hint === undefined ? { token } : { token, hint };
}

/**
 * The scope of a client_credentials token request in its common form (RFC 6749 §4.4.2), '' when
 * none is asked; undefined for every other form or a scope the provider would refuse.
 */
export function plainClientCredentials(form: URLSearchParams, request: RequestFacts): { scope: string } | undefined {
  if (!plainForm(form, request, CLIENT_CREDENTIALS_FIELDS) || form.get('grant_type') !== 'client_credentials')
    return undefined;
  const scope = form.get('scope');
  if (scope !== null && !SCOPE_SYNTAX.test(scope)) return undefined;
  return { scope: scope ?? '' };
}

type FoundToken = Omit<InstanceType<Provider['AccessToken']>, 'kind'> & {
  readonly kind: string;
  readonly rar?: unknown;
  readonly 'x5t#S256'?: string;
  readonly jkt?: string;
  readonly extra?: Record<string, unknown>;
  isSenderConstrained(): boolean;
};

const firstFound = <T>(results: readonly (T | undefined)[]): T | undefined => results.find((found) => !!found);

/** oidc-provider's `findToken`: the hinted kind first, then the others. */
async function findToken(provider: Provider, value: string, hint: string | undefined): Promise<FoundToken | undefined> {
  const accessOrCredentials = async () =>
    firstFound(await Promise.all([provider.AccessToken.find(value), provider.ClientCredentials.find(value)]));
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
  return firstFound(found) as FoundToken | undefined;
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

/** What introspection found beside the provider: the authenticated client and the provider's answer. */
export interface DirectIntrospection {
  readonly client: Client;
  readonly body: Record<string, unknown>;
}

/**
 * The provider's introspection answer for an active token, built as its introspection action
 * builds it (the same fields, in the same order), or `active: false` for a token it does not
 * have (a PAT, or nothing); undefined where the answer would be another, or would need what only
 * the provider's request context has (pairwise subjects, rich authorization details).
 */
export async function activeIntrospection(
  provider: Provider,
  credentials: BasicCredentials,
  request: PlainIntrospection,
): Promise<DirectIntrospection | undefined> {
  const client = await authenticated(provider, credentials);
  if (!client) return undefined;
  const token = await findToken(provider, request.token, request.hint);
  if (!token) return { client, body: { active: false } };
  if (!token.isValid || token.rar) return undefined;
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

/**
 * A machine user's client_credentials token, issued as the provider's token endpoint issues it
 * through Portcullis's grant (clientCredentialsGrant) when no DPoP proof comes with it; undefined
 * where the provider would refuse the request or the client is not a machine user.
 */
export async function directClientCredentials(
  provider: Provider,
  instanceId: string,
  credentials: BasicCredentials,
  request: { scope: string },
): Promise<IssuedAccessToken | undefined> {
  const client = await authenticated(provider, credentials);
  const facts = factsOf(client);
  if (!client || facts?.kind !== 'machine' || !client.grantTypeAllowed('client_credentials')) return undefined;
  return issueAccessToken(provider, instanceId, client, {
    accountId: facts.id,
    scope: request.scope,
    gty: 'client_credentials',
  });
}
