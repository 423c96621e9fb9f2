import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { authorize, scopeFilter } from '../platform/authz/authorize.js';
import {
  MembershipCommands,
  type MembershipChange,
  type MembershipRef,
} from '../platform/authz/membership-commands.js';
import {
  ROLES_BY_LEVEL,
  hasPermission,
  zitadelPermissionsIn,
  type MembershipLevel,
} from '../platform/authz/permissions.js';
import {
  and,
  column,
  fetchPage,
  listSql,
  type Filter,
  type Page,
  type TextMatch,
} from '../platform/database/list-query.js';
import { Transactions } from '../platform/database/transactions.js';
import type { WrittenEvent } from '../platform/events/event-store.js';
import type { AuthenticatedCaller, Caller } from '../platform/rpc/call-context.js';
import { OrgQueries, joinOrg } from '../orgs/orgs.queries.js';
import { joinProject, joinProjectGrant } from '../projects/projects.queries.js';
import { ProjectStore } from '../projects/projects.store.js';
import { Policies } from '../settings/policies.queries.js';
import { UserStore } from '../users/users.store.js';
import {
  USER_COLUMNS,
  USER_SUMMARY_SELECT,
  userDisplayNameFilter,
  userLoginNameFilter,
  userSummaries,
  userSummaryJoin,
  type UserSummary,
} from '../users/user-summary.queries.js';
import * as errors from './internal-permissions.errors.js';

/** What an administrator's roles are granted on. */
export type AdminResource =
  | { readonly kind: 'instance' }
  | { readonly kind: 'org'; readonly orgId: string }
  | { readonly kind: 'project'; readonly projectId: string }
  | { readonly kind: 'projectGrant'; readonly projectId: string; readonly projectGrantId: string };

export type AdminFilter =
  | {
      readonly kind: 'creationDate' | 'changeDate';
      readonly operator: '=' | '<' | '<=' | '>' | '>=';
      readonly at: Date;
    }
  | { readonly kind: 'userIds'; readonly ids: readonly string[] }
  | { readonly kind: 'userOrg'; readonly orgId: string }
  | { readonly kind: 'loginName' | 'displayName'; readonly match: TextMatch; readonly value: string }
  /** v1's member queries: a human's first name, last name or email. */
  | { readonly kind: 'firstName' | 'lastName' | 'email'; readonly match: TextMatch; readonly value: string }
  | { readonly kind: 'resource'; readonly level: MembershipLevel; readonly id?: string }
  | { readonly kind: 'role'; readonly role: string }
  | { readonly kind: 'and' | 'or'; readonly filters: readonly AdminFilter[] }
  | { readonly kind: 'not'; readonly filter: AdminFilter };

export type AdminSort = 'userId' | 'creationDate' | 'changeDate';

/** One administrator: a user's roles on one resource, with the names the contract shows. */
export interface AdministratorView {
  readonly user: UserSummary;
  /** What v1's Member shows beside the summary (humans only have names and an email). */
  readonly contact: {
    readonly type: 'human' | 'machine';
    readonly email: string;
    readonly firstName: string;
    readonly lastName: string;
  };
  readonly level: MembershipLevel;
  readonly resourceId: string;
  readonly roles: string[];
  readonly createdAt: Date;
  readonly changedAt: Date;
  readonly org?: { readonly name: string };
  readonly project?: { readonly name: string; readonly orgId: string };
  readonly projectGrant?: {
    readonly projectId: string;
    readonly projectName: string;
    readonly orgId: string;
    readonly grantedOrgId: string;
  };
}

/** ZITADEL's permission prefix per level: `<prefix>.read|write|delete` (each one a `Permission`, checked where used). */
const PERMISSION_PREFIX = {
  instance: 'iam.member',
  org: 'org.member',
  project: 'project.member',
  projectGrant: 'project.grant.member',
} as const satisfies Record<AdminResource['kind'], string>;

const SORT_COLUMNS: Record<AdminSort, string> = {
  userId: 'm.user_id',
  creationDate: 'm.created_at',
  changeDate: 'm.changed_at',
};

const SELECT = `m.level, m.resource_id, m.roles, m.created_at, m.changed_at, ${USER_SUMMARY_SELECT},
  o.name AS org_name, p.name AS project_name, p.resource_owner AS project_org_id,
  pg.project_id AS grant_project_id, gp.name AS grant_project_name, pg.resource_owner AS grant_org_id, pg.granted_org_id`;
/**
 * One statement across the user and the membership's resource: the list filters on the user, on
 * whether the resource is still there, and on the resource's orgs and project for visibility (see
 * `joinedTable`).
 */
