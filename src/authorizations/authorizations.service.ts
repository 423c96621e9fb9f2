import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { authorize, scopeFilter } from '../platform/authz/authorize.js';
import type { PermissionTarget } from '../platform/authz/permissions.js';
import {
  and,
  column,
  fetchPage,
  listSql,
  type Filter,
  type Page,
  type TextMatch,
} from '../platform/database/list-query.js';
import { isUniqueViolation, underSavepoint } from '../platform/database/pg-errors.js';
import { Transactions } from '../platform/database/transactions.js';
import { EventStore, type WrittenEvent } from '../platform/events/event-store.js';
import { IdGenerator } from '../platform/ids/id-generator.js';
import { creatorOf, type AuthenticatedCaller, type Caller } from '../platform/rpc/call-context.js';
import { AppsQueries } from '../apps/apps.queries.js';
import { joinOrg } from '../orgs/orgs.queries.js';
import { joinProject, joinProjectGrant } from '../projects/projects.queries.js';
import { ProjectStore } from '../projects/projects.store.js';
import { Policies } from '../settings/policies.queries.js';
import { UserStore } from '../users/users.store.js';
import * as errors from './authorizations.errors.js';
import { UserGrant, type AuthorizationState } from './user-grant.entity.js';
import {
  USER_COLUMNS,
  USER_SUMMARY_SELECT,
  userDisplayNameFilter,
  userLoginNameFilter,
  userSummaries,
  userSummaryJoin,
  type UserSummary,
} from '../users/user-summary.queries.js';
import type { Permission } from '../platform/authz/permissions.js';

export interface NewAuthorization {
  readonly userId: string;
  readonly projectId: string;
  /** The org the authorization belongs to; the project's own org when absent. */
  readonly orgId?: string;
  readonly roleKeys: readonly string[];
}

export type AuthorizationFilter =
  | { readonly kind: 'ids'; readonly ids: readonly string[] }
  | { readonly kind: 'org' | 'user' | 'userOrg' | 'project' | 'projectGrant'; readonly id: string }
  | { readonly kind: 'state'; readonly state: AuthorizationState }
  | {
      readonly kind:
        | 'loginName'
        | 'displayName'
        | 'projectName'
        | 'roleKey'
        | 'username'
        | 'givenName'
        | 'familyName'
        | 'email'
        | 'orgName'
        | 'orgDomain';
      readonly match: TextMatch;
      readonly value: string;
    }
  | { readonly kind: 'userType'; readonly type: 'human' | 'machine' }
  /** v1's `with_granted` (ZITADEL): the org's own authorizations and those given on its projects by orgs it granted them to. */
  | { readonly kind: 'orgOrProjectOrg'; readonly id: string }
  | { readonly kind: 'and' | 'or'; readonly filters: readonly AuthorizationFilter[] };

export type AuthorizationSort = 'creationDate' | 'changeDate' | 'id' | 'userId' | 'projectId' | 'orgId' | 'userOrgId';

/** An authorization with the names the contract shows beside it. */
export interface AuthorizationView {
  readonly id: string;
  readonly projectId: string;
  readonly projectName: string;
  readonly projectOrgId: string;
  readonly projectGrantId: string | null;
  readonly grantedOrgId: string | null;
  readonly orgId: string;
  readonly state: AuthorizationState;
  readonly roleKeys: string[];
  readonly createdAt: Date;
  readonly changedAt: Date;
  readonly sequence: bigint;
  readonly user: UserSummary;
  /** The org the authorization belongs to, as v1 names it. */
  readonly org: { readonly name: string; readonly domain: string };
  /** What v1's UserGrant shows of the user beside the summary. */
  readonly userDetail: {
    readonly username: string;
    readonly givenName: string;
    readonly familyName: string;
    readonly email: string;
    readonly type: 'human' | 'machine';
    readonly orgName: string;
  };
}

const AGGREGATE = 'usergrant';

