import type Provider from 'oidc-provider';
import type { EntityManager } from 'typeorm';
import type { ProjectStore } from '../projects/projects.store.js';
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
  readonly instanceId: string;
  readonly pats: PatStrategy;
  readonly projects: ProjectStore;
  readonly reader: EntityManager;
  readonly accounts: OidcAccounts;
}

/**
 * ZITADEL answers PATs at the introspection endpoint (its "PAT with JWT profile / basic auth"
 * combinations), so APIs that introspect every Bearer token (passport-zitadel) accept PATs.
 * oidc-provider knows only its own tokens: where it answered `active: false` to an
 * authenticated client, a PAT of this instance is looked up and answered instead.
 */
export function introspectPersonalAccessTokens(provider: Provider, deps: PatIntrospectionDeps): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== 'introspection' || ctx.status !== 200) return;
    const client = ctx.oidc.client;
    const token = (ctx.oidc.params as { token?: unknown } | undefined)?.token;
    if (!client || typeof token !== 'string' || (ctx.body as { active?: boolean } | undefined)?.active !== false)
      return;
    const pat = await deps.pats.introspect(deps.instanceId, token);
    if (!pat) return;
    const projectId = factsOf(client)?.projectId;
    const roleKeys = projectId ? await deps.projects.roleKeys(deps.reader, deps.instanceId, projectId) : [];
    const claims = await deps.accounts.userinfo(deps.instanceId, pat.userId, patScope(roleKeys), projectId, false);
    if (!claims) return;
    ctx.body = patIntrospection(pat, { clientId: client.clientId, projectId }, roleKeys, provider.issuer, claims);
  });
}
