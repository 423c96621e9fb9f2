import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { page } from '../platform/database/list-query.js';
import { detailsAtV1, listDetailsV1 } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { v1OrgOf } from '../platform/rpc/v1-org.js';
import { ProjectGrantsService, type GrantFilter } from './project-grants.service.js';
import { grantNotFound } from './projects.errors.js';
import { grantQueryV1, grantedProjectV1 } from './projects-v1.mapper.js';

const WRITE = { permission: 'project.grant.write' } as const;

/** Project grants in ZITADEL's v1 management API, addressed by grant id. */
export const PROJECT_GRANT_MANAGEMENT_V1_ACCESS: AccessTable<typeof ManagementService> = {
  getProjectGrantByID: { permission: 'project.grant.read' },
  listProjectGrants: { permission: 'project.grant.read' },
  listAllProjectGrants: { permission: 'project.grant.read' },
  addProjectGrant: WRITE,
  updateProjectGrant: WRITE,
  deactivateProjectGrant: WRITE,
  reactivateProjectGrant: WRITE,
  removeProjectGrant: { permission: 'project.grant.delete' },
};

/** v1's commands refuse a change that changes nothing. */
const STRICT = { refuseUnchanged: true } as const;

/** Transport edge of the project grant methods of zitadel.management.v1.ManagementService. */
@Injectable()
export class ProjectGrantsV1Handler implements OnModuleInit {
  constructor(
    private readonly grants: ProjectGrantsService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(ManagementService, PROJECT_GRANT_MANAGEMENT_V1_ACCESS);
    this.registry.register({
      service: ManagementService,
      impl: this.impl,
      access: PROJECT_GRANT_MANAGEMENT_V1_ACCESS,
    });
  }

  readonly impl: Partial<ServiceImpl<typeof ManagementService>> = {
    getProjectGrantByID: async (req, ctx) => ({
      projectGrant: grantedProjectV1(await this.grants.get(v1OrgOf(ctx).caller, req.projectId, req.grantId)),
    }),
    // ZITADEL's v1 lists the grants the org in context made of its projects.
    listProjectGrants: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const filters: GrantFilter[] = [
        { kind: 'owner', orgId },
        { kind: 'projectIds', ids: [req.projectId] },
        ...req.queries.map((q, i) => grantQueryV1(q, `queries[${i}]`)),
      ];
      const listed = await this.grants.list(caller, filters, 'creationDate', page(req.query));
      return { details: listDetailsV1(listed.total), result: listed.items.map(grantedProjectV1) };
    },
    listAllProjectGrants: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const filters: GrantFilter[] = [
        { kind: 'owner', orgId },
        ...req.queries.map((q, i) => grantQueryV1(q, `queries[${i}]`)),
      ];
      const listed = await this.grants.list(caller, filters, 'creationDate', page(req.query));
      return { details: listDetailsV1(listed.total), result: listed.items.map(grantedProjectV1) };
    },
    addProjectGrant: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const created = await this.grants.create(caller, req.projectId, req.grantedOrgId, req.roleKeys);
      return { grantId: created.id, details: detailsAtV1(created.createdAt, orgId) };
    },
    updateProjectGrant: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const key = { grantId: req.grantId };
      return {
        details: detailsAtV1(await this.grants.update(caller, req.projectId, key, req.roleKeys, STRICT), orgId),
      };
    },
    deactivateProjectGrant: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const key = { grantId: req.grantId };
      return { details: detailsAtV1(await this.grants.setState(caller, req.projectId, key, 'inactive'), orgId) };
    },
    reactivateProjectGrant: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const key = { grantId: req.grantId };
      return { details: detailsAtV1(await this.grants.setState(caller, req.projectId, key, 'active'), orgId) };
    },
    // v2beta's delete is idempotent; ZITADEL's v1 RemoveProjectGrant answers NOT_FOUND for a grant it cannot see.
    removeProjectGrant: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const removed = await this.grants.delete(caller, req.projectId, { grantId: req.grantId });
      if (!removed) throw grantNotFound();
      return { details: detailsAtV1(removed, orgId) };
    },
  };
}