const SORT_COLUMNS: Record<AuthorizationSort, string> = {
  creationDate: 'ug.created_at',
  changeDate: 'ug.changed_at',
  id: 'ug.id',
  userId: 'ug.user_id',
  projectId: 'ug.project_id',
  orgId: 'ug.resource_owner',
  userOrgId: USER_COLUMNS.orgId,
};

const SELECT = `ug.id, ug.project_id, ug.project_grant_id, ug.resource_owner, ug.role_keys, ug.state, ug.created_at, ug.changed_at, ug.sequence,
  ${USER_SUMMARY_SELECT}, p.name AS project_name, p.resource_owner AS project_org_id, pg.granted_org_id,
  go.name AS org_name, go.primary_domain AS org_domain`;
/**
 * One statement across the user, the project, the org and the grant: the list filters and sorts
 * on their columns (see `joinedTable`), and every authorization has all of them but the grant
 * (their removal cascades to it).
 */
const FROM = `user_grants ug ${userSummaryJoin('ug')}
  ${joinProject('p', { instanceId: 'ug.instance_id', id: 'ug.project_id' })}
  ${joinOrg('go', { instanceId: 'ug.instance_id', id: 'ug.resource_owner' })}
  ${joinProjectGrant('pg', { instanceId: 'ug.instance_id', id: 'ug.project_grant_id' }, { left: true })}`;

/** What an authorization is checked against: its org (the granted org for grants), project and grant. */
const targetOf = (g: Pick<UserGrant, 'resourceOwner' | 'projectId' | 'projectGrantId'>): PermissionTarget => ({
  orgId: g.resourceOwner,
  projectId: g.projectId,
  ...(g.projectGrantId ? { projectGrantId: g.projectGrantId } : {}),
});

/**
 * Authorizations (ZITADEL's user grants): a user's role keys on a project, given by the
 * project's org from the project's roles, or by an org the project is granted to from the
 * grant's subset. `user.grant.*` is checked on the authorization's org, project and grant.
 */
@Injectable()
export class AuthorizationsService {
  constructor(
    private readonly tx: Transactions,
    private readonly ids: IdGenerator,
    private readonly events: EventStore,
    private readonly policies: Policies,
    private readonly apps: AppsQueries,
    private readonly projects: ProjectStore,
    private readonly users: UserStore,
  ) {}

  // ---- commands ---------------------------------------------------------------------------

  async create(caller: Caller, input: NewAuthorization): Promise<{ id: string; createdAt: Date }> {
    return this.tx.run(async (tx) => {
      const instanceId = caller.instance.id;
      const project = await this.projects.findProject(tx, instanceId, input.projectId);
      if (!project) throw errors.projectNotFound();
      const orgId = input.orgId || project.resourceOwner;
      const grant =
        orgId === project.resourceOwner ? null : await this.projects.findGrant(tx, instanceId, project.id, orgId);
      authorize(
        caller,
        'user.grant.write',
        targetOf({ resourceOwner: orgId, projectId: project.id, projectGrantId: grant?.id ?? null }),
        errors.projectNotFound,
        'user.grant.read',
      );
      // An org the project is not granted to has no access to it: the same answer as no project.
      if (orgId !== project.resourceOwner && !grant) throw errors.projectNotFound();
      if (grant && grant.state !== 'active') throw errors.projectGrantInactive();
      await this.checkRoles(tx, caller, project.id, grant, input.roleKeys);
      if (!(await this.users.exists(tx, instanceId, input.userId))) throw errors.userNotFound();

      const id = this.ids.next();
      const now = new Date();
      await underSavepoint(
        tx,
        () =>
          tx.insert(UserGrant, {
            instanceId,
            id,
            userId: input.userId,
            projectId: project.id,
            projectGrantId: grant?.id ?? null,
            resourceOwner: orgId,
            roleKeys: [...input.roleKeys],
            state: 'active',
            createdAt: now,
            changedAt: now,
            sequence: '0',
          }),
        (err) => (isUniqueViolation(err, 'user_grants_unique') ? errors.authorizationExists() : err),
      );
      const event = await this.push(
        tx,
        caller,
        { id, resourceOwner: orgId },
        'user.grant.added',
        {
          userId: input.userId,
          projectId: project.id,
          projectGrantId: grant?.id,
          roleKeys: input.roleKeys,
        },
        true,
      );
      return { id, createdAt: event.createdAt };
    });
  }

