import { Injectable } from '@nestjs/common';
import type { Account, AccountClaims, KoaContextWithOIDC } from 'oidc-provider';
import { FunctionExecutions, type FunctionSubject } from '../actions/function-executions.js';
import { AuthorizationQueries } from '../authorizations/authorizations.queries.js';
import { OrgQueries } from '../orgs/orgs.queries.js';
import type { Instance } from '../platform/tenancy/instance.entity.js';
import { Policies } from '../settings/policies.queries.js';
import { loginNames } from '../users/core/login-names.js';
import { UserLookups, type ActiveUserRow } from '../users/user-lookups.queries.js';
import { factsOf } from './oidc-clients.js';
import { parseScopes, roleClaims, wantsRoles, type GrantedRole, type ZitadelScopes } from './zitadel-scopes.js';

/** The user's row with its org's name and primary domain (for the claims). */
interface UserRow extends ActiveUserRow {
  readonly org_name: string;
  readonly org_domain: string;
}

/** ZITADEL's gender enum values (1 female, 2 male, 3 diverse) as OIDC's strings. */
const GENDERS: Record<number, string> = { 1: 'female', 2: 'male', 3: 'diverse' };

/** The standard claims each OIDC scope gives (OIDC Core §5.4), for ID tokens and userinfo alike. */
export const STANDARD_CLAIMS = {
  profile: [
    'name',
    'given_name',
    'family_name',
    'nickname',
    'preferred_username',
    'locale',
    'gender',
    'updated_at',
    'picture',
  ],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  address: ['address'],
} as const satisfies Record<string, readonly string[]>;

/** A key the provider's claim filter drops, holding the ZITADEL claims the scope asked for. */
export const ZITADEL_CLAIMS = '__zitadel';

/**
 * oidc-provider's accounts: active users of active orgs (anyone else gets no token, and their
 * refresh tokens stop working because the provider asks here on every refresh), with the
 * standard claims and ZITADEL's reserved-scope claims (roles, metadata, resource owner).
 */
@Injectable()
export class OidcAccounts {
  constructor(
    private readonly policies: Policies,
    private readonly users: UserLookups,
    private readonly orgs: OrgQueries,
    private readonly grants: AuthorizationQueries,
    private readonly functions: FunctionExecutions,
  ) {}

  /** With `instance`, ID tokens get what the instance's `preuserinfo` execution adds. */
  async find(
    instanceId: string,
    sub: string,
    ctx: KoaContextWithOIDC | undefined,
    instance?: Instance,
  ): Promise<Account | undefined> {
    const user = await this.activeUser(instanceId, sub);
    if (!user) return undefined;
    const clientProjectId = factsOf(ctx?.oidc.client as never)?.projectId;
    const roleAssertion = (use: string) => {
      const facts = factsOf(ctx?.oidc.client as never);
      return !!facts && (facts.projectRoleAssertion || (use === 'id_token' ? facts.idTokenRoleAssertion : false));
    };
    return {
      accountId: user.id,
      claims: async (use, scope) => {
        const standard = await this.standardClaims(instanceId, user);
        const zitadel = await this.zitadelClaims(
          instanceId,
          user,
          parseScopes(scope),
          clientProjectId,
          roleAssertion(use),
        );
        const added =
          instance && use === 'id_token'
            ? await this.functions.claims(instance, 'preuserinfo', () => this.subjectOf(instanceId, user), {
                ...standard,
                ...zitadel,
              })
            : {};
        return { ...standard, [ZITADEL_CLAIMS]: { ...zitadel, ...added } } as unknown as AccountClaims;
      },
    };
  }

  /** The user as a function target receives it (ZITADEL's `user`, `org` and `user_metadata`). */
  private async subjectOf(instanceId: string, user: UserRow): Promise<FunctionSubject> {
    const metadata = await this.users.allMetadata(instanceId, user.id);
    return {
      userId: user.id,
      user: {
        id: user.id,
        resource_owner: user.resource_owner,
        username: user.username,
        type: user.type,
        ...(user.type === 'human'
          ? {
              human: {
                first_name: user.given_name,
                last_name: user.family_name,
                nick_name: user.nick_name,
                display_name: user.display_name,
                preferred_language: user.preferred_language,
                email: user.email,
                is_email_verified: user.email_verified,
                phone: user.phone,
                is_phone_verified: user.phone_verified,
              },
            }
          : { machine: { name: user.machine_name } }),
      },
      org: { id: user.resource_owner, name: user.org_name, primary_domain: user.org_domain },
      userMetadata: metadata.map((m) => ({ key: m.key, value: Buffer.from(m.value).toString('base64') })),
    };
  }

  /**
   * Claims carried inside access tokens (JWT payload and introspection): roles when asserted;
   * for JWT access tokens, with `instance`, what the instance's `preaccesstoken` execution adds.
   */
  async accessTokenClaims(
    instanceId: string,
    ctx: KoaContextWithOIDC | undefined,
    token: { accountId?: string; scope?: string; client?: unknown },
    instance?: Instance,
  ): Promise<Record<string, unknown> | undefined> {
    if (!token.accountId) return undefined;
    const facts = factsOf(ctx?.oidc.client ?? token.client);
    if (!facts) return undefined;
    const scopes = parseScopes(token.scope);
    const roles = wantsRoles(scopes, facts.accessTokenRoleAssertion || facts.projectRoleAssertion);
    const functions = instance && facts.accessTokenType === 'jwt';
    if (!roles && !functions) return undefined;
    const user = await this.activeUser(instanceId, token.accountId);
    if (!user) return undefined;
    const claims = roles
      ? roleClaims(
          await this.grantedRoles(instanceId, user.id, this.projectsOf(facts.projectId, scopes)),
          facts.projectId,
          scopes,
        )
      : {};
    if (!functions) return claims;
    const added = await this.functions.claims(instance, 'preaccesstoken', () => this.subjectOf(instanceId, user), {
      sub: user.id,
      ...claims,
    });
    return { ...claims, ...added };
  }

