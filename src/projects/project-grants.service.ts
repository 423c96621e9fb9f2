import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OrgQueries } from '../orgs/orgs.queries.js';
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
import { PermissionDenied } from '../platform/errors/domain-error.js';
import { IdGenerator } from '../platform/ids/id-generator.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { ProjectGrant, type Project, type ProjectState } from './project.entity.js';
import { ProjectAccess } from './project-access.js';
import { scopeFilter } from '../platform/authz/authorize.js';
import type { Permission } from '../platform/authz/permissions.js';
import { ProjectDependents } from './project-dependents.js';
import { ProjectStore } from './projects.store.js';
import * as errors from './projects.errors.js';
import type { Listed, Strictness } from './projects.service.js';

export type GrantFilter =
  | { readonly kind: 'projectName'; readonly match: TextMatch; readonly value: string }
  | { readonly kind: 'roleKey'; readonly match: TextMatch; readonly value: string }
  | { readonly kind: 'projectIds'; readonly ids: readonly string[] }
  /** project_resource_owner_filter: grants of the org's projects. */
  | { readonly kind: 'owner'; readonly orgId: string }
  /** project_grant_resource_owner_filter: grants to the org (ZITADEL reads it as the granted org). */
  | { readonly kind: 'grantedTo'; readonly orgId: string }
  | { readonly kind: 'id'; readonly id: string };

/** v2beta names a grant by its project and granted org, v1 by its own id. */
export type GrantKey = { readonly grantedOrgId: string } | { readonly grantId: string };

export type GrantSort = 'projectId' | 'creationDate' | 'changeDate';

/** A grant with the names the contract shows beside it. */
export interface GrantView extends ProjectGrant {
  readonly projectName: string;
  readonly grantedOrgName: string;
  /** The name of the org owning the project (v1's GrantedProject shows it). */
  readonly projectOwnerName: string;
}

const SORT_COLUMNS: Record<GrantSort, string> = {
  projectId: 'g.project_id',
  creationDate: 'g.created_at',
  changeDate: 'g.changed_at',
};

/** The orgs' names are read from orgs for the page: both orgs of a grant are there (their removal cascades to it). */
const GRANTS_FROM = `project_grants g
  JOIN projects p ON p.instance_id = g.instance_id AND p.id = g.project_id`;

/**
 * Project grants: a project shared with another org, with the subset of its roles that org may
 * hand out to its users. Keyed by project and granted org, as the v2beta API does; each grant
 * also has its own id (what authorizations and grant memberships refer to).
 */
@Injectable()
export class ProjectGrantsService {
  constructor(
    private readonly tx: Transactions,
    private readonly ids: IdGenerator,
    private readonly store: ProjectStore,
    private readonly access: ProjectAccess,
    private readonly dependents: ProjectDependents,
    private readonly orgs: OrgQueries,
  ) {}

  async create(
    caller: Caller,
    projectId: string,
    grantedOrgId: string,
    roleKeys: readonly string[],
  ): Promise<{ id: string; createdAt: Date }> {
    return this.tx.run(async (tx) => {
      const project = await this.access.load(tx, caller, projectId, 'project.grant.write', { lock: true });
      if (grantedOrgId === project.resourceOwner) throw errors.grantToOwnOrg();
      if (!(await this.orgs.exists(tx, caller.instance.id, grantedOrgId))) throw errors.grantedOrgNotFound();
      const keys = await this.knownRoles(tx, caller, projectId, roleKeys);
      const now = new Date();
      const grant: ProjectGrant = {
        instanceId: caller.instance.id,
        id: this.ids.next(),
        projectId,
        resourceOwner: project.resourceOwner,
        grantedOrgId,
        roleKeys: keys,
        state: 'active',
        createdAt: now,
        changedAt: now,
        sequence: '0',
      };
      await underSavepoint(
        tx,
        () => tx.insert(ProjectGrant, grant),
        (err) => (isUniqueViolation(err, 'project_grants_org') ? errors.grantExists() : err),
      );
      const createdAt = await this.push(tx, caller, project, grant, 'project.grant.added', {
        grantedOrgId,
        roleKeys: keys,
      });
      return { id: grant.id, createdAt };
    });
  }