  /** Replaces the role keys; unchanged keys are no change (the last change date is answered). */
  async update(caller: Caller, id: string, roleKeys: readonly string[]): Promise<Date> {
    return this.tx.run(async (tx) => {
      const current = await this.loadForWrite(tx, caller, id, 'user.grant.write');
      const grant = current.projectGrantId
        ? await this.projects.findGrantById(tx, caller.instance.id, current.projectGrantId)
        : null;
      await this.checkRoles(tx, caller, current.projectId, grant, roleKeys);
      if (sameSet(current.roleKeys, roleKeys)) return current.changedAt;
      await tx.update(UserGrant, { instanceId: caller.instance.id, id }, { roleKeys: [...roleKeys] });
      return (await this.push(tx, caller, current, 'user.grant.changed', { roleKeys })).createdAt;
    });
  }

  /** Activates or deactivates; one already in that state is answered with its last change date. */
  async setState(caller: Caller, id: string, state: AuthorizationState): Promise<Date> {
    return this.tx.run(async (tx) => {
      const current = await this.loadForWrite(tx, caller, id, 'user.grant.write');
      if (current.state === state) return current.changedAt;
      await tx.update(UserGrant, { instanceId: caller.instance.id, id }, { state });
      return (
        await this.push(
          tx,
          caller,
          current,
          state === 'active' ? 'user.grant.reactivated' : 'user.grant.deactivated',
          {},
        )
      ).createdAt;
    });
  }

  /**
   * Deletes the authorization. As ZITADEL, deleting one that is already gone succeeds without a
   * deletion date, but only for a caller who could have deleted it (told by its removal event,
   * its own or the cascade's when its project or grant went). Anyone else, and any id that never
   * was, gets NOT_FOUND, so ids cannot be probed.
   */
  async delete(caller: Caller, id: string, outer?: EntityManager): Promise<Date | undefined> {
    return this.tx.run(async (tx) => {
      const current = await this.lock(tx, caller, id);
      if (!current) {
        const removed: { resource_owner: string; payload: { projectId?: string; projectGrantId?: string } }[] =
          await tx.query(
            `SELECT resource_owner, payload FROM events WHERE instance_id = $1 AND aggregate_type = $2 AND aggregate_id = $3 AND event_type IN ('user.grant.removed', 'user.grant.cascade.removed') LIMIT 1`,
            [caller.instance.id, AGGREGATE, id],
          );
        if (!removed.length || !removed[0].payload.projectId) throw errors.authorizationNotFound();
        const { projectId, projectGrantId } = removed[0].payload;
        authorize(
          caller,
          'user.grant.delete',
          targetOf({ resourceOwner: removed[0].resource_owner, projectId, projectGrantId: projectGrantId ?? null }),
          errors.authorizationNotFound,
          'user.grant.read',
        );
        return undefined;
      }
      authorize(caller, 'user.grant.delete', targetOf(current), errors.authorizationNotFound, 'user.grant.read');
      const event = await this.events.push(tx, caller.instance.id, creatorOf(caller), [
        {
          aggregateType: AGGREGATE,
          aggregateId: id,
          resourceOwner: current.resourceOwner,
          type: 'user.grant.removed',
          payload: {
            userId: current.userId,
            projectId: current.projectId,
            projectGrantId: current.projectGrantId ?? undefined,
          },
        },
      ]);
      await tx.delete(UserGrant, { instanceId: caller.instance.id, id });
      return event[0].createdAt;
    }, outer);
  }

  /** v1's BulkRemoveUserGrant: all of them or none, each as `delete` checks and answers it. */
  async deleteAll(caller: Caller, ids: readonly string[]): Promise<void> {
    await this.tx.run(async (tx) => {
      for (const id of ids) await this.delete(caller, id, tx);
    });
  }