  /** The userinfo response: standard claims of the scope, plus ZITADEL's; with `instance`, plus what `preuserinfo` adds. */
  async userinfo(
    instanceId: string,
    sub: string,
    scope: string,
    clientProjectId: string | undefined,
    roleAssertion: boolean,
    instance?: Instance,
  ): Promise<Record<string, unknown> | undefined> {
    const user = await this.activeUser(instanceId, sub);
    if (!user) return undefined;
    const standard = await this.standardClaims(instanceId, user);
    const granted = new Set(scope.split(' '));
    const claims: Record<string, unknown> = { sub: user.id };
    for (const [s, names] of Object.entries(STANDARD_CLAIMS)) {
      if (!granted.has(s)) continue;
      for (const n of names) if (standard[n] !== undefined) claims[n] = standard[n];
    }
    const all = {
      ...claims,
      ...(await this.zitadelClaims(instanceId, user, parseScopes(scope), clientProjectId, roleAssertion)),
    };
    if (!instance) return all;
    return {
      ...all,
      ...(await this.functions.claims(instance, 'preuserinfo', () => this.subjectOf(instanceId, user), all)),
    };
  }

  /** The org of an active user of an active org, else undefined. */
  async activeUserOrg(instanceId: string, userId: string): Promise<string | undefined> {
    return (await this.activeUser(instanceId, userId))?.resource_owner;
  }

  /** The user is active and so is its org; undefined otherwise (locked, deactivated, deleted). */
  private async activeUser(instanceId: string, id: string): Promise<UserRow | undefined> {
    const user = await this.users.activeUserRow(instanceId, id);
    if (!user) return undefined;
    const org = (await this.orgs.summaries(instanceId, [user.resource_owner])).get(user.resource_owner);
    if (org?.state !== 'active') return undefined;
    return { ...user, org_name: org.name, org_domain: org.primaryDomain };
  }

  private async standardClaims(instanceId: string, user: UserRow): Promise<Record<string, unknown>> {
    const domains = await this.policies.domainSettings(instanceId, user.resource_owner);
    const preferred = loginNames(user.username, [], user.org_domain, domains.userLoginMustBeDomain).preferred;
    const name =
      user.display_name ??
      user.machine_name ??
      ([user.given_name, user.family_name].filter(Boolean).join(' ') || user.username);
    return {
      sub: user.id,
      name,
      given_name: user.given_name ?? undefined,
      family_name: user.family_name ?? undefined,
      nickname: user.nick_name ?? undefined,
      preferred_username: preferred,
      locale: user.preferred_language ?? undefined,
      gender: GENDERS[user.gender],
      updated_at: Math.floor(new Date(user.changed_at).getTime() / 1000),
      email: user.email ?? undefined,
      email_verified: user.email ? user.email_verified : undefined,
      phone_number: user.phone ?? undefined,
      phone_number_verified: user.phone ? user.phone_verified : undefined,
    };
  }

  private async zitadelClaims(
    instanceId: string,
    user: UserRow,
    scopes: ZitadelScopes,
    clientProjectId: string | undefined,
    roleAssertion: boolean,
  ): Promise<Record<string, unknown>> {
    const claims: Record<string, unknown> = {};
    if (scopes.resourceOwner) {
      claims['urn:zitadel:iam:user:resourceowner:id'] = user.resource_owner;
      claims['urn:zitadel:iam:user:resourceowner:name'] = user.org_name;
      claims['urn:zitadel:iam:user:resourceowner:primary_domain'] = user.org_domain;
    }
    if (scopes.metadata) {
      const rows = await this.users.allMetadata(instanceId, user.id);
      if (rows.length)
        claims['urn:zitadel:iam:user:metadata'] = Object.fromEntries(
          rows.map((r) => [r.key, Buffer.from(r.value).toString('base64')]),
        );
    }
    if (wantsRoles(scopes, roleAssertion)) {
      Object.assign(
        claims,
        roleClaims(
          await this.grantedRoles(instanceId, user.id, this.projectsOf(clientProjectId, scopes)),
          clientProjectId,
          scopes,
        ),
      );
    }
    return claims;
  }

  private projectsOf(clientProjectId: string | undefined, scopes: ZitadelScopes): string[] {
    return [
      ...new Set([
        ...(clientProjectId ? [clientProjectId] : []),
        ...(scopes.rolesOfAudienceProjects ? scopes.audienceProjectIds : []),
      ]),
    ];
  }

  /** Active authorizations of the user on these projects, with the granting org's primary domain. */
  async grantedRoles(instanceId: string, userId: string, projectIds: readonly string[]): Promise<GrantedRole[]> {
    if (!projectIds.length) return [];
    const grants = await this.grants.activeGrants(instanceId, userId, projectIds);
    const orgs = await this.orgs.summaries(
      instanceId,
      grants.map((g) => g.orgId),
    );
    // A grant of an org that is gone grants nothing.
    return grants.flatMap((g) => {
      const org = orgs.get(g.orgId);
      if (!org) return [];
      return g.roleKeys.map((role) => ({ projectId: g.projectId, role, orgId: g.orgId, orgDomain: org.primaryDomain }));
    });
  }
}