  /**
   * Replaces the roles the grant hands out. Roles it loses are taken from the authorizations
   * given through it. The same roles again answer the last change date and write nothing, or
   * with `refuseUnchanged` FAILED_PRECONDITION (ZITADEL's v1 ChangeProjectGrant: NoChangesFound).
   */
  async update(
    caller: Caller,
    projectId: string,
    key: GrantKey,
    roleKeys: readonly string[],
    options: Strictness = {},
  ): Promise<Date> {
    return this.tx.run(async (tx) => {
      const { project, grant } = await this.loadForWrite(tx, caller, projectId, key, 'project.grant.write');
      const keys = await this.knownRoles(tx, caller, projectId, roleKeys);
      const lost = grant.roleKeys.filter((k) => !keys.includes(k));
      if (lost.length === 0 && keys.length === grant.roleKeys.length) {
        if (options.refuseUnchanged) throw errors.grantUnchanged();
        return grant.changedAt;
      }
      await tx.update(ProjectGrant, { instanceId: caller.instance.id, id: grant.id }, { roleKeys: keys });
      await this.dependents.removeRolesFromGrantAuthorizations(tx, caller, grant, lost);
      const { grantedOrgId } = grant;
      return this.push(tx, caller, project, grant, 'project.grant.changed', { grantedOrgId, roleKeys: keys });
    });
  }

  async setState(caller: Caller, projectId: string, key: GrantKey, state: ProjectState): Promise<Date> {
    return this.tx.run(async (tx) => {
      const { project, grant } = await this.loadForWrite(tx, caller, projectId, key, 'project.grant.write');
      if (grant.state === state) throw state === 'active' ? errors.grantNotInactive() : errors.grantNotActive();
      await tx.update(ProjectGrant, { instanceId: caller.instance.id, id: grant.id }, { state });
      const type = state === 'active' ? 'project.grant.reactivated' : 'project.grant.deactivated';
      return this.push(tx, caller, project, grant, type, { grantedOrgId: grant.grantedOrgId });
    });
  }

  /**
   * Deletes the grant, the authorizations given through it and the memberships on it. A grant
   * that does not exist, or that the caller cannot see, is "already deleted" (no error, no date).
   */
  async delete(caller: Caller, projectId: string, key: GrantKey): Promise<Date | undefined> {
    return this.tx.run(async (tx) => {
      const project = await this.store.lockProject(tx, caller.instance.id, projectId);
      if (!project) return undefined;
      const access = await this.access.check(tx, caller, project, 'project.grant.delete', 'project.grant.read');
      if (access === 'hidden') return undefined;
      if (access === 'denied') throw PermissionDenied('PROJ-d3n13', 'no permission: project.grant.delete required');
      const grant = await this.findByKey(tx, caller, projectId, key);
      if (!grant) return undefined;
      await this.dependents.removeGrant(tx, caller, grant);
      const written = await this.store.push(tx, caller, project, [
        { type: 'project.grant.removed', payload: { grantId: grant.id, grantedOrgId: grant.grantedOrgId } },
      ]);
      await tx.delete(ProjectGrant, { instanceId: caller.instance.id, id: grant.id });
      return written.createdAt;
    });
  }

  /** Grants of the projects the caller may read grants of, and grants to its orgs. */
  async list(caller: Caller, filters: readonly GrantFilter[], sort: GrantSort, page: Page): Promise<Listed<GrantView>> {
    const visibility = scopeFilter(caller, 'project.grant.read', {
      orgs: [column('g.resource_owner'), column('g.granted_org_id')],
      projects: column('g.project_id'),
      projectGrants: column('g.id'),
    });
    const q = listSql({
      select: 'g.*, p.name AS project_name',
      from: GRANTS_FROM,
      where: and(
        { op: 'eq', column: column('g.instance_id'), value: caller.instance.id },
        visibility,
        ...filters.map(grantFilter),
      ),
      sort: column(SORT_COLUMNS[sort]),
      tieBreaker: column('g.id'),
      page,
    });
    const { rows, total } = await fetchPage(this.tx.reader, q);
    const orgs = await this.orgs.summaries(
      caller.instance.id,
      rows.flatMap((r) => [r.granted_org_id as string, r.resource_owner as string]),
    );
    const items = rows.map(
      (r): GrantView => ({
        instanceId: r.instance_id as string,
        id: r.id as string,
        projectId: r.project_id as string,
        resourceOwner: r.resource_owner as string,
        grantedOrgId: r.granted_org_id as string,
        roleKeys: r.role_keys as string[],
        state: r.state as ProjectState,
        createdAt: r.created_at as Date,
        changedAt: r.changed_at as Date,
        sequence: String(r.sequence),
        projectName: r.project_name as string,
        grantedOrgName: orgs.get(r.granted_org_id as string)?.name ?? '',
        projectOwnerName: orgs.get(r.resource_owner as string)?.name ?? '',
      }),
    );
    return { items, total };
  }

