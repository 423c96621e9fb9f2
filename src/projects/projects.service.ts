import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OrgQueries, type OrgSummary } from '../orgs/orgs.queries.js';
import { authorize } from '../platform/authz/authorize.js';
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
import { PermissionDenied, invalidField } from '../platform/errors/domain-error.js';
import { IdGenerator } from '../platform/ids/id-generator.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { Project, type ProjectState } from './project.entity.js';
import { ProjectAccess, mayOnProject } from './project-access.js';
import { scopeFilter } from '../platform/authz/authorize.js';
import { ProjectDependents } from './project-dependents.js';
import { ProjectStore } from './projects.store.js';
import * as errors from './projects.errors.js';

/** The project settings ZITADEL keeps beside the name. */
export interface ProjectSettings {
  readonly projectRoleAssertion: boolean;
  readonly authorizationRequired: boolean;
  readonly projectAccessRequired: boolean;
  /** zitadel.project.v2beta.PrivateLabelingSetting number. */
  readonly privateLabelingSetting: number;
}

export interface NewProject extends ProjectSettings {
  readonly organizationId: string;
  readonly id?: string;
  readonly name: string;
}

export type ProjectChanges = Partial<ProjectSettings> & { readonly name?: string };

/** How an org a project is granted to sees it (ZITADEL's granted_projects rows). */
export interface GrantedTo {
  readonly orgId: string;
  readonly orgName: string;
  readonly state: ProjectState;
}

/** A project as one row of a list: the project itself, or the project as granted to one org. */
export interface ProjectView extends Project {
  readonly granted?: GrantedTo;
}

export type ProjectFilter =
  | { readonly kind: 'name'; readonly match: TextMatch; readonly value: string }
  | { readonly kind: 'ids'; readonly ids: readonly string[] }
  /** project_resource_owner_filter: projects owned by the org (with their grant rows). */
  | { readonly kind: 'owner'; readonly orgId: string }
  /** project_grant_resource_owner_filter: projects granted to the org. */
  | { readonly kind: 'grantedTo'; readonly orgId: string }
  /** project_organization_id_filter: projects owned by or granted to the org. */
  | { readonly kind: 'organization'; readonly orgId: string }
  /** The projects themselves, without the rows of their grants (v1 ListProjects). */
  | { readonly kind: 'ownRows' };

/** v1 refuses what v2beta lets pass silently: a change that changes nothing. */
export interface Strictness {
  readonly refuseUnchanged?: boolean;
}

export type ProjectSort = 'id' | 'creationDate' | 'changeDate' | 'name';

export interface Listed<T> {
  readonly items: T[];
  readonly total: bigint;
}

const SORT_COLUMNS: Record<ProjectSort, string> = {
  id: 'gp.id',
  creationDate: 'gp.created_at',
  changeDate: 'gp.changed_at',
  name: 'gp.name',
};

/**
 * Every project once as itself and once per grant as the granted org sees it, as ZITADEL's
 * ListProjects answers (the grant rows carry the grant's dates and state). `row_key` orders
 * rows of one project stably. The granted org's name is read from orgs for the page (a grant's
 * org is always there: removing an org cascades to the grants to it).
 */
const PROJECT_COLUMNS =
  'p.instance_id, p.id, p.resource_owner, p.name, p.state, p.project_role_assertion, p.authorization_required, ' +
  'p.project_access_required, p.private_labeling_setting, p.sequence';
const GRANTED_PROJECTS = `(
  SELECT ${PROJECT_COLUMNS}, p.created_at, p.changed_at,
         NULL::text AS grant_id, NULL::text AS granted_org_id, NULL::text AS grant_state, p.id AS row_key
    FROM projects p
  UNION ALL
  SELECT ${PROJECT_COLUMNS}, g.created_at, g.changed_at,
         g.id, g.granted_org_id, g.state, p.id || '/' || g.granted_org_id
    FROM project_grants g
    JOIN projects p ON p.instance_id = g.instance_id AND p.id = g.project_id
) gp`;

/** Commands and queries of projects (their roles and grants have their own services). */
@Injectable()
export class ProjectsService {
  constructor(
    private readonly tx: Transactions,
    private readonly ids: IdGenerator,
    private readonly store: ProjectStore,
    private readonly access: ProjectAccess,
    private readonly dependents: ProjectDependents,
    private readonly orgs: OrgQueries,
  ) {}

  // ---- commands ---------------------------------------------------------------------------

