/**
 * Roles -> permissions, as ZITADEL's default role mapping. A membership grants roles on one
 * level: the whole instance, one org, one project, or one project grant (a project shared with
 * another org). Pure rules, no I/O.
 */
export type MembershipLevel = 'instance' | 'org' | 'project' | 'project_grant';

export interface MembershipGrant {
  readonly level: MembershipLevel;
  /** instance id, org id, project id or project grant id. */
  readonly resourceId: string;
  /** For project and project grant memberships, the org owning the project. */
  readonly resourceOwner: string;
  readonly roles: readonly string[];
  /**
   * For project grant memberships: the granted project and the org it is granted to. Loaded with
   * the grant; a membership whose grant is gone has none and covers nothing.
   */
  readonly projectGrant?: { readonly projectId: string; readonly grantedOrgId: string };
}

const READ_ALL = [
  'iam.read',
  'iam.policy.read',
  'iam.member.read',
  'iam.idp.read',
  'iam.action.read',
  'iam.flow.read',
  'iam.feature.read',
  'iam.restrictions.read',
  'iam.web_key.read',
  'iam.debug.read',
  'org.read',
  'org.global.read',
  'org.member.read',
  'org.idp.read',
  'org.action.read',
  'org.flow.read',
  'org.feature.read',
  'user.read',
  'user.global.read',
  'user.grant.read',
  'user.membership.read',
  'user.feature.read',
  'policy.read',
  'project.read',
  'project.member.read',
  'project.role.read',
  'project.app.read',
  'project.grant.read',
  'project.grant.member.read',
  'events.read',
  'milestones.read',
  'session.read',
  'execution.target.read',
  'execution.read',
  'action.target.read',
  'action.execution.read',
  'userschema.read',
] as const;

const ORG_WRITE = [
  'org.write',
  'org.member.write',
  'org.member.delete',
  'org.idp.write',
  'org.idp.delete',
  'org.action.write',
  'org.action.delete',
  'org.flow.write',
  'org.flow.delete',
  'org.feature.write',
  'org.feature.delete',
] as const;
const USER_WRITE = [
  'user.write',
  'user.delete',
  'user.grant.write',
  'user.grant.delete',
  'user.credential.write',
  'user.passkey.write',
  'user.feature.write',
  'user.feature.delete',
  'user.self.delete',
] as const;
const POLICY_WRITE = ['policy.write', 'policy.delete'] as const;
const PROJECT_WRITE = [
  'project.create',
  'project.write',
  'project.delete',
  'project.member.write',
  'project.member.delete',
  'project.role.write',
  'project.role.delete',
  'project.app.write',
  'project.app.delete',
  'project.grant.write',
  'project.grant.delete',
  'project.grant.member.write',
  'project.grant.member.delete',
] as const;
const ORG_READ = [
  'org.read',
  'org.member.read',
  'org.idp.read',
  'org.action.read',
  'org.flow.read',
  'org.feature.read',
  'user.read',
  'user.grant.read',
  'user.membership.read',
  'user.feature.read',
  'policy.read',
  'project.read',
  'project.member.read',
  'project.role.read',
  'project.app.read',
  'project.grant.read',
  'project.grant.member.read',
  'session.read',
] as const;
const PROJECT_READ = [
  'project.read',
  'project.member.read',
  'project.role.read',
  'project.app.read',
  'project.grant.read',
  'project.grant.member.read',
  'user.grant.read',
] as const;

/**
 * The role table as written: its literal types are where `Permission` comes from, so a permission
 * no role grants (a typo such as `user.writ`) does not compile where one is expected.
 */
