import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { SystemService } from '@zitadel/proto/zitadel/system_pb.js';
import { InstancesQueries } from '../instances/instances.queries.js';
import { instanceNotFound } from '../instances/instances.errors.js';
import type { SearchQuery } from '@zitadel/proto/zitadel/member_pb.js';
import type { ListQuery } from '@zitadel/proto/zitadel/object_pb.js';
import { page } from '../platform/database/list-query.js';
import { authenticatedCallerOf, callerForSystem, systemCallOf, type Caller } from '../platform/rpc/call-context.js';
import { detailsAtV1, eventDetailsV1, listDetailsV1 } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { v1OrgOf } from '../platform/rpc/v1-org.js';
import { memberQueryV1, memberV1 } from './internal-permissions-v1.mapper.js';
import { InternalPermissionsService, type AdminResource } from './internal-permissions.service.js';

/** Members of an org, a project and a project grant in ZITADEL's v1 management API. */
export const MEMBER_MANAGEMENT_V1_ACCESS: AccessTable<typeof ManagementService> = {
  listOrgMemberRoles: { permission: 'org.member.read' },
  listOrgMembers: { permission: 'org.member.read' },
  addOrgMember: { permission: 'org.member.write' },
  updateOrgMember: { permission: 'org.member.write' },
  removeOrgMember: { permission: 'org.member.delete' },
  listProjectMemberRoles: { permission: 'project.member.read' },
  listProjectMembers: { permission: 'project.member.read' },
  addProjectMember: { permission: 'project.member.write' },
  updateProjectMember: { permission: 'project.member.write' },
  removeProjectMember: { permission: 'project.member.delete' },
  listProjectGrantMemberRoles: { permission: 'project.grant.member.read' },
  listProjectGrantMembers: { permission: 'project.grant.member.read' },
  addProjectGrantMember: { permission: 'project.grant.member.write' },
  updateProjectGrantMember: { permission: 'project.grant.member.write' },
  removeProjectGrantMember: { permission: 'project.grant.member.delete' },
};

/** Members of the instance in ZITADEL's v1 admin API. */
export const MEMBER_ADMIN_V1_ACCESS: AccessTable<typeof AdminService> = {
  listIAMMemberRoles: { permission: 'iam.member.read' },
  listIAMMembers: { permission: 'iam.member.read' },
  addIAMMember: { permission: 'iam.member.write' },
  updateIAMMember: { permission: 'iam.member.write' },
  removeIAMMember: { permission: 'iam.member.delete' },
};

/** An instance's members as a system API user sees them (any instance, by id). */
export const MEMBER_SYSTEM_ACCESS: AccessTable<typeof SystemService> = {
  listIAMMembers: { system: 'system.iam.member.read' },
};

const INSTANCE: AdminResource = { kind: 'instance' };
const orgOf = (ctx: HandlerContext): AdminResource => ({ kind: 'org', orgId: v1OrgOf(ctx).orgId });
const projectOf = (req: { projectId: string }): AdminResource => ({ kind: 'project', projectId: req.projectId });
const grantOf = (req: { projectId: string; grantId: string }): AdminResource => ({
  kind: 'projectGrant',
  projectId: req.projectId,
  projectGrantId: req.grantId,
});

/**
 * Transport edge of v1's member methods: one administrator service serves the instance, org,
 * project and project grant members, the resource named by the method (the org by the header).
 */
@Injectable()
export class InternalPermissionsV1Handler implements OnModuleInit {
  constructor(
    private readonly admins: InternalPermissionsService,
    private readonly registry: RpcRegistry,
    private readonly instances: InstancesQueries,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(ManagementService, MEMBER_MANAGEMENT_V1_ACCESS);
    assertMatchesAnnotations(AdminService, MEMBER_ADMIN_V1_ACCESS);
    this.registry.register({ service: ManagementService, impl: this.management, access: MEMBER_MANAGEMENT_V1_ACCESS });
    this.registry.register({ service: AdminService, impl: this.admin, access: MEMBER_ADMIN_V1_ACCESS });
    assertMatchesAnnotations(SystemService, MEMBER_SYSTEM_ACCESS);
    this.registry.register({ service: SystemService, impl: this.system, access: MEMBER_SYSTEM_ACCESS });
  }

