import { createLocalJWKSet, jwtVerify } from 'jose';
import type Provider from 'oidc-provider';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { hasPermission } from '../platform/authz/permissions.js';
import type { MembershipQueries } from '../platform/authz/membership-queries.js';
import type { Policies } from '../settings/policies.js';
import type { SigningKeys } from '../webkeys/signing-keys.js';
import { invalidGrant } from './oauth-errors.js';
import { GRANT_TOKEN_EXCHANGE } from './oidc-clients.js';
import type { OidcAccounts } from './oidc-accounts.js';
import { issueAccessToken } from './issued-tokens.js';

export const TOKEN_TYPES = {
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  idToken: 'urn:ietf:params:oauth:token-type:id_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
  /** ZITADEL's: the subject named by its user id (impersonation only). */
  userId: 'urn:zitadel:params:oauth:token-type:user_id',
} as const;

export const TOKEN_EXCHANGE_PARAMS = ['subject_token', 'subject_token_type', 'actor_token', 'actor_token_type', 'requested_token_type', 'scope', 'audience', 'resource'];

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
}

/**
 * RFC 8693 token exchange as ZITADEL serves it, for apps allowed the grant type: a token of a
 * user (access token or ID token of this instance) becomes an access token for the calling app.
 * With an actor token of another user this is impersonation: the instance's security settings
 * must enable it and the actor needs `user.impersonation` (ZITADEL's `impersonation`) on the subject's org; the
 * new token says who acts (`act`).
 */
export function tokenExchangeGrant(provider: Provider, deps: TokenExchangeDeps) {
  return async (ctx: KoaContextWithOIDC): Promise<void> => {
    const client = ctx.oidc.client!;
    if (!client.grantTypeAllowed(GRANT_TOKEN_EXCHANGE)) throw new errors.UnauthorizedClient('the app is not allowed token exchange');
    const params = ctx.oidc.params as Record<string, string | undefined>;
    if (!params.subject_token || !params.subject_token_type) throw new errors.InvalidRequest('subject_token and subject_token_type are required');
    const requested = params.requested_token_type ?? TOKEN_TYPES.accessToken;
    if (requested !== TOKEN_TYPES.accessToken) throw new errors.InvalidRequest(`requested_token_type ${requested} is not supported; ask for ${TOKEN_TYPES.accessToken}`);

    const actor = params.actor_token ? await subjectOf(provider, deps, params.actor_token, params.actor_token_type ?? TOKEN_TYPES.accessToken, false) : undefined;
    const subject = await subjectOf(provider, deps, params.subject_token, params.subject_token_type, !!actor);
    if (actor && actor.userId !== subject.userId) await checkImpersonation(deps, actor.userId, subject.userId);

    const scope = params.scope ?? subject.scope ?? 'openid';
    const impersonating = actor && actor.userId !== subject.userId ? actor.userId : undefined;
    const issued = await issueAccessToken(provider, deps.instanceId, client, { accountId: subject.userId, scope, gty: 'token_exchange' }, (token) => {
      if (impersonating) actors.set(token, { sub: impersonating });
    });
    ctx.body = { ...issued, issued_token_type: TOKEN_TYPES.accessToken };
  };
}

async function subjectOf(
  provider: Provider,
  deps: TokenExchangeDeps,
  value: string,
  type: string,
  userIdAllowed: boolean,
): Promise<{ userId: string; scope?: string }> {
  switch (type) {
    case TOKEN_TYPES.accessToken: {
      const token = await provider.AccessToken.find(value);
      if (!token?.accountId) throw invalidGrant('the subject (or actor) access token is invalid, expired or revoked');
      return active(deps, token.accountId, token.scope);
    }
    case TOKEN_TYPES.idToken:
    case TOKEN_TYPES.jwt: {
      try {
        const { payload } = await jwtVerify(value, createLocalJWKSet((await deps.keys.jwks(deps.instanceId)) as never));
        if (typeof payload.sub !== 'string') throw new Error('no sub');
        return active(deps, payload.sub);
      } catch {
        throw invalidGrant('the token is not a valid, unexpired token of this instance');
      }
    }
    case TOKEN_TYPES.userId:
      if (!userIdAllowed) throw new errors.InvalidRequest('a user id subject needs an actor token (impersonation)');
      return active(deps, value);
    default:
      throw new errors.InvalidRequest(`subject_token_type / actor_token_type ${type} is not supported`);
  }
}

async function active(deps: TokenExchangeDeps, userId: string, scope?: string): Promise<{ userId: string; scope?: string }> {
  if (!(await deps.accounts.activeUserOrg(deps.instanceId, userId))) throw invalidGrant('the user of the token is not active');
  return { userId, ...(scope ? { scope } : {}) };
}

async function checkImpersonation(deps: TokenExchangeDeps, actorId: string, subjectId: string): Promise<void> {
  const security = await deps.policies.securitySettings(deps.instanceId);
  if (!security.enableImpersonation) throw invalidGrant('impersonation is disabled in the security settings');
  const orgId = await deps.accounts.activeUserOrg(deps.instanceId, subjectId);
  const grants = await deps.memberships.grantsOf(deps.instanceId, actorId);
  if (!orgId || !hasPermission(grants, deps.instanceId, 'user.impersonation', { orgId })) {
    throw invalidGrant('the actor may not impersonate this user (permission user.impersonation (role IAM_END_USER_IMPERSONATOR or ORG_END_USER_IMPERSONATOR) required)');
  }
}