const ROLE_TABLE = {
  IAM_OWNER: [
    ...READ_ALL,
    'iam.write',
    'iam.policy.write',
    'iam.policy.delete',
    'iam.member.write',
    'iam.member.delete',
    'iam.idp.write',
    'iam.idp.delete',
    'iam.action.write',
    'iam.action.delete',
    'iam.flow.write',
    'iam.flow.delete',
    'iam.feature.write',
    'iam.feature.delete',
    'iam.restrictions.write',
    'iam.web_key.write',
    'iam.web_key.delete',
    'iam.debug.write',
    'org.create',
    'org.delete',
    ...ORG_WRITE,
    ...USER_WRITE,
    ...POLICY_WRITE,
    ...PROJECT_WRITE,
    'session.write',
    'session.delete',
    'session.link',
    'execution.target.write',
    'execution.target.delete',
    'execution.write',
    'execution.delete',
    'action.target.write',
    'action.target.delete',
    'action.execution.write',
    'action.execution.delete',
    'userschema.write',
    'userschema.delete',
  ],
  IAM_OWNER_VIEWER: READ_ALL,
  /** May act as any user of the instance (OIDC token exchange with an actor token, when allowed). */
  IAM_END_USER_IMPERSONATOR: ['user.impersonation'],
  IAM_ORG_MANAGER: [
    'org.read',
    'org.global.read',
    'org.create',
    'org.delete',
    ...ORG_WRITE,
    ...ORG_READ,
    'user.global.read',
    ...USER_WRITE,
    ...POLICY_WRITE,
    ...PROJECT_WRITE,
  ],
  IAM_USER_MANAGER: [
    'org.read',
    'org.global.read',
    'user.read',
    'user.global.read',
    'user.grant.read',
    'user.membership.read',
    ...USER_WRITE,
    'policy.read',
    'project.read',
    'project.role.read',
    'session.read',
  ],
  IAM_LOGIN_CLIENT: [
    'iam.read',
    'iam.policy.read',
    'org.read',
    'org.global.read',
    'user.read',
    'user.global.read',
    'user.write',
    'user.credential.write',
    'user.passkey.write',
    'user.grant.read',
    'policy.read',
    'project.read',
    'project.app.read',
    'session.read',
    'session.write',
    'session.delete',
    'session.link',
  ],
  ORG_OWNER: [
    'org.global.read',
    'org.create',
    'org.delete',
    ...ORG_READ,
    ...ORG_WRITE,
    ...USER_WRITE,
    ...POLICY_WRITE,
    ...PROJECT_WRITE,
    'session.write',
    'session.delete',
  ],
  ORG_OWNER_VIEWER: ORG_READ,
  /** May act as the org's users (OIDC token exchange with an actor token, when the security settings allow it). */
  ORG_END_USER_IMPERSONATOR: ['user.impersonation'],
  ORG_USER_MANAGER: [
    'org.read',
    'user.read',
    'user.grant.read',
    'user.membership.read',
    ...USER_WRITE,
    'policy.read',
    'project.read',
    'project.role.read',
  ],
  ORG_USER_SELF_MANAGER: ['org.read', 'user.self.delete', 'policy.read'],
  ORG_PROJECT_PERMISSION_EDITOR: [
    'org.read',
    'project.read',
    'project.grant.read',
    'project.grant.write',
    'project.grant.delete',
  ],
  ORG_PROJECT_CREATOR: ['org.read', 'project.create'],
  PROJECT_OWNER: [
    ...PROJECT_READ,
    'org.read',
    'user.read',
    ...PROJECT_WRITE.filter((p) => p !== 'project.create'),
    'user.grant.write',
    'user.grant.delete',
  ],
  PROJECT_OWNER_VIEWER: [...PROJECT_READ, 'org.read'],
  PROJECT_OWNER_GLOBAL: [
    ...PROJECT_READ,
    'org.read',
    'user.read',
    'user.global.read',
    ...PROJECT_WRITE.filter((p) => p !== 'project.create'),
    'user.grant.write',
    'user.grant.delete',
  ],
  PROJECT_GRANT_OWNER: [
    'project.read',
    'project.role.read',
    'project.grant.read',
    'project.grant.member.read',
    'project.grant.member.write',
    'project.grant.member.delete',
    'user.read',
    'user.grant.read',
    'user.grant.write',
    'user.grant.delete',
    'org.read',
  ],
  PROJECT_GRANT_OWNER_VIEWER: [
    'project.read',
    'project.role.read',
    'project.grant.read',
    'project.grant.member.read',
    'user.grant.read',
    'org.read',
  ],
} as const;

/** A ZITADEL role name of the table. */
export type Role = keyof typeof ROLE_TABLE;
/** A permission some role grants: the literal union of every permission in the role table. */
export type Permission = (typeof ROLE_TABLE)[Role][number];

/** Looked up by role names read from the database, so keyed by any string (unknown roles grant nothing). */
export const ROLE_PERMISSIONS: Readonly<Record<string, readonly Permission[]>> = Object.freeze(ROLE_TABLE);

/** Roles that may be given at each membership level (ZITADEL's IAM_*, ORG_*, PROJECT_*, PROJECT_GRANT_*). */
export const ROLES_BY_LEVEL: Readonly<Record<MembershipLevel, readonly string[]>> = {
  instance: Object.keys(ROLE_PERMISSIONS).filter((r) => r.startsWith('IAM_')),
  org: Object.keys(ROLE_PERMISSIONS).filter((r) => r.startsWith('ORG_')),
  project: Object.keys(ROLE_PERMISSIONS).filter((r) => r.startsWith('PROJECT_') && !r.startsWith('PROJECT_GRANT_')),
  project_grant: Object.keys(ROLE_PERMISSIONS).filter((r) => r.startsWith('PROJECT_GRANT_')),
};

export function permissionsOfRoles(roles: readonly string[]): Set<Permission> {
  return new Set(roles.flatMap((r) => ROLE_PERMISSIONS[r] ?? []));
}

/** Each role's permissions as a set, built once: checks run on every request. */
const ROLE_PERMISSION_SETS: ReadonlyMap<string, ReadonlySet<Permission>> = new Map(
  Object.entries(ROLE_PERMISSIONS).map(([role, p]) => [role, new Set(p)]),
);

/** Whether any of the roles gives the permission (unknown roles give nothing). */
export function rolesGrant(roles: readonly string[], permission: Permission): boolean {
  return roles.some((r) => ROLE_PERMISSION_SETS.get(r)?.has(permission) ?? false);
}

