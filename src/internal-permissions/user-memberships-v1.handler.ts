import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { page } from '../platform/database/list-query.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { listDetailsV1 } from '../platform/rpc/v1-mapping.js';
import { v1OrgOf } from '../platform/rpc/v1-org.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { InternalPermissionsService, type AdminFilter } from './internal-permissions.service.js';
import { membershipFilterV1, membershipV1 } from './internal-permissions-v1.mapper.js';

/** ListUserMemberships needs user.membership.read (ZITADEL's descriptor option). */
export const MEMBERSHIPS_V1_ACCESS: AccessTable<typeof ManagementService> = {
  listUserMemberships: { permission: 'user.membership.read' },
};

/**
 * ListUserMemberships (management v1): the administrator roles of one user of the org context,
 * read through the same list and visibility as InternalPermissionService.ListAdministrators.
 */
@Injectable()
export class UserMembershipsV1Handler implements OnModuleInit {
  constructor(
    private readonly admins: InternalPermissionsService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(ManagementService, MEMBERSHIPS_V1_ACCESS);
    this.registry.register({ service: ManagementService, impl: this.impl, access: MEMBERSHIPS_V1_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof ManagementService>> = {
    listUserMemberships: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const filters: AdminFilter[] = [
        { kind: 'userIds', ids: [req.userId] },
        { kind: 'userOrg', orgId },
        ...req.queries.map((q, i) => membershipFilterV1(q, `queries[${i}]`)),
      ];
      const listed = await this.admins.list(caller, filters, 'creationDate', page(req.query, 'query'));
      return {
        details: listDetailsV1(listed.total),
        result: listed.items.map((m) => membershipV1(m, caller.instance)),
      };
    },
  };
}