  /** With `outer`, joins that transaction (the console's project made with its client at boot). */
  async create(caller: Caller, input: NewProject, outer?: EntityManager): Promise<{ id: string; creationDate: Date }> {
    const name = input.name.trim();
    if (!name) throw invalidField('PROJ-n4m3e', 'name', 'must not be blank');
    const orgId = input.organizationId;
    // Who may read the org but not create projects in it is told so; anyone else learns nothing.
    authorize(caller, 'project.create', { orgId }, errors.organizationNotFound, 'org.read');
    const id = input.id?.trim() || this.ids.next();
    return this.tx.run(async (tx) => {
      if (!(await this.orgs.exists(tx, caller.instance.id, orgId))) throw errors.organizationNotFound();
      const now = new Date();
      const project: Project = {
        instanceId: caller.instance.id,
        id,
        resourceOwner: orgId,
        name,
        state: 'active',
        projectRoleAssertion: input.projectRoleAssertion,
        authorizationRequired: input.authorizationRequired,
        projectAccessRequired: input.projectAccessRequired,
        privateLabelingSetting: input.privateLabelingSetting,
        createdAt: now,
        changedAt: now,
        sequence: '0',
      };
      await this.write(tx, project.name, () => tx.insert(Project, project));
      const payload = {
        name,
        projectRoleAssertion: project.projectRoleAssertion,
        authorizationRequired: project.authorizationRequired,
        projectAccessRequired: project.projectAccessRequired,
        privateLabelingSetting: project.privateLabelingSetting,
      };
      const written = await this.store.push(tx, caller, project, [{ type: 'project.added', payload }], true);
      return { id, creationDate: written.createdAt };
    }, outer);
  }

  /**
   * Changes what differs; a request that changes nothing answers the last change date and writes
   * nothing, or with `refuseUnchanged` FAILED_PRECONDITION (ZITADEL's v1 ChangeProject: NoChangesFound).
   */
  async update(caller: Caller, projectId: string, changes: ProjectChanges, options: Strictness = {}): Promise<Date> {
    const name = changes.name?.trim();
    if (name === '') throw invalidField('PROJ-n4m3e', 'name', 'must not be blank');
    return this.tx.run(async (tx) => {
      const project = await this.access.load(tx, caller, projectId, 'project.write', { lock: true });
      const wanted: ProjectChanges = { ...changes, ...(name !== undefined ? { name } : {}) };
      const diff = Object.fromEntries(
        Object.entries(wanted).filter(([key, value]) => value !== undefined && project[key as keyof Project] !== value),
      ) as Partial<Project>;
      if (Object.keys(diff).length === 0) {
        if (options.refuseUnchanged) throw errors.projectUnchanged();
        return project.changedAt;
      }
      await this.write(tx, diff.name ?? project.name, () =>
        tx.update(Project, { instanceId: caller.instance.id, id: projectId }, diff),
      );
      return (await this.store.push(tx, caller, project, [{ type: 'project.changed', payload: diff }], true)).createdAt;
    });
  }

  /**
   * As the v2beta contract says, setting the state a project already has is no error and writes
   * nothing; with `refuseUnchanged` it is FAILED_PRECONDITION, as ZITADEL's v1 commands answer.
   */
  async setState(caller: Caller, projectId: string, state: ProjectState, options: Strictness = {}): Promise<Date> {
    return this.tx.run(async (tx) => {
      const project = await this.access.load(tx, caller, projectId, 'project.write', { lock: true });
      if (project.state === state) {
        if (options.refuseUnchanged) throw state === 'active' ? errors.projectNotInactive() : errors.projectNotActive();
        return project.changedAt;
      }
      await tx.update(Project, { instanceId: caller.instance.id, id: projectId }, { state });
      const type = state === 'active' ? 'project.reactivated' : 'project.deactivated';
      return (await this.store.push(tx, caller, project, [{ type }], true)).createdAt;
    });
  }

  /**
   * Deletes the project with its roles, grants, apps, authorizations and memberships. A project
   * that does not exist, or that the caller cannot see, is "already deleted": no error, no date
   * (the contract's idempotent delete; "not yours" answers like "not found").
   */
  async delete(caller: Caller, projectId: string): Promise<Date | undefined> {
    return this.tx.run(async (tx) => {
      const project = await this.store.lockProject(tx, caller.instance.id, projectId);
      if (!project) return undefined;
      const access = await this.access.check(tx, caller, project, 'project.delete');
      if (access === 'hidden') return undefined;
      if (access === 'denied') throw PermissionDenied('PROJ-d3n13', 'no permission: project.delete required');
      const grants = await this.store.grantsOf(tx, caller.instance.id, projectId);
      await this.dependents.removeProject(tx, caller, projectId, grants);
      const written = await this.store.push(tx, caller, project, [
        { type: 'project.removed', payload: { name: project.name } },
      ]);
      // Roles, grants, apps and authorizations go by their foreign keys' ON DELETE CASCADE.
      await tx.delete(Project, { instanceId: caller.instance.id, id: projectId });
      return written.createdAt;
    });
  }