/**
 * What a permission is checked against: nothing (anywhere), the instance itself, an org, a
 * project in an org, or a project grant (`projectId` the granted project, `orgId` the granted org).
 */
export interface PermissionTarget {
  readonly orgId?: string;
  readonly projectId?: string;
  readonly projectGrantId?: string;
  /** The instance itself (its administrators, its settings): only instance memberships cover it. */
  readonly instance?: true;
}

function grantCovers(grant: MembershipGrant, instanceId: string, target: PermissionTarget): boolean {
  if (target.instance) return grant.level === 'instance' && grant.resourceId === instanceId;
  switch (grant.level) {
    case 'instance':
      return grant.resourceId === instanceId;
    case 'org':
      return target.orgId === undefined || grant.resourceId === target.orgId;
    case 'project':
      if (target.projectId !== undefined) return grant.resourceId === target.projectId;
      return target.orgId === undefined;
    case 'project_grant':
      // The grant itself, or its project as the granted org sees it; never the project's own org.
      if (target.projectGrantId !== undefined) return grant.resourceId === target.projectGrantId;
      if (target.projectId !== undefined) {
        return (
          grant.projectGrant !== undefined &&
          grant.projectGrant.projectId === target.projectId &&
          (target.orgId === undefined || target.orgId === grant.projectGrant.grantedOrgId)
        );
      }
      return target.orgId === undefined;
  }
}

/**
 * Deny by default: true only when some membership whose scope covers the target carries a role
 * that includes the permission. With no target, any scope counts (the method-level check).
 */
export function hasPermission(
  grants: readonly MembershipGrant[],
  instanceId: string,
  permission: Permission,
  target: PermissionTarget = {},
): boolean {
  return grants.some((g) => grantCovers(g, instanceId, target) && rolesGrant(g.roles, permission));
}

/** The org ids in which the grants carry the permission, or 'all' for an instance-wide grant. */
export function orgsWithPermission(
  grants: readonly MembershipGrant[],
  instanceId: string,
  permission: Permission,
): 'all' | string[] {
  const orgs: string[] = [];
  for (const g of grants) {
    if (!rolesGrant(g.roles, permission)) continue;
    if (g.level === 'instance' && g.resourceId === instanceId) return 'all';
    if (g.level === 'org') orgs.push(g.resourceId);
  }
  return orgs;
}

/** Where a permission holds: everywhere, or in these orgs, projects and project grants. */
export type PermissionScopes =
  | 'all'
  | { readonly orgs: string[]; readonly projects: string[]; readonly projectGrants: string[] };

/**
 * The scopes in which the grants carry the permission, for list queries: a row is visible when
 * its org, its project or its project grant is among them (the same coverage as hasPermission
 * for targets `{ orgId, projectId, projectGrantId }`).
 */
export function scopesWithPermission(
  grants: readonly MembershipGrant[],
  instanceId: string,
  permission: Permission,
): PermissionScopes {
  const scopes = { orgs: [] as string[], projects: [] as string[], projectGrants: [] as string[] };
  for (const g of grants) {
    if (!rolesGrant(g.roles, permission)) continue;
    switch (g.level) {
      case 'instance':
        if (g.resourceId === instanceId) return 'all';
        break;
      case 'org':
        scopes.orgs.push(g.resourceId);
        break;
      case 'project':
        scopes.projects.push(g.resourceId);
        break;
      case 'project_grant':
        if (g.projectGrant) scopes.projectGrants.push(g.resourceId);
        break;
    }
  }
  return scopes;
}

/**
 * ZITADEL's ListMyZitadelPermissions: the permissions of the memberships that concern `orgId`
 * (the instance's, the org's own, its projects', and grants of projects to it), a project or
 * project grant membership's as `permission:<project or grant id>`, each once, in membership order.
 */
export function zitadelPermissionsIn(grants: readonly MembershipGrant[], instanceId: string, orgId: string): string[] {
  const out = new Set<string>();
  for (const g of grants) {
    const concerns =
      g.level === 'instance'
        ? g.resourceId === instanceId
        : g.resourceOwner === orgId || g.projectGrant?.grantedOrgId === orgId;
    if (!concerns) continue;
    const context = g.level === 'project' || g.level === 'project_grant' ? `:${g.resourceId}` : '';
    for (const permission of permissionsOfRoles(g.roles)) out.add(permission + context);
  }
  return [...out];
}

/**
 * The orgs a user is a member of, as ZITADEL's ListMyProjectOrgs reads them for its own console:
 * every org for an instance member; else the orgs of its org memberships, the owning org of its
 * project memberships and the granted org of its project grant memberships.
 */
export function memberOrgs(grants: readonly MembershipGrant[], instanceId: string): 'all' | string[] {
  const orgs = new Set<string>();
  for (const g of grants) {
    if (g.level === 'instance') {
      if (g.resourceId === instanceId) return 'all';
      continue;
    }
    orgs.add(g.level === 'org' ? g.resourceId : (g.projectGrant?.grantedOrgId ?? g.resourceOwner));
  }
  return [...orgs];
}