  // ---- queries ----------------------------------------------------------------------------

  async list(
    caller: Caller,
    filters: readonly AuthorizationFilter[],
    sort: AuthorizationSort,
    page: Page,
  ): Promise<{ items: AuthorizationView[]; total: bigint }> {
    const q = listSql({
      select: SELECT,
      from: FROM,
      where: and(
        { op: 'eq', column: column('ug.instance_id'), value: caller.instance.id },
        this.visibility(caller),
        ...filters.map(toSql),
      ),
      sort: column(SORT_COLUMNS[sort]),
      tieBreaker: column('ug.id'),
      page,
    });
    const { rows, total } = await fetchPage<Record<string, any>>(this.tx.reader, q);
    const users = await userSummaries(this.policies, caller.instance.id, rows);
    return {
      items: rows.map((r, i) => ({
        id: r.id,
        projectId: r.project_id,
        projectName: r.project_name,
        projectOrgId: r.project_org_id,
        projectGrantId: r.project_grant_id,
        grantedOrgId: r.project_grant_id ? r.granted_org_id : null,
        orgId: r.resource_owner,
        state: r.state,
        roleKeys: r.role_keys,
        createdAt: r.created_at,
        changedAt: r.changed_at,
        sequence: BigInt(r.sequence),
        user: users[i],
        org: { name: r.org_name, domain: r.org_domain ?? '' },
        userDetail: {
          username: r.user_username,
          givenName: r.user_given_name ?? '',
          familyName: r.user_family_name ?? '',
          email: r.user_email ?? '',
          type: r.user_type,
          orgName: r.user_org_name,
        },
      })),
      total,
    };
  }

  /**
   * ZITADEL's ListMyProjectPermissions: the role keys of the caller's authorization in `orgId` on
   * the project of the app its token was issued to. None there (or no app: a PAT or a session
   * token) is NOT_FOUND, as ZITADEL's single user grant query answers.
   */
  async myProjectRoles(caller: AuthenticatedCaller, orgId: string): Promise<string[]> {
    const clientId = caller.principal.clientId;
    const app = clientId ? await this.apps.activeClient(caller.instance.id, clientId) : undefined;
    if (!app) throw errors.authorizationNotFound();
    const filters: AuthorizationFilter[] = [
      { kind: 'user', id: caller.principal.userId },
      { kind: 'project', id: app.projectId },
      { kind: 'org', id: orgId },
    ];
    const [found] = (await this.list(caller, filters, 'creationDate', { offset: 0, limit: 1, asc: true })).items;
    if (!found) throw errors.authorizationNotFound();
    return found.roleKeys;
  }

  // ---- internals --------------------------------------------------------------------------

  /** Own authorizations need no permission (ZITADEL); others need `user.grant.read` on their org, project or grant. */
  private visibility(caller: Caller): Filter {
    const permitted = scopeFilter(caller, 'user.grant.read', {
      orgs: column('ug.resource_owner'),
      projects: column('ug.project_id'),
      projectGrants: column('ug.project_grant_id'),
    });
    if (!caller.principal) return permitted;
    return {
      op: 'or',
      filters: [{ op: 'eq', column: column('ug.user_id'), value: caller.principal.userId }, permitted],
    };
  }

  /** Only roles of the project, and for a grant only those granted, may be given. */
  private async checkRoles(
    tx: EntityManager,
    caller: Caller,
    projectId: string,
    grant: { readonly roleKeys: readonly string[] } | null,
    roleKeys: readonly string[],
  ): Promise<void> {
    if (!roleKeys.length) return;
    const keys = await this.projects.roleKeys(tx, caller.instance.id, projectId);
    const allowed = new Set(keys.filter((k) => !grant || grant.roleKeys.includes(k)));
    const unknown = roleKeys.filter((k) => !allowed.has(k));
    if (unknown.length) throw errors.unknownRoles('role_keys', unknown, grant !== null);
  }