const onResource = (level: MembershipLevel) => ({ left: true, when: `m.level = '${level}'` });
const RESOURCE = { instanceId: 'm.instance_id', id: 'm.resource_id' };
const FROM = `memberships m ${userSummaryJoin('m')}
  ${joinOrg('o', RESOURCE, onResource('org'))}
  ${joinProject('p', RESOURCE, onResource('project'))}
  ${joinProjectGrant('pg', RESOURCE, onResource('project_grant'))}
  ${joinProject('gp', { instanceId: 'pg.instance_id', id: 'pg.project_id' }, { left: true })}`;
/** Memberships whose resource is gone are no administrators. */
const RESOURCE_EXISTS = column(`(m.level = 'instance' OR o.id IS NOT NULL OR p.id IS NOT NULL OR pg.id IS NOT NULL)`);

/**
 * Administrators (ZITADEL's members) of the instance, an org, a project or a project grant.
 * Roles must belong to the level; changes apply to the next request (grants are read per call).
 */
@Injectable()
export class InternalPermissionsService {
  constructor(
    private readonly tx: Transactions,
    private readonly members: MembershipCommands,
    private readonly policies: Policies,
    private readonly orgs: OrgQueries,
    private readonly projects: ProjectStore,
    private readonly users: UserStore,
  ) {}

  async create(
    caller: Caller,
    userId: string,
    resource: AdminResource,
    roles: readonly string[],
  ): Promise<MembershipChange> {
    return this.tx.run(async (tx) => {
      const ref = await this.resolve(tx, caller, resource, 'write');
      if (!(await this.users.exists(tx, caller.instance.id, userId))) throw errors.userNotFound();
      return this.members.add(tx, caller, { ...ref, userId, roles });
    });
  }

  async update(
    caller: Caller,
    userId: string,
    resource: AdminResource,
    roles: readonly string[],
  ): Promise<MembershipChange> {
    return this.tx.run(async (tx) => {
      const ref = await this.resolve(tx, caller, resource, 'write');
      return this.members.change(tx, caller, { ...ref, userId, roles });
    });
  }

  /** Idempotent, as ZITADEL: no event (and no deletion date) when there was nothing to remove. */
  async delete(caller: Caller, userId: string, resource: AdminResource): Promise<WrittenEvent | undefined> {
    return this.tx.run(async (tx) => {
      const ref = await this.resolve(tx, caller, resource, 'delete');
      return this.members.remove(tx, caller, { ...ref, userId });
    });
  }

  async list(
    caller: Caller,
    filters: readonly AdminFilter[],
    sort: AdminSort,
    page: Page,
  ): Promise<{ items: AdministratorView[]; total: bigint }> {
    const q = listSql({
      select: SELECT,
      from: FROM,
      where: and(
        { op: 'eq', column: column('m.instance_id'), value: caller.instance.id },
        { op: 'isTrue', column: RESOURCE_EXISTS },
        this.visibility(caller),
        ...filters.map(toSql),
      ),
      sort: column(SORT_COLUMNS[sort]),
      tieBreaker: column('(m.user_id, m.level, m.resource_id)'),
      page,
    });
    const { rows, total } = await fetchPage<Record<string, any>>(this.tx.reader, q);
    const users = await userSummaries(this.policies, caller.instance.id, rows);
    return { items: rows.map((r, i) => view(r, users[i])), total };
  }

  /** ZITADEL's ListMyZitadelPermissions: what the caller's own memberships allow in `orgId`. */
  myZitadelPermissions(caller: AuthenticatedCaller, orgId: string): string[] {
    return zitadelPermissionsIn(caller.principal.grants, caller.instance.id, orgId);
  }

  /** The roles an administrator of this level may hold (v1's List*MemberRoles). */
  assignableRoles(level: MembershipLevel): readonly string[] {
    return ROLES_BY_LEVEL[level];
  }

  // ---- internals --------------------------------------------------------------------------

  /**
   * Checks `<level prefix>.<action>` on the resource and answers which membership it is. Project
   * grant administrators are checked on the granted org (ZITADEL: the grant's org manages them).
   */
  private async resolve(
    tx: EntityManager,
    caller: Caller,
    resource: AdminResource,
    action: 'write' | 'delete',
  ): Promise<Omit<MembershipRef, 'userId'>> {
    const prefix = PERMISSION_PREFIX[resource.kind];
    const permission = `${prefix}.${action}` as const;
    const read = `${prefix}.read` as const;
    const instanceId = caller.instance.id;
    switch (resource.kind) {
      case 'instance':
        authorize(caller, permission, { instance: true }, () => errors.instanceDenied(permission));
        return { level: 'instance', resourceId: instanceId, resourceOwner: instanceId };
      case 'org': {
        authorize(caller, permission, { orgId: resource.orgId }, errors.orgNotFound, read);
        if (!(await this.orgs.exists(tx, instanceId, resource.orgId))) throw errors.orgNotFound();
        return { level: 'org', resourceId: resource.orgId, resourceOwner: resource.orgId };
      }
      case 'project': {
        const project = await this.projects.findProject(tx, instanceId, resource.projectId);
        if (!project) throw errors.projectNotFound();
        authorize(
          caller,
          permission,
          { orgId: project.resourceOwner, projectId: project.id },
          errors.projectNotFound,
          read,
        );
        return { level: 'project', resourceId: project.id, resourceOwner: project.resourceOwner };
      }
      case 'projectGrant': {
        const found = await this.projects.findGrantById(tx, instanceId, resource.projectGrantId);
        const grant = found?.projectId === resource.projectId ? found : null;
        if (!grant) throw errors.projectGrantNotFound();
        authorize(
          caller,
          permission,
          { orgId: grant.grantedOrgId, projectId: grant.projectId, projectGrantId: grant.id },
          errors.projectGrantNotFound,
          read,
        );
        return {
          level: 'project_grant',
          resourceId: grant.id,
          resourceOwner: grant.resourceOwner,
          projectId: grant.projectId,
        };
      }
    }
  }

