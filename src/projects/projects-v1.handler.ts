import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { page } from '../platform/database/list-query.js';
import { detailsAtV1, listDetailsV1 } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { v1OrgOf } from '../platform/rpc/v1-org.js';
import { ProjectGrantsService } from './project-grants.service.js';
import { ProjectRolesService } from './project-roles.service.js';
import { projectNotFound } from './projects.errors.js';
import {
  grantedProjectQueryV1,
  grantedProjectV1,
  privateLabelingV1,
  projectQueryV1,
  projectV1,
  roleQueryV1,
  roleV1,
} from './projects-v1.mapper.js';
import { ProjectsService } from './projects.service.js';

/** Projects and their roles in ZITADEL's v1 management API, with their descriptors' permissions. */
export const PROJECT_MANAGEMENT_V1_ACCESS: AccessTable<typeof ManagementService> = {
  getProjectByID: { permission: 'project.read' },
  getGrantedProjectByID: { permission: 'project.read' },
  listProjects: { permission: 'project.read' },
  listGrantedProjects: { permission: 'project.read' },
  addProject: { permission: 'project.create' },
  updateProject: { permission: 'project.write' },
  deactivateProject: { permission: 'project.write' },
  reactivateProject: { permission: 'project.write' },
  removeProject: { permission: 'project.delete' },
  addProjectRole: { permission: 'project.role.write' },
  bulkAddProjectRoles: { permission: 'project.role.write' },
  updateProjectRole: { permission: 'project.role.write' },
  removeProjectRole: { permission: 'project.role.delete' },
  listProjectRoles: { permission: 'project.role.read' },
  listGrantedProjectRoles: { permission: 'project.role.read' },
};

/** ZITADEL's v1 commands refuse a change that changes nothing (Errors.NoChangesFound, NotActive…). */
const STRICT = { refuseUnchanged: true } as const;

/** Transport edge of the project methods of zitadel.management.v1.ManagementService. */
@Injectable()
export class ProjectsV1Handler implements OnModuleInit {
  constructor(
    private readonly projects: ProjectsService,
    private readonly roles: ProjectRolesService,
    private readonly grants: ProjectGrantsService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(ManagementService, PROJECT_MANAGEMENT_V1_ACCESS);
    this.registry.register({ service: ManagementService, impl: this.impl, access: PROJECT_MANAGEMENT_V1_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof ManagementService>> = {
    getProjectByID: async (req, ctx) => ({
      project: projectV1(await this.projects.get(v1OrgOf(ctx).caller, req.id)),
    }),
    getGrantedProjectByID: async (req, ctx) => ({
      grantedProject: grantedProjectV1(await this.grants.get(v1OrgOf(ctx).caller, req.projectId, req.grantId)),
    }),
    // ZITADEL's v1 ListProjects answers the projects the org in context owns.
    listProjects: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const filters = [
        { kind: 'owner', orgId } as const,
        { kind: 'ownRows' } as const,
        ...req.queries.map((q, i) => projectQueryV1(q, `queries[${i}]`)),
      ];
      const listed = await this.projects.list(caller, filters, 'creationDate', page(req.query));
      return { details: listDetailsV1(listed.total), result: listed.items.map(projectV1) };
    },
    // ... and ListGrantedProjects the projects granted to it, one row per grant.
    listGrantedProjects: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const filters = [
        { kind: 'grantedTo', orgId } as const,
        ...req.queries.map((q, i) => grantedProjectQueryV1(q, `queries[${i}]`)),
      ];
      const listed = await this.grants.list(caller, filters, 'creationDate', page(req.query));
      return { details: listDetailsV1(listed.total), result: listed.items.map(grantedProjectV1) };
    },
    addProject: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const created = await this.projects.create(caller, {
        organizationId: orgId,
        name: req.name,
        projectRoleAssertion: req.projectRoleAssertion,
        authorizationRequired: req.projectRoleCheck,
        projectAccessRequired: req.hasProjectCheck,
        privateLabelingSetting: privateLabelingV1(req.privateLabelingSetting),
      });
      return { id: created.id, details: detailsAtV1(created.creationDate, orgId) };
    },
    updateProject: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const changes = {
        name: req.name,
        projectRoleAssertion: req.projectRoleAssertion,
        authorizationRequired: req.projectRoleCheck,
        projectAccessRequired: req.hasProjectCheck,
        privateLabelingSetting: privateLabelingV1(req.privateLabelingSetting),
      };
      return { details: detailsAtV1(await this.projects.update(caller, req.id, changes, STRICT), orgId) };
    },
    deactivateProject: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      return { details: detailsAtV1(await this.projects.setState(caller, req.id, 'inactive', STRICT), orgId) };
    },
    reactivateProject: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      return { details: detailsAtV1(await this.projects.setState(caller, req.id, 'active', STRICT), orgId) };
    },
    // v2beta's delete is idempotent; ZITADEL's v1 RemoveProject answers NOT_FOUND for a project it cannot see.
    removeProject: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const removed = await this.projects.delete(caller, req.id);
      if (!removed) throw projectNotFound();
      return { details: detailsAtV1(removed, orgId) };
    },

    addProjectRole: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const role = { key: req.roleKey, displayName: req.displayName, group: req.group };
      return { details: detailsAtV1(await this.roles.add(caller, req.projectId, role), orgId) };
    },
    bulkAddProjectRoles: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const added = await this.roles.addAll(caller, req.projectId, req.roles, (i) => ({
        key: `roles[${i}].key`,
        displayName: `roles[${i}].display_name`,
      }));
      return { details: detailsAtV1(added, orgId) };
    },
    updateProjectRole: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const changes = { displayName: req.displayName, group: req.group };
      return {
        details: detailsAtV1(await this.roles.update(caller, req.projectId, req.roleKey, changes, STRICT), orgId),
      };
    },
    removeProjectRole: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      return { details: detailsAtV1(await this.roles.remove(caller, req.projectId, req.roleKey), orgId) };
    },
    listProjectRoles: async (req, ctx) => {
      const filters = req.queries.map((q, i) => roleQueryV1(q, `queries[${i}]`));
      const listed = await this.roles.list(v1OrgOf(ctx).caller, req.projectId, filters, 'key', page(req.query));
      return { details: listDetailsV1(listed.total), result: listed.items.map(roleV1) };
    },
    listGrantedProjectRoles: async (req, ctx) => {
      const filters = req.queries.map((q, i) => roleQueryV1(q, `queries[${i}]`));
      const { caller } = v1OrgOf(ctx);
      const listed = await this.roles.listOfGrant(caller, req.projectId, req.grantId, filters, 'key', page(req.query));
      return { details: listDetailsV1(listed.total), result: listed.items.map(roleV1) };
    },
  };
}
