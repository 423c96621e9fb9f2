import { Injectable } from '@nestjs/common';
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
import { invalidField } from '../platform/errors/domain-error.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { ProjectGrant, ProjectRole } from './project.entity.js';
import { ProjectAccess, mayOnProject, mayThroughGrant } from './project-access.js';
import { ProjectDependents } from './project-dependents.js';
import { ProjectStore, returning } from './projects.store.js';
import * as errors from './projects.errors.js';
import type { Listed, Strictness } from './projects.service.js';

export interface NewRole {
  readonly key: string;
  readonly displayName: string;
  readonly group?: string;
}

export type RoleFilter =
  | { readonly kind: 'key'; readonly match: TextMatch; readonly value: string }
  | { readonly kind: 'displayName'; readonly match: TextMatch; readonly value: string };

/** Where a role's key and display name sit in a request. */
export interface RoleFields {
  readonly key: string;
  readonly displayName: string;
}
const SINGLE_ROLE_FIELDS: RoleFields = { key: 'role_key', displayName: 'display_name' };

export type RoleSort = 'key' | 'creationDate' | 'changeDate';

const SORT_COLUMNS: Record<RoleSort, string> = {
  key: 'r.key',
  creationDate: 'r.created_at',
  changeDate: 'r.changed_at',
};

/** The roles of a project: what its authorizations and grants hand out. */
@Injectable()
export class ProjectRolesService {
  constructor(
    private readonly tx: Transactions,
    private readonly store: ProjectStore,
    private readonly access: ProjectAccess,
    private readonly dependents: ProjectDependents,
  ) {}

  async add(caller: Caller, projectId: string, input: NewRole): Promise<Date> {
    return this.addAll(caller, projectId, [input], () => SINGLE_ROLE_FIELDS);
  }

  /**
   * Adds several roles in one transaction: all or none (v1 BulkAddProjectRoles). `fields` names
   * each role's key and display name in the request, for errors.
   */
  async addAll(
    caller: Caller,
    projectId: string,
    inputs: readonly NewRole[],
    fields: (index: number) => RoleFields,
  ): Promise<Date> {
    if (inputs.length === 0) throw invalidField('PROJ-r0l3s', 'roles', 'at least one role is required');
    // The key is what tokens and authorizations carry: kept as given, never trimmed.
    inputs.forEach((input, i) => {
      if (!input.key.trim()) throw invalidField('PROJ-r0l3k', fields(i).key, 'must not be blank');
      if (!input.displayName.trim()) throw invalidField('PROJ-r0l3d', fields(i).displayName, 'must not be blank');
    });
    return this.tx.run(async (tx) => {
      const project = await this.access.load(tx, caller, projectId, 'project.role.write', { lock: true });
      const now = new Date();
      const roles: ProjectRole[] = inputs.map((input) => ({
        instanceId: caller.instance.id,
        projectId,
        key: input.key,
        displayName: input.displayName.trim(),
        group: input.group?.trim() ?? '',
        resourceOwner: project.resourceOwner,
        createdAt: now,
        changedAt: now,
      }));
      for (const role of roles)
        await underSavepoint(
          tx,
          () => tx.insert(ProjectRole, role),
          (err) => (isUniqueViolation(err, 'project_roles_pkey') ? errors.roleKeyTaken(role.key) : err),
        );
      const events = roles.map((r) => ({
        type: 'project.role.added',
        payload: { key: r.key, displayName: r.displayName, group: r.group },
      }));
      return (await this.store.push(tx, caller, project, events)).createdAt;
    });
  }

  /** The key stays; display name and group change. Nothing to change answers the last change date. */
  async update(
    caller: Caller,
    projectId: string,
    key: string,
    changes: { displayName?: string; group?: string },
    options: Strictness = {},
  ): Promise<Date> {
    const displayName = changes.displayName?.trim();
    if (displayName === '') throw invalidField('PROJ-r0l3d', 'display_name', 'must not be blank');
    return this.tx.run(async (tx) => {
      const project = await this.access.load(tx, caller, projectId, 'project.role.write', {
        lock: true,
        readPermission: 'project.role.read',
      });
      const role = await this.store.findRole(tx, caller.instance.id, projectId, key);
      if (!role) throw errors.roleNotFound(key);
      const diff: Partial<Pick<ProjectRole, 'displayName' | 'group'>> = {};
      if (displayName !== undefined && displayName !== role.displayName) diff.displayName = displayName;
      const group = changes.group?.trim();
      if (group !== undefined && group !== role.group) diff.group = group;
      if (Object.keys(diff).length === 0) {
        if (options.refuseUnchanged) throw errors.roleUnchanged(key);
        return role.changedAt;
      }
      const written = await this.store.push(tx, caller, project, [
        { type: 'project.role.changed', payload: { key, ...diff } },
      ]);
      await tx.update(
        ProjectRole,
        { instanceId: caller.instance.id, projectId, key },
        { ...diff, changedAt: written.createdAt },
      );
      return written.createdAt;
    });
  }

