import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { ProjectService } from '@zitadel/proto/zitadel/project/v2beta/project_service_pb.js';
import type {
  ProjectGrantSearchFilter,
  ProjectRoleSearchFilter,
  ProjectSearchFilter,
} from '@zitadel/proto/zitadel/project/v2beta/query_pb.js';
import { page } from '../platform/database/list-query.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { paginationV2beta, textMatch, ts } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { ProjectGrantsService, type GrantFilter, type GrantSort } from './project-grants.service.js';
import { ProjectRolesService, type RoleFilter, type RoleSort } from './project-roles.service.js';
import { filterMissing } from './projects.errors.js';
import { grantV2beta, projectV2beta, roleV2beta } from './projects.mapper.js';
import { ProjectsService, type ProjectFilter, type ProjectSort } from './projects.service.js';

/**
 * What each method needs somewhere (an org, a project membership) before the services check the
 * specific project, as ZITADEL's permissions. Where the contract's comments name permissions
 * ZITADEL's role table does not have (`project.grant.create` for CreateProjectGrant,
 * `project.grant.write` to list grants) or a looser one (`project.role.write` to remove a role),
 * this follows the role table: grant write to create, grant read to list, role delete to remove.
 */
export const PROJECT_V2BETA_ACCESS: AccessTable<typeof ProjectService> = {
  createProject: { permission: 'project.create' },
  updateProject: { permission: 'project.write' },
  deleteProject: { permission: 'project.delete' },
  getProject: { permission: 'project.read' },
  listProjects: { permission: 'project.read' },
  deactivateProject: { permission: 'project.write' },
  activateProject: { permission: 'project.write' },
  addProjectRole: { permission: 'project.role.write' },
  updateProjectRole: { permission: 'project.role.write' },
  removeProjectRole: { permission: 'project.role.delete' },
  listProjectRoles: { permission: 'project.role.read' },
  createProjectGrant: { permission: 'project.grant.write' },
  updateProjectGrant: { permission: 'project.grant.write' },
  deleteProjectGrant: { permission: 'project.grant.delete' },
  deactivateProjectGrant: { permission: 'project.grant.write' },
  activateProjectGrant: { permission: 'project.grant.write' },
  listProjectGrants: { permission: 'project.grant.read' },
};

/** ProjectFieldName; unspecified sorts by creation date, as ZITADEL. */
const PROJECT_SORT: Record<number, ProjectSort> = {
  0: 'creationDate',
  1: 'id',
  2: 'creationDate',
  3: 'changeDate',
  4: 'name',
};
/** ProjectRoleFieldName; unspecified sorts by key. */
const ROLE_SORT: Record<number, RoleSort> = { 0: 'key', 1: 'key', 2: 'creationDate', 3: 'changeDate' };
/** ProjectGrantFieldName; unspecified sorts by creation date. */
const GRANT_SORT: Record<number, GrantSort> = { 0: 'creationDate', 1: 'projectId', 2: 'creationDate', 3: 'changeDate' };

function projectFilter(f: ProjectSearchFilter['filter'], field: string): ProjectFilter {
  switch (f.case) {
    case 'projectNameFilter':
      return { kind: 'name', match: textMatch(f.value.method), value: f.value.projectName };
    case 'inProjectIdsFilter':
      return { kind: 'ids', ids: f.value.ids };
    case 'projectResourceOwnerFilter':
      return { kind: 'owner', orgId: f.value.id };
    case 'projectGrantResourceOwnerFilter':
      return { kind: 'grantedTo', orgId: f.value.id };
    case 'projectOrganizationIdFilter':
      return { kind: 'organization', orgId: f.value.id };
    default:
      throw filterMissing(field);
  }
}

function roleFilter(f: ProjectRoleSearchFilter['filter'], field: string): RoleFilter {
  switch (f.case) {
    case 'roleKeyFilter':
      return { kind: 'key', match: textMatch(f.value.method), value: f.value.key };
    case 'displayNameFilter':
      return { kind: 'displayName', match: textMatch(f.value.method), value: f.value.displayName };
    default:
      throw filterMissing(field);
  }
}

function grantFilter(f: ProjectGrantSearchFilter['filter'], field: string): GrantFilter {
  switch (f.case) {
    case 'projectNameFilter':
      return { kind: 'projectName', match: textMatch(f.value.method), value: f.value.projectName };
    case 'roleKeyFilter':
      return { kind: 'roleKey', match: textMatch(f.value.method), value: f.value.key };
    case 'inProjectIdsFilter':
      return { kind: 'projectIds', ids: f.value.ids };
    case 'projectResourceOwnerFilter':
      return { kind: 'owner', orgId: f.value.id };
    case 'projectGrantResourceOwnerFilter':
      return { kind: 'grantedTo', orgId: f.value.id };
    default:
      throw filterMissing(field);
  }
}

/** Transport edge of projects: zitadel.project.v2beta.ProjectService. */
@Injectable()
export class ProjectsHandler implements OnModuleInit {
  constructor(
    private readonly projects: ProjectsService,
    private readonly roles: ProjectRolesService,
    private readonly grants: ProjectGrantsService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register({ service: ProjectService, impl: this.v2beta, access: PROJECT_V2BETA_ACCESS });
  }