  private lock(tx: EntityManager, caller: Caller, id: string): Promise<UserGrant | null> {
    return tx
      .getRepository(UserGrant)
      .createQueryBuilder('ug')
      .setLock('pessimistic_write')
      .where('ug.instance_id = :i AND ug.id = :id', { i: caller.instance.id, id })
      .getOne();
  }

  /** Checks the permission on the authorization, then holds its row for the rest of the transaction. */
  private async loadForWrite(
    tx: EntityManager,
    caller: Caller,
    id: string,
    permission: Permission,
  ): Promise<UserGrant> {
    const current = await this.lock(tx, caller, id);
    if (!current) throw errors.authorizationNotFound();
    authorize(caller, permission, targetOf(current), errors.authorizationNotFound, 'user.grant.read');
    return current;
  }

  /** Appends the authorization's event and moves its row's sequence and change date (and creation date) to it. */
  private async push(
    tx: EntityManager,
    caller: Caller,
    grant: Pick<UserGrant, 'id' | 'resourceOwner'>,
    type: string,
    payload: Record<string, unknown>,
    created = false,
  ): Promise<WrittenEvent> {
    const [event] = await this.events.push(tx, caller.instance.id, creatorOf(caller), [
      { aggregateType: AGGREGATE, aggregateId: grant.id, resourceOwner: grant.resourceOwner, type, payload },
    ]);
    await tx.update(
      UserGrant,
      { instanceId: caller.instance.id, id: grant.id },
      {
        sequence: event.sequence.toString(),
        changedAt: event.createdAt,
        ...(created ? { createdAt: event.createdAt } : {}),
      },
    );
    return event;
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k) => b.includes(k));
}

const TEXT_COLUMNS = {
  username: USER_COLUMNS.username,
  givenName: USER_COLUMNS.givenName,
  familyName: USER_COLUMNS.familyName,
  email: USER_COLUMNS.email,
  orgName: 'go.name',
  orgDomain: 'go.primary_domain',
} as const;

function toSql(f: AuthorizationFilter): Filter {
  switch (f.kind) {
    case 'ids':
      return { op: 'in', column: column('ug.id'), values: f.ids };
    case 'org':
      return { op: 'eq', column: column('ug.resource_owner'), value: f.id };
    case 'user':
      return { op: 'eq', column: column('ug.user_id'), value: f.id };
    case 'userOrg':
      return { op: 'eq', column: column(USER_COLUMNS.orgId), value: f.id };
    case 'project':
      // Includes the authorizations given through the project's grants (the contract says so).
      return { op: 'eq', column: column('ug.project_id'), value: f.id };
    case 'projectGrant':
      return { op: 'eq', column: column('ug.project_grant_id'), value: f.id };
    case 'state':
      return { op: 'eq', column: column('ug.state'), value: f.state };
    case 'loginName':
      return userLoginNameFilter(f.match, f.value);
    case 'displayName':
      return userDisplayNameFilter(f.match, f.value);
    case 'projectName':
      return { op: 'text', column: column('p.name'), match: f.match, value: f.value };
    case 'roleKey':
      return {
        op: 'exists',
        from: column('unnest(ug.role_keys) rk(key)'),
        where: { op: 'text', column: column('rk.key'), match: f.match, value: f.value },
      };
    case 'username':
    case 'givenName':
    case 'familyName':
    case 'email':
    case 'orgName':
    case 'orgDomain':
      return { op: 'text', column: column(TEXT_COLUMNS[f.kind]), match: f.match, value: f.value };
    case 'userType':
      return { op: 'eq', column: column(USER_COLUMNS.type), value: f.type };
    case 'orgOrProjectOrg':
      return {
        op: 'or',
        filters: [
          { op: 'eq', column: column('ug.resource_owner'), value: f.id },
          { op: 'eq', column: column('p.resource_owner'), value: f.id },
        ],
      };
    case 'and':
    case 'or':
      return { op: f.kind, filters: f.filters.map(toSql) };
  }
}