  // ---- queries ----------------------------------------------------------------------------

  /**
   * The project, to its org's readers and members; to readers in an org it is granted to, as
   * that org sees it (with the grant's org and state).
   */
  async get(caller: Caller, projectId: string): Promise<ProjectView> {
    const db = this.tx.reader;
    const project = await this.store.findProject(db, caller.instance.id, projectId);
    if (!project) throw errors.projectNotFound();
    if (mayOnProject(caller, 'project.read', project)) return project;
    const [grant] = await this.access.grantsVisibleTo(db, caller, project, 'project.read');
    if (!grant) throw errors.projectNotFound();
    const org = (await this.orgs.summaries(caller.instance.id, [grant.grantedOrgId], db)).get(grant.grantedOrgId);
    return { ...project, granted: { orgId: grant.grantedOrgId, orgName: org?.name ?? '', state: grant.state } };
  }

  async list(
    caller: Caller,
    filters: readonly ProjectFilter[],
    sort: ProjectSort,
    page: Page,
  ): Promise<Listed<ProjectView>> {
    const visibility = scopeFilter(caller, 'project.read', {
      orgs: [column('gp.resource_owner'), column('gp.granted_org_id')],
      projects: column('gp.id'),
      projectGrants: column('gp.grant_id'),
    });
    const q = listSql({
      select: 'gp.*',
      from: GRANTED_PROJECTS,
      where: and(
        { op: 'eq', column: column('gp.instance_id'), value: caller.instance.id },
        visibility,
        ...filters.map(projectFilter),
      ),
      sort: column(SORT_COLUMNS[sort]),
      tieBreaker: column('gp.row_key'),
      page,
    });
    const { rows, total } = await fetchPage(this.tx.reader, q);
    const orgs = await this.orgs.summaries(
      caller.instance.id,
      rows.flatMap((r) => (r.granted_org_id ? [r.granted_org_id as string] : [])),
    );
    return { items: rows.map((r) => projectView(r, orgs)), total };
  }

  // ---- internals --------------------------------------------------------------------------

  /** Runs an insert/update of a project row, turning unique violations into domain errors. */
  private async write(tx: EntityManager, name: string, work: () => Promise<unknown>): Promise<void> {
    await underSavepoint(tx, work, (err) => {
      if (isUniqueViolation(err, 'projects_name')) return errors.projectNameTaken(name);
      if (isUniqueViolation(err, 'projects_pkey')) return errors.projectIdTaken();
      return err;
    });
  }
}

function projectFilter(f: ProjectFilter): Filter {
  switch (f.kind) {
    case 'name':
      return { op: 'text', column: column('gp.name'), match: f.match, value: f.value };
    case 'ids':
      return { op: 'in', column: column('gp.id'), values: f.ids };
    case 'owner':
      return { op: 'eq', column: column('gp.resource_owner'), value: f.orgId };
    case 'grantedTo':
      return { op: 'eq', column: column('gp.granted_org_id'), value: f.orgId };
    case 'ownRows':
      return { op: 'isTrue', column: column('gp.grant_id IS NULL') };
    case 'organization':
      return {
        op: 'or',
        filters: [
          { op: 'eq', column: column('gp.resource_owner'), value: f.orgId },
          { op: 'eq', column: column('gp.granted_org_id'), value: f.orgId },
        ],
      };
  }
}

function projectView(r: Record<string, unknown>, orgs: ReadonlyMap<string, OrgSummary>): ProjectView {
  return {
    instanceId: r.instance_id as string,
    id: r.id as string,
    resourceOwner: r.resource_owner as string,
    name: r.name as string,
    state: r.state as ProjectState,
    projectRoleAssertion: r.project_role_assertion as boolean,
    authorizationRequired: r.authorization_required as boolean,
    projectAccessRequired: r.project_access_required as boolean,
    privateLabelingSetting: Number(r.private_labeling_setting),
    createdAt: r.created_at as Date,
    changedAt: r.changed_at as Date,
    sequence: String(r.sequence),
    granted: r.granted_org_id
      ? {
          orgId: r.granted_org_id as string,
          orgName: orgs.get(r.granted_org_id as string)?.name ?? '',
          state: r.grant_state as ProjectState,
        }
      : undefined,
  };
}
