import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import type Provider from 'oidc-provider';
import type { Client, KoaContextWithOIDC } from 'oidc-provider';
import { oidcLibrary } from './oidc-library.js';
import { hasPermission } from '../platform/authz/permissions.js';
import type { MembershipQueries } from '../platform/authz/membership-queries.js';
import type { Policies } from '../settings/policies.queries.js';
import type { SigningKeys } from '../webkeys/signing-keys.store.js';
import { toOAuthError } from './oauth-errors.js';
import { GRANT_TOKEN_EXCHANGE, factsOf } from './oidc-clients.js';
import type { OidcAccounts } from './oidc-accounts.js';
import { issueAccessToken } from './issued-tokens.js';
import type { DpopNonces } from './dpop.js';
import { providerTokenRequestProof } from './sender-constraint.js';
import {
  actorRequired,
  bindingNotProven,
  featureDisabled,
  impersonationDenied,
  impersonationDisabled,
  missingToken,
  noClientKeys,
  notForClient,
  resourceUnsupported,
  tokenInvalid,
  TokenExchangeRefusal,
  unsupportedRequestedType,
  unsupportedTokenType,
  userInactive,
} from './token-exchange.errors.js';
import {
  ID_TOKEN_SCOPES,
  exchangeAudience,
  exchangeScopes,
  listOf,
  meantForClient,
  unprovenBinding,
  type ExchangeToken,
} from './token-exchange.rules.js';

export const TOKEN_TYPES = {
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  idToken: 'urn:ietf:params:oauth:token-type:id_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
  /** ZITADEL's: the subject named by its user id (impersonation only). */
  userId: 'urn:zitadel:params:oauth:token-type:user_id',
} as const;

type TokenType = (typeof TOKEN_TYPES)[keyof typeof TOKEN_TYPES];

/** ZITADEL's: any type names the subject; an actor proves who acts with a token we issued. */
const SUBJECT_TYPES: readonly TokenType[] = Object.values(TOKEN_TYPES);
const ACTOR_TYPES: readonly TokenType[] = [TOKEN_TYPES.accessToken, TOKEN_TYPES.idToken];
/** Subjects that vouch for nothing themselves: only an actor (impersonation) can stand for them. */
const ACTOR_ONLY_SUBJECTS: readonly string[] = [TOKEN_TYPES.userId, TOKEN_TYPES.jwt];

/** ZITADEL's limit on how old a JWT subject token may be, whatever its `exp`. */
const JWT_SUBJECT_MAX_AGE = '1h';

export const TOKEN_EXCHANGE_PARAMS = [
  'subject_token',
  'subject_token_type',
  'actor_token',
  'actor_token_type',
  'requested_token_type',
  'scope',
  'audience',
  'resource',
];

/** Who an exchange acts for, and on whose behalf (the `act` claim, RFC 8693 §4.1). */
const actors = new WeakMap<object, { sub: string }>();

/** The `act` claim of an access token minted by an exchange, for the token claims hook. */
export function actorOf(token: object): { sub: string } | undefined {
  return actors.get(token);
}

export interface TokenExchangeDeps {
  readonly instanceId: string;
  readonly keys: SigningKeys;
  readonly accounts: OidcAccounts;
  readonly memberships: MembershipQueries;
  readonly policies: Policies;
  /** The instance's DPoP nonces, for the exchange request's own proof. */
  readonly nonces: DpopNonces;
  /** A client's registered public keys (the provider's client knows only the assertion stand-in key). */
  readonly clientKeys: (clientId: string) => Promise<JSONWebKeySet | undefined>;
  /** Whether the instance's `oidcTokenExchange` feature is on (its own flag, else the system's). */
  readonly enabled: () => Promise<boolean>;
}

/** The parts of a request a token is verified against: the instance's provider and the exchanging client. */
interface Verifier {
  readonly provider: Provider;
  readonly deps: TokenExchangeDeps;
  readonly client: Client;
}

/**
 * RFC 8693 token exchange as ZITADEL serves it, for apps allowed the grant type: a token of a
 * user becomes an access token for the calling app, bound to that app. The subject token must
 * have been issued to the app (an access token's audience names the app or its project, an ID
 * token's `aud` is the app; a JWT is signed by one of the app's registered keys), and the new
 * token gets no scope or audience the subject (or actor) token did not have. With an actor token
 * this is impersonation: the instance's security settings must enable it and the actor needs
 * `user.impersonation` (ZITADEL's `impersonation`) on the subject's org; the new token says who
 * acts (`act`). A refusal writes nothing.
 */
export function tokenExchangeGrant(provider: Provider, deps: TokenExchangeDeps) {
  return async (ctx: KoaContextWithOIDC): Promise<void> => {
    const client = ctx.oidc.client!;
    if (!client.grantTypeAllowed(GRANT_TOKEN_EXCHANGE))
      throw new (oidcLibrary().errors.UnauthorizedClient)('the app is not allowed token exchange');
    try {
      // As ZITADEL: off unless the feature is enabled, checked after the client's grant types.
      if (!(await deps.enabled())) throw featureDisabled();
      // The request's own DPoP proof (checked and recorded as at oidc-provider's grants).
      const proofJkt = await providerTokenRequestProof(provider, ctx, deps.nonces);
      ctx.body = await exchange(
        { provider, deps, client },
        ctx.oidc.params as Record<string, string | undefined>,
        proofJkt,
      );
    } catch (err) {
      throw err instanceof TokenExchangeRefusal ? toOAuthError(err) : err;
    }
  };
}