  /** One grant of the project by its id, to those who may read it (v1 addresses grants by id). */
  async get(caller: Caller, projectId: string, grantId: string): Promise<GrantView> {
    const filters: GrantFilter[] = [
      { kind: 'id', id: grantId },
      { kind: 'projectIds', ids: [projectId] },
    ];
    const { items } = await this.list(caller, filters, 'creationDate', { offset: 0, limit: 1, asc: true });
    if (!items[0]) throw errors.grantNotFound();
    return items[0];
  }

  // ---- internals --------------------------------------------------------------------------

  private async loadForWrite(
    tx: EntityManager,
    caller: Caller,
    projectId: string,
    key: GrantKey,
    permission: Permission,
  ) {
    const project = await this.access.load(tx, caller, projectId, permission, {
      lock: true,
      readPermission: 'project.grant.read',
    });
    const grant = await this.findByKey(tx, caller, projectId, key);
    if (!grant) throw errors.grantNotFound();
    return { project, grant };
  }

  private async findByKey(tx: EntityManager, caller: Caller, projectId: string, key: GrantKey) {
    if ('grantedOrgId' in key) return this.store.findGrant(tx, caller.instance.id, projectId, key.grantedOrgId);
    const grant = await this.store.findGrantById(tx, caller.instance.id, key.grantId);
    return grant?.projectId === projectId ? grant : null;
  }

  /** The role keys without repeats, all of them roles of the project (else INVALID_ARGUMENT naming the others). */
  private async knownRoles(
    tx: EntityManager,
    caller: Caller,
    projectId: string,
    roleKeys: readonly string[],
  ): Promise<string[]> {
    const keys = [...new Set(roleKeys)];
    const missing = await this.store.missingRoleKeys(tx, caller.instance.id, projectId, keys);
    if (missing.length) throw errors.grantRolesUnknown('role_keys', missing);
    return keys;
  }

  /** Appends the grant's event to the project's aggregate and moves the grant row's sequence and change date. */
  private async push(
    tx: EntityManager,
    caller: Caller,
    project: Project,
    grant: ProjectGrant,
    type: string,
    payload: Record<string, unknown>,
  ): Promise<Date> {
    const written = await this.store.push(tx, caller, project, [{ type, payload: { grantId: grant.id, ...payload } }]);
    await tx.update(
      ProjectGrant,
      { instanceId: caller.instance.id, id: grant.id },
      { sequence: written.sequence.toString(), changedAt: written.createdAt },
    );
    return written.createdAt;
  }
}

function grantFilter(f: GrantFilter): Filter {
  switch (f.kind) {
    case 'projectName':
      return { op: 'text', column: column('p.name'), match: f.match, value: f.value };
    case 'roleKey':
      return {
        op: 'exists',
        from: column('unnest(g.role_keys) AS rk(key)'),
        where: { op: 'text', column: column('rk.key'), match: f.match, value: f.value },
      };
    case 'projectIds':
      return { op: 'in', column: column('g.project_id'), values: f.ids };
    case 'owner':
      return { op: 'eq', column: column('g.resource_owner'), value: f.orgId };
    case 'grantedTo':
      return { op: 'eq', column: column('g.granted_org_id'), value: f.orgId };
    case 'id':
      return { op: 'eq', column: column('g.id'), value: f.id };
  }
}
