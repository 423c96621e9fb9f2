import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { AuthService } from '@zitadel/proto/zitadel/auth_pb.js';
import { page } from '../platform/database/list-query.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { listDetailsV1 } from '../platform/rpc/v1-mapping.js';
import { v1OrgOf } from '../platform/rpc/v1-org.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { membershipFilterV1, membershipV1 } from './internal-permissions-v1.mapper.js';
import type { AdminFilter } from './internal-permissions.service.js';
import { InternalPermissionsService } from './internal-permissions.service.js';

/** The caller's own memberships and what they allow, in ZITADEL's auth API (`authenticated`). */
export const AUTH_MEMBERSHIP_ACCESS: AccessTable<typeof AuthService> = {
  listMyMemberships: 'authenticated',
  listMyZitadelPermissions: 'authenticated',
};

/** Transport edge of zitadel.auth.v1.AuthService's membership reads. */
@Injectable()
export class InternalPermissionsAuthHandler implements OnModuleInit {
  constructor(
    private readonly admins: InternalPermissionsService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(AuthService, AUTH_MEMBERSHIP_ACCESS);
    this.registry.register({ service: AuthService, impl: this.impl, access: AUTH_MEMBERSHIP_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof AuthService>> = {
    listMyMemberships: async (req, ctx) => {
      const caller = authenticatedCallerOf(ctx);
      const filters: AdminFilter[] = [
        { kind: 'userIds', ids: [caller.principal.userId] },
        ...req.queries.map((q, i) => membershipFilterV1(q, `queries[${i}]`)),
      ];
      const listed = await this.admins.list(caller, filters, 'creationDate', page(req.query, 'query'));
      return {
        details: listDetailsV1(listed.total),
        result: listed.items.map((m) => membershipV1(m, caller.instance)),
      };
    },
    // ZITADEL's org context: the x-zitadel-orgid header, else the caller's own org.
    listMyZitadelPermissions: async (_req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      return { result: this.admins.myZitadelPermissions(caller, orgId) };
    },
  };
}