  private async list(
    ctx: HandlerContext,
    resource: AdminResource,
    req: { query?: ListQuery; queries: SearchQuery[] },
    caller: Caller = authenticatedCallerOf(ctx),
  ) {
    const filters = [resourceFilter(resource), ...req.queries.map((q, i) => memberQueryV1(q, `queries[${i}]`))];
    const listed = await this.admins.list(caller, filters, 'userId', page(req.query));
    return {
      details: listDetailsV1(listed.total),
      result: listed.items.map((a) => memberV1(a, caller.instance.id)),
    };
  }

  private async add(ctx: HandlerContext, resource: AdminResource, req: { userId: string; roles: string[] }) {
    const added = await this.admins.create(authenticatedCallerOf(ctx), req.userId, resource, req.roles);
    return { details: eventDetailsV1(added.event) };
  }

  private async update(ctx: HandlerContext, resource: AdminResource, req: { userId: string; roles: string[] }) {
    const changed = await this.admins.update(authenticatedCallerOf(ctx), req.userId, resource, req.roles);
    return { details: eventDetailsV1(changed.event) };
  }

  /** Idempotent as the service: removing a user who is no member writes nothing and reports no change. */
  private async remove(ctx: HandlerContext, resource: AdminResource, req: { userId: string }) {
    const removed = await this.admins.delete(authenticatedCallerOf(ctx), req.userId, resource);
    return { details: removed ? eventDetailsV1(removed) : detailsAtV1(undefined, '') };
  }

  private roles(level: 'instance' | 'org' | 'project' | 'project_grant') {
    const result = [...this.admins.assignableRoles(level)];
    return { details: listDetailsV1(BigInt(result.length)), result };
  }

  readonly management: Partial<ServiceImpl<typeof ManagementService>> = {
    listOrgMemberRoles: async () => this.roles('org'),
    listOrgMembers: async (req, ctx) => this.list(ctx, orgOf(ctx), req),
    addOrgMember: async (req, ctx) => this.add(ctx, orgOf(ctx), req),
    updateOrgMember: async (req, ctx) => this.update(ctx, orgOf(ctx), req),
    removeOrgMember: async (req, ctx) => this.remove(ctx, orgOf(ctx), req),
    listProjectMemberRoles: async () => this.roles('project'),
    listProjectMembers: async (req, ctx) => this.list(ctx, projectOf(req), req),
    addProjectMember: async (req, ctx) => this.add(ctx, projectOf(req), req),
    updateProjectMember: async (req, ctx) => this.update(ctx, projectOf(req), req),
    removeProjectMember: async (req, ctx) => this.remove(ctx, projectOf(req), req),
    listProjectGrantMemberRoles: async () => this.roles('project_grant'),
    listProjectGrantMembers: async (req, ctx) => this.list(ctx, grantOf(req), req),
    addProjectGrantMember: async (req, ctx) => this.add(ctx, grantOf(req), req),
    updateProjectGrantMember: async (req, ctx) => this.update(ctx, grantOf(req), req),
    removeProjectGrantMember: async (req, ctx) => this.remove(ctx, grantOf(req), req),
  };

  readonly admin: Partial<ServiceImpl<typeof AdminService>> = {
    // The admin API names the list `roles` where management names it `result`.
    listIAMMemberRoles: async () => {
      const { details, result } = this.roles('instance');
      return { details, roles: result };
    },
    listIAMMembers: async (req, ctx) => this.list(ctx, INSTANCE, req),
    addIAMMember: async (req, ctx) => this.add(ctx, INSTANCE, req),
    updateIAMMember: async (req, ctx) => this.update(ctx, INSTANCE, req),
    removeIAMMember: async (req, ctx) => this.remove(ctx, INSTANCE, req),
  };

  readonly system: Partial<ServiceImpl<typeof SystemService>> = {
    listIAMMembers: async (req, ctx) => {
      const found = req.instanceId ? await this.instances.byId(req.instanceId) : undefined;
      if (!found) throw instanceNotFound();
      return this.list(ctx, INSTANCE, req, callerForSystem(found.instance, systemCallOf(ctx)));
    },
  };
}

function resourceFilter(resource: AdminResource) {
  switch (resource.kind) {
    case 'instance':
      return { kind: 'resource', level: 'instance' } as const;
    case 'org':
      return { kind: 'resource', level: 'org', id: resource.orgId } as const;
    case 'project':
      return { kind: 'resource', level: 'project', id: resource.projectId } as const;
    case 'projectGrant':
      return { kind: 'resource', level: 'project_grant', id: resource.projectGrantId } as const;
  }
}