  readonly v2beta: Partial<ServiceImpl<typeof ProjectService>> = {
    createProject: async (req, ctx) => {
      const created = await this.projects.create(authenticatedCallerOf(ctx), {
        organizationId: req.organizationId,
        id: req.id,
        name: req.name,
        projectRoleAssertion: req.projectRoleAssertion,
        authorizationRequired: req.authorizationRequired,
        projectAccessRequired: req.projectAccessRequired,
        privateLabelingSetting: req.privateLabelingSetting,
      });
      return { id: created.id, creationDate: ts(created.creationDate) };
    },
    updateProject: async (req, ctx) => {
      const changeDate = await this.projects.update(authenticatedCallerOf(ctx), req.id, {
        name: req.name,
        projectRoleAssertion: req.projectRoleAssertion,
        authorizationRequired: req.projectRoleCheck,
        projectAccessRequired: req.hasProjectCheck,
        privateLabelingSetting: req.privateLabelingSetting,
      });
      return { changeDate: ts(changeDate) };
    },
    deleteProject: async (req, ctx) => ({
      deletionDate: ts(await this.projects.delete(authenticatedCallerOf(ctx), req.id)),
    }),
    getProject: async (req, ctx) => ({
      project: projectV2beta(await this.projects.get(authenticatedCallerOf(ctx), req.id)),
    }),
    listProjects: async (req, ctx) => {
      const p = page(req.pagination, 'pagination');
      const filters = req.filters.map((f, i) => projectFilter(f.filter, `filters[${i}]`));
      const listed = await this.projects.list(
        authenticatedCallerOf(ctx),
        filters,
        PROJECT_SORT[req.sortingColumn ?? 0] ?? 'creationDate',
        p,
      );
      return { pagination: paginationV2beta(listed.total, p.limit), projects: listed.items.map(projectV2beta) };
    },
    deactivateProject: async (req, ctx) => ({
      changeDate: ts(await this.projects.setState(authenticatedCallerOf(ctx), req.id, 'inactive')),
    }),
    activateProject: async (req, ctx) => ({
      changeDate: ts(await this.projects.setState(authenticatedCallerOf(ctx), req.id, 'active')),
    }),

    addProjectRole: async (req, ctx) => {
      const creationDate = await this.roles.add(authenticatedCallerOf(ctx), req.projectId, {
        key: req.roleKey,
        displayName: req.displayName,
        group: req.group,
      });
      return { creationDate: ts(creationDate) };
    },
    updateProjectRole: async (req, ctx) => {
      const changeDate = await this.roles.update(authenticatedCallerOf(ctx), req.projectId, req.roleKey, {
        displayName: req.displayName,
        group: req.group,
      });
      return { changeDate: ts(changeDate) };
    },
    removeProjectRole: async (req, ctx) => ({
      removalDate: ts(await this.roles.remove(authenticatedCallerOf(ctx), req.projectId, req.roleKey)),
    }),
    listProjectRoles: async (req, ctx) => {
      const p = page(req.pagination, 'pagination');
      const filters = req.filters.map((f, i) => roleFilter(f.filter, `filters[${i}]`));
      const listed = await this.roles.list(
        authenticatedCallerOf(ctx),
        req.projectId,
        filters,
        ROLE_SORT[req.sortingColumn ?? 0] ?? 'key',
        p,
      );
      return { pagination: paginationV2beta(listed.total, p.limit), projectRoles: listed.items.map(roleV2beta) };
    },

    createProjectGrant: async (req, ctx) => ({
      creationDate: ts(
        (await this.grants.create(authenticatedCallerOf(ctx), req.projectId, req.grantedOrganizationId, req.roleKeys))
          .createdAt,
      ),
    }),
    updateProjectGrant: async (req, ctx) => ({
      changeDate: ts(
        await this.grants.update(
          authenticatedCallerOf(ctx),
          req.projectId,
          { grantedOrgId: req.grantedOrganizationId },
          req.roleKeys,
        ),
      ),
    }),
    deleteProjectGrant: async (req, ctx) => ({
      deletionDate: ts(
        await this.grants.delete(authenticatedCallerOf(ctx), req.projectId, {
          grantedOrgId: req.grantedOrganizationId,
        }),
      ),
    }),
    deactivateProjectGrant: async (req, ctx) => ({
      changeDate: ts(
        await this.grants.setState(
          authenticatedCallerOf(ctx),
          req.projectId,
          { grantedOrgId: req.grantedOrganizationId },
          'inactive',
        ),
      ),
    }),
    activateProjectGrant: async (req, ctx) => ({
      changeDate: ts(
        await this.grants.setState(
          authenticatedCallerOf(ctx),
          req.projectId,
          { grantedOrgId: req.grantedOrganizationId },
          'active',
        ),
      ),
    }),
    listProjectGrants: async (req, ctx) => {
      const p = page(req.pagination, 'pagination');
      const filters = req.filters.map((f, i) => grantFilter(f.filter, `filters[${i}]`));
      const listed = await this.grants.list(
        authenticatedCallerOf(ctx),
        filters,
        GRANT_SORT[req.sortingColumn ?? 0] ?? 'creationDate',
        p,
      );
      return { pagination: paginationV2beta(listed.total, p.limit), projectGrants: listed.items.map(grantV2beta) };
    },
  };
}
