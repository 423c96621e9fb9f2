import type Provider from 'oidc-provider';
import type { EntityManager } from 'typeorm';
import type { ProjectStore } from '../projects/projects.store.js';
import type { Instance } from '../platform/tenancy/instance.entity.js';
import type { PatStrategy } from '../users/pat.strategy.js';
import { factsOf } from './oidc-clients.js';
import type { OidcAccounts } from './oidc-accounts.js';
import { PROJECT_ROLE } from './zitadel-scopes.js';

/** The scopes ZITADEL gives every personal access token (fixed: they cannot be chosen). */
export const PAT_SCOPES: readonly string[] = [
  'openid',
  'profile',
  'urn:zitadel:iam:user:metadata',
  'urn:zitadel:iam:user:resourceowner',
];

/** A PAT's scopes as introspection shows them to a client of a project with these roles. */
export function patScope(roleKeys: readonly string[]): string {
  return [...PAT_SCOPES, ...roleKeys.map((k) => PROJECT_ROLE + k)].join(' ');
}

export interface ActivePat {
  readonly id: string;
  readonly userId: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/**
 * The introspection answer (RFC 7662) for a PAT, as ZITADEL gives it: a PAT belongs to no app
 * (no `client_id`), so the introspecting API client and its project join the audience and the
 * project's roles join the scopes; the user's claims for those scopes come along, `username`
 * being the preferred login name.
 */
export function patIntrospection(
  pat: ActivePat,
  client: { clientId: string; projectId?: string },
  roleKeys: readonly string[],
  issuer: string,
  claims: Record<string, unknown>,
) {
  const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
  return {
    ...claims,
    active: true,
    scope: patScope(roleKeys),
    token_type: 'Bearer',
    exp: seconds(pat.expiresAt),
    iat: seconds(pat.createdAt),
    nbf: seconds(pat.createdAt),
    aud: client.projectId ? [client.clientId, client.projectId] : [client.clientId],
    iss: issuer,
    jti: pat.id,
    sub: pat.userId,
    username: claims.preferred_username,
  };
}

export interface PatIntrospectionDeps {
  readonly instance: Instance;
  readonly pats: PatStrategy;
  readonly projects: ProjectStore;
  readonly reader: EntityManager;
  readonly accounts: OidcAccounts;
}

/** The token's fields (RFC 7662 §2.2) as the provider's introspection answers them. */
export interface IntrospectionAnswer {
  readonly active?: unknown;
  readonly sub?: unknown;
  readonly scope?: unknown;
  readonly [field: string]: unknown;
}

/**
 * The user's claims for the token's scope under the token's fields, which win; inactive when the
 * user (or its org) is no longer active, as userinfo refuses it: ZITADEL ends a user's tokens with
 * the user's deactivation, lock or removal.
 */
async function withUserClaims(
  deps: PatIntrospectionDeps,
  client: { clientId: string },
  body: IntrospectionAnswer & { sub: string },
): Promise<Record<string, unknown>> {
  const scope = typeof body.scope === 'string' ? body.scope : '';
  const projectId = factsOf(client)?.projectId;
  const claims = await deps.accounts.userinfo(deps.instance.id, body.sub, scope, projectId, false, deps.instance);
  return claims ? { ...claims, ...body } : { active: false };
}

/**
 * The introspection answer for `token` as a PAT of the instance (see patIntrospection), for the
 * introspecting client; undefined when it is no PAT that authenticates, or its user is no longer active.
 */
async function patAnswer(
  deps: PatIntrospectionDeps,
  client: { clientId: string },
  token: string,
  issuer: string,
): Promise<Record<string, unknown> | undefined> {
  const instanceId = deps.instance.id;
  const pat = await deps.pats.introspect(instanceId, token);
  if (!pat) return undefined;
  const projectId = factsOf(client)?.projectId;
  const roleKeys = projectId ? await deps.projects.roleKeys(deps.reader, instanceId, projectId) : [];
  const claims = await deps.accounts.userinfo(
    instanceId,
    pat.userId,
    patScope(roleKeys),
    projectId,
    false,
    deps.instance,
  );
  return claims && patIntrospection(pat, { clientId: client.clientId, projectId }, roleKeys, issuer, claims);
}

/**
 * What Portcullis makes of the provider's introspection answer for `token`: an active answer
 * about a user gets the user's claims; an inactive one is the token's answer as a PAT of the
 * instance when it is one; anything else stays as it is.
 */
export async function completedIntrospection(
  deps: PatIntrospectionDeps,
  client: { clientId: string },
  body: IntrospectionAnswer,
  token: string,
  issuer: string,
): Promise<Record<string, unknown>> {
  if (body.active === true && typeof body.sub === 'string')
    return withUserClaims(deps, client, body as IntrospectionAnswer & { sub: string });
  if (body.active !== false) return body;
  return (await patAnswer(deps, client, token, issuer)) ?? body;
}

/**
 * ZITADEL's introspection answers with the user's info for the token's scope, through the same
 * path as its userinfo endpoint, so the instance's `preuserinfo` function execution adds its
 * claims there too (internal/api/oidc introspect.go calls userInfo, which runs userinfoFlows).
 * oidc-provider answers its own tokens with the token's fields only: for an active answer about
 * a user, those claims are added under the token's fields, which win.
 *
 * ZITADEL also answers PATs there (its "PAT with JWT profile / basic auth" combinations), so
 * APIs that introspect every Bearer token (passport-zitadel) accept PATs. oidc-provider knows
 * only its own tokens: where it answered `active: false` to an authenticated client, a PAT of
 * this instance is looked up and answered instead.
 */
export function completeIntrospection(provider: Provider, deps: PatIntrospectionDeps): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== 'introspection' || ctx.status !== 200) return;
    const client = ctx.oidc.client;
    const body = ctx.body as IntrospectionAnswer | undefined;
    const token = (ctx.oidc.params as { token?: unknown } | undefined)?.token;
    if (!client || !body || typeof token !== 'string') return;
    ctx.body = await completedIntrospection(deps, client, body, token, provider.issuer);
  });
}