  /** Removes the role, and takes it out of the project's grants and authorizations (as ZITADEL's cascade events). */
  async remove(caller: Caller, projectId: string, key: string): Promise<Date> {
    return this.tx.run(async (tx) => {
      const project = await this.access.load(tx, caller, projectId, 'project.role.delete', {
        lock: true,
        readPermission: 'project.role.read',
      });
      const deleted = await tx.delete(ProjectRole, { instanceId: caller.instance.id, projectId, key });
      if (!deleted.affected) throw errors.roleNotFound(key);
      const grants = await returning<{ id: string; granted_org_id: string; role_keys: string[] }>(
        tx,
        `UPDATE project_grants SET role_keys = array_remove(role_keys, $3), changed_at = now()
          WHERE instance_id = $1 AND project_id = $2 AND $3 = ANY(role_keys)
          RETURNING id, granted_org_id, role_keys`,
        [caller.instance.id, projectId, key],
      );
      await this.dependents.removeRoleFromAuthorizations(tx, caller, projectId, key);
      const written = await this.store.push(tx, caller, project, [
        ...grants.map((g) => ({
          type: 'project.grant.cascade.changed',
          payload: { grantId: g.id, grantedOrgId: g.granted_org_id, roleKeys: g.role_keys },
        })),
        { type: 'project.role.removed', payload: { key } },
      ]);
      for (const g of grants)
        await tx.update(
          ProjectGrant,
          { instanceId: caller.instance.id, id: g.id },
          { sequence: written.sequence.toString() },
        );
      return written.createdAt;
    });
  }

  /**
   * The project's roles to its org's readers and members; to readers in an org it is granted to,
   * only the roles the grant hands out.
   */
  async list(
    caller: Caller,
    projectId: string,
    filters: readonly RoleFilter[],
    sort: RoleSort,
    page: Page,
  ): Promise<Listed<ProjectRole>> {
    const db = this.tx.reader;
    const project = await this.store.findProject(db, caller.instance.id, projectId);
    if (!project) throw errors.projectNotFound();
    let visibility: Filter = { op: 'true' };
    if (!mayOnProject(caller, 'project.role.read', project)) {
      const grants = await this.access.grantsVisibleTo(db, caller, project, 'project.role.read');
      if (!grants.length) throw errors.projectNotFound();
      visibility = { op: 'in', column: column('r.key'), values: [...new Set(grants.flatMap((g) => g.roleKeys))] };
    }
    return this.query(caller, projectId, visibility, filters, sort, page);
  }

  /**
   * The roles one grant of the project hands out (v1 ListGrantedProjectRoles), to readers of the
   * project and to those reading it through that grant.
   */
  async listOfGrant(
    caller: Caller,
    projectId: string,
    grantId: string,
    filters: readonly RoleFilter[],
    sort: RoleSort,
    page: Page,
  ): Promise<Listed<ProjectRole>> {
    const grant = await this.store.findGrantById(this.tx.reader, caller.instance.id, grantId);
    if (!grant || grant.projectId !== projectId) throw errors.grantNotFound();
    const owner = { id: projectId, resourceOwner: grant.resourceOwner };
    if (!mayOnProject(caller, 'project.role.read', owner) && !mayThroughGrant(caller, 'project.role.read', grant))
      throw errors.grantNotFound();
    const keys: Filter = { op: 'in', column: column('r.key'), values: grant.roleKeys };
    return this.query(caller, projectId, keys, filters, sort, page);
  }

  private async query(
    caller: Caller,
    projectId: string,
    visibility: Filter,
    filters: readonly RoleFilter[],
    sort: RoleSort,
    page: Page,
  ): Promise<Listed<ProjectRole>> {
    const db = this.tx.reader;
    const q = listSql({
      select: 'r.*',
      from: 'project_roles r',
      where: and(
        { op: 'eq', column: column('r.instance_id'), value: caller.instance.id },
        { op: 'eq', column: column('r.project_id'), value: projectId },
        visibility,
        ...filters.map(roleFilter),
      ),
      sort: column(SORT_COLUMNS[sort]),
      tieBreaker: column('r.key'),
      page,
    });
    const { rows, total } = await fetchPage(db, q);
    const items = rows.map(
      (r): ProjectRole => ({
        instanceId: r.instance_id as string,
        projectId: r.project_id as string,
        key: r.key as string,
        displayName: r.display_name as string,
        group: r.role_group as string,
        resourceOwner: r.resource_owner as string,
        createdAt: r.created_at as Date,
        changedAt: r.changed_at as Date,
      }),
    );
    return { items, total };
  }
}

function roleFilter(f: RoleFilter): Filter {
  switch (f.kind) {
    case 'key':
      return { op: 'text', column: column('r.key'), match: f.match, value: f.value };
    case 'displayName':
      return { op: 'text', column: column('r.display_name'), match: f.match, value: f.value };
  }
}