  /**
   * Which administrators the caller sees: their own, and those of resources on whose level they
   * hold `<prefix>.read` (the same coverage as the checks in `resolve`).
   */
  private visibility(caller: Caller): Filter {
    if (caller.system) return { op: 'true' };
    const principal = caller.principal;
    if (!principal) return { op: 'false' };
    const level = (l: MembershipLevel): Filter => ({ op: 'eq', column: column('m.level'), value: l });
    const instanceReader = hasPermission(principal.grants, caller.instance.id, 'iam.member.read', { instance: true });
    return {
      op: 'or',
      filters: [
        { op: 'eq', column: column('m.user_id'), value: principal.userId },
        instanceReader ? level('instance') : { op: 'false' },
        and(level('org'), scopeFilter(caller, 'org.member.read', { orgs: column('m.resource_id') })),
        and(
          level('project'),
          scopeFilter(caller, 'project.member.read', {
            orgs: column('p.resource_owner'),
            projects: column('m.resource_id'),
          }),
        ),
        and(
          level('project_grant'),
          scopeFilter(caller, 'project.grant.member.read', {
            orgs: column('pg.granted_org_id'),
            projects: column('pg.project_id'),
            projectGrants: column('m.resource_id'),
          }),
        ),
      ],
    };
  }
}

function toSql(f: AdminFilter): Filter {
  switch (f.kind) {
    case 'creationDate':
      return { op: 'cmp', column: column('m.created_at'), operator: f.operator, value: f.at };
    case 'changeDate':
      return { op: 'cmp', column: column('m.changed_at'), operator: f.operator, value: f.at };
    case 'userIds':
      return { op: 'in', column: column('m.user_id'), values: f.ids };
    case 'userOrg':
      return { op: 'eq', column: column(USER_COLUMNS.orgId), value: f.orgId };
    case 'loginName':
      return userLoginNameFilter(f.match, f.value);
    case 'displayName':
      return userDisplayNameFilter(f.match, f.value);
    case 'firstName':
      return { op: 'text', column: column(USER_COLUMNS.givenName), match: f.match, value: f.value };
    case 'lastName':
      return { op: 'text', column: column(USER_COLUMNS.familyName), match: f.match, value: f.value };
    case 'email':
      return { op: 'text', column: column(USER_COLUMNS.email), match: f.match, value: f.value };
    case 'resource':
      return and(
        { op: 'eq', column: column('m.level'), value: f.level },
        ...(f.id === undefined ? [] : [{ op: 'eq' as const, column: column('m.resource_id'), value: f.id }]),
      );
    case 'role':
      return {
        op: 'exists',
        from: column('unnest(m.roles) r(role)'),
        where: { op: 'eq', column: column('r.role'), value: f.role },
      };
    case 'and':
    case 'or':
      return { op: f.kind, filters: f.filters.map(toSql) };
    case 'not':
      return { op: 'not', filter: toSql(f.filter) };
  }
}

function view(r: Record<string, any>, user: UserSummary): AdministratorView {
  const level = r.level as MembershipLevel;
  return {
    user,
    contact: {
      type: r.user_type,
      email: r.user_email ?? '',
      firstName: r.user_given_name ?? '',
      lastName: r.user_family_name ?? '',
    },
    level,
    resourceId: r.resource_id,
    roles: r.roles,
    createdAt: r.created_at,
    changedAt: r.changed_at,
    ...(level === 'org' ? { org: { name: r.org_name } } : {}),
    ...(level === 'project' ? { project: { name: r.project_name, orgId: r.project_org_id } } : {}),
    ...(level === 'project_grant'
      ? {
          projectGrant: {
            projectId: r.grant_project_id,
            projectName: r.grant_project_name,
            orgId: r.grant_org_id,
            grantedOrgId: r.granted_org_id,
          },
        }
      : {}),
  };
}
