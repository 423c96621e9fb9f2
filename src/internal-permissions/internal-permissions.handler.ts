import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { InternalPermissionService } from '@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js';
import { page } from '../platform/database/list-query.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { paginationV2beta, ts } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { adminFilter, adminResource, adminSort, administratorV2beta } from './internal-permissions.mapper.js';
import { InternalPermissionsService } from './internal-permissions.service.js';

/**
 * The permission depends on the resource named in the request (`iam.member.*`, `org.member.*`,
 * `project.member.*`, `project.grant.member.*`), so the service checks it on that resource;
 * listing needs none for the caller's own administrator roles.
 */
export const INTERNAL_PERMISSION_ACCESS: AccessTable<typeof InternalPermissionService> = {
  listAdministrators: 'authenticated',
  createAdministrator: 'authenticated',
  updateAdministrator: 'authenticated',
  deleteAdministrator: 'authenticated',
};

/** Transport edge of zitadel.internal_permission.v2beta.InternalPermissionService. */
@Injectable()
export class InternalPermissionsHandler implements OnModuleInit {
  constructor(
    private readonly admins: InternalPermissionsService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      service: InternalPermissionService,
      impl: this.v2beta,
      access: INTERNAL_PERMISSION_ACCESS,
    });
  }

  readonly v2beta: Partial<ServiceImpl<typeof InternalPermissionService>> = {
    listAdministrators: async (req, ctx) => {
      const p = page(req.pagination, 'pagination');
      const filters = req.filters.map((f, i) => adminFilter(f, `filters[${i}]`));
      const listed = await this.admins.list(authenticatedCallerOf(ctx), filters, adminSort(req.sortingColumn), p);
      return {
        pagination: paginationV2beta(listed.total, p.limit),
        administrators: listed.items.map(administratorV2beta),
      };
    },
    createAdministrator: async (req, ctx) => {
      const added = await this.admins.create(
        authenticatedCallerOf(ctx),
        req.userId,
        adminResource(req.resource),
        req.roles,
      );
      return { creationDate: ts(added.createdAt) };
    },
    updateAdministrator: async (req, ctx) => {
      const changed = await this.admins.update(
        authenticatedCallerOf(ctx),
        req.userId,
        adminResource(req.resource),
        req.roles,
      );
      return { changeDate: ts(changed.changedAt) };
    },
    deleteAdministrator: async (req, ctx) => {
      const removed = await this.admins.delete(authenticatedCallerOf(ctx), req.userId, adminResource(req.resource));
      return { deletionDate: ts(removed?.createdAt) };
    },
  };
}