async function exchange(verifier: Verifier, params: Record<string, string | undefined>, proofJkt: string | undefined) {
  const { provider, deps, client } = verifier;
  // ZITADEL's: audiences are named with `audience`; resource indicators are not served here.
  if (params.resource) throw resourceUnsupported();
  if (!params.subject_token || !params.subject_token_type) throw missingToken('subject_token');
  const requested = params.requested_token_type ?? TOKEN_TYPES.accessToken;
  if (requested !== TOKEN_TYPES.accessToken) throw unsupportedRequestedType(requested, TOKEN_TYPES.accessToken);

  const subject = await verified(
    verifier,
    'subject_token',
    params.subject_token,
    params.subject_token_type,
    SUBJECT_TYPES,
  );
  // ZITADEL's: any actor token makes the exchange impersonation, checked as such even when the
  // actor is the subject's own user; subjects that vouch for nothing can only be impersonated.
  let actor: ExchangeToken | undefined;
  if (params.actor_token || ACTOR_ONLY_SUBJECTS.includes(params.subject_token_type)) {
    if (!(await deps.policies.securitySettings(deps.instanceId)).enableImpersonation) throw impersonationDisabled();
    if (!params.actor_token) throw actorRequired(params.subject_token_type);
    if (!params.actor_token_type) throw missingToken('actor_token');
    actor = await verified(verifier, 'actor_token', params.actor_token, params.actor_token_type, ACTOR_TYPES);
  }

  const unproven = unprovenBinding(
    [
      { param: 'subject_token', token: subject },
      { param: 'actor_token', token: actor },
    ],
    proofJkt,
  );
  if (unproven) throw bindingNotProven(unproven);

  const audience = exchangeAudience(listOf(params.audience), subject, actor);
  const scope = exchangeScopes(listOf(params.scope), subject, actor).join(' ');
  if (actor) await checkImpersonation(deps, actor.userId, subject.userId);

  const issued = await issueAccessToken(
    provider,
    deps.instanceId,
    client,
    { accountId: subject.userId, scope, audience, gty: 'token_exchange' },
    (token) => {
      if (actor) actors.set(token, { sub: actor.userId });
      // Bound to the proof's key (RFC 9449 §5), as every token endpoint answer with a proof is.
      if (proofJkt) Object.assign(token, { jkt: proofJkt });
    },
  );
  return { ...issued, issued_token_type: TOKEN_TYPES.accessToken };
}

/** A subject or actor token checked as its type demands, and bound to the exchanging client. */
async function verified(
  verifier: Verifier,
  param: string,
  value: string,
  type: string,
  allowed: readonly TokenType[],
): Promise<ExchangeToken> {
  const { provider, deps, client } = verifier;
  if (!allowed.includes(type as TokenType)) throw unsupportedTokenType(param, type);
  switch (type as TokenType) {
    case TOKEN_TYPES.accessToken: {
      const token = await provider.AccessToken.find(value);
      if (!token?.accountId) throw tokenInvalid(param);
      const audience = audienceList(token.aud);
      if (!meantForClient(audience, client.clientId, factsOf(client)?.projectId)) throw notForClient(param);
      return {
        userId: await activeUser(deps, param, token.accountId),
        scopes: listOf(token.scope),
        audience,
        ...(token.jkt ? { jkt: token.jkt } : {}),
      };
    }
    case TOKEN_TYPES.idToken: {
      // Signed by the instance, for this issuer; `aud` is checked apart so the refusal says why.
      const payload = await verifiedJwt(param, value, (await deps.keys.jwks(deps.instanceId)) as JSONWebKeySet, {
        issuer: provider.issuer,
      });
      const audience = audienceList(payload.aud);
      if (!audience.includes(client.clientId)) throw notForClient(param);
      return { userId: await activeUser(deps, param, payload.sub), scopes: ID_TOKEN_SCOPES, audience };
    }
    case TOKEN_TYPES.jwt: {
      // The client asserts the subject, so only the client's own registered keys can vouch for it.
      const keys = await deps.clientKeys(client.clientId);
      if (!keys?.keys.length) throw noClientKeys();
      const payload = await verifiedJwt(param, value, keys, {
        audience: [provider.issuer, `${provider.issuer}/oauth/v2/token`],
        maxTokenAge: JWT_SUBJECT_MAX_AGE,
        clockTolerance: factsOf(client)?.clockSkewSeconds || 5,
      });
      return { userId: await activeUser(deps, param, payload.sub), scopes: [], audience: [] };
    }
    case TOKEN_TYPES.userId:
      return { userId: await activeUser(deps, param, value), scopes: [], audience: [] };
  }
}

async function verifiedJwt(
  param: string,
  value: string,
  jwks: JSONWebKeySet,
  options: Parameters<typeof jwtVerify>[2],
): Promise<JWTPayload & { sub: string }> {
  try {
    const { payload } = await jwtVerify(value, createLocalJWKSet(jwks), options);
    if (typeof payload.sub !== 'string' || !payload.sub) throw new Error('no sub');
    return payload as JWTPayload & { sub: string };
  } catch {
    throw tokenInvalid(param);
  }
}

function audienceList(aud: string | readonly string[] | undefined): string[] {
  return typeof aud === 'string' ? [aud] : [...(aud ?? [])];
}

async function activeUser(deps: TokenExchangeDeps, param: string, userId: string): Promise<string> {
  if (!(await deps.accounts.activeUserOrg(deps.instanceId, userId))) throw userInactive(param);
  return userId;
}

/** ZITADEL's rule: an actor path is impersonation, the actor needs the permission on the subject's org. */
async function checkImpersonation(deps: TokenExchangeDeps, actorId: string, subjectId: string): Promise<void> {
  const orgId = await deps.accounts.activeUserOrg(deps.instanceId, subjectId);
  const grants = await deps.memberships.grantsOf(deps.instanceId, actorId);
  if (!orgId || !hasPermission(grants, deps.instanceId, 'user.impersonation', { orgId })) throw impersonationDenied();
}
