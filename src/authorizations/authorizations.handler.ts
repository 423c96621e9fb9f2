import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { AuthorizationService } from '@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js';
import { page } from '../platform/database/list-query.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { paginationV2beta, ts } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { authorizationFilter, authorizationSort, authorizationV2beta } from './authorizations.mapper.js';
import { AuthorizationsService } from './authorizations.service.js';

/** What each method needs before the service checks the specific authorization (ZITADEL's permissions). */
export const AUTHORIZATION_ACCESS: AccessTable<typeof AuthorizationService> = {
  // Listing one's own authorizations needs no permission; the service filters the rest.
  listAuthorizations: 'authenticated',
  createAuthorization: { permission: 'user.grant.write' },
  updateAuthorization: { permission: 'user.grant.write' },
  deleteAuthorization: { permission: 'user.grant.delete' },
  activateAuthorization: { permission: 'user.grant.write' },
  deactivateAuthorization: { permission: 'user.grant.write' },
};

/** Transport edge of zitadel.authorization.v2beta.AuthorizationService. */
@Injectable()
export class AuthorizationsHandler implements OnModuleInit {
  constructor(
    private readonly authorizations: AuthorizationsService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register({ service: AuthorizationService, impl: this.v2beta, access: AUTHORIZATION_ACCESS });
  }

  readonly v2beta: Partial<ServiceImpl<typeof AuthorizationService>> = {
    listAuthorizations: async (req, ctx) => {
      const p = page(req.pagination, 'pagination');
      const filters = req.filters.map((f, i) => authorizationFilter(f, `filters[${i}]`));
      const listed = await this.authorizations.list(
        authenticatedCallerOf(ctx),
        filters,
        authorizationSort(req.sortingColumn),
        p,
      );
      return {
        pagination: paginationV2beta(listed.total, p.limit),
        authorizations: listed.items.map(authorizationV2beta),
      };
    },
    createAuthorization: async (req, ctx) => {
      const created = await this.authorizations.create(authenticatedCallerOf(ctx), {
        userId: req.userId,
        projectId: req.projectId,
        orgId: req.organizationId,
        roleKeys: req.roleKeys,
      });
      return { id: created.id, creationDate: ts(created.createdAt) };
    },
    updateAuthorization: async (req, ctx) => ({
      changeDate: ts(await this.authorizations.update(authenticatedCallerOf(ctx), req.id, req.roleKeys)),
    }),
    deleteAuthorization: async (req, ctx) => ({
      deletionDate: ts(await this.authorizations.delete(authenticatedCallerOf(ctx), req.id)),
    }),
    activateAuthorization: async (req, ctx) => ({
      changeDate: ts(await this.authorizations.setState(authenticatedCallerOf(ctx), req.id, 'active')),
    }),
    deactivateAuthorization: async (req, ctx) => ({
      changeDate: ts(await this.authorizations.setState(authenticatedCallerOf(ctx), req.id, 'inactive')),
    }),
  };
}
