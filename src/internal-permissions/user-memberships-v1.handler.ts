import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import type { MembershipQuery, MembershipSchema } from '@zitadel/proto/zitadel/user_pb.js';
import { page } from '../platform/database/list-query.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { ts } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { listDetailsV1 } from '../platform/rpc/v1-mapping.js';
import { v1OrgOf } from '../platform/rpc/v1-org.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import {
  InternalPermissionsService,
  type AdminFilter,
  type AdministratorView,
} from './internal-permissions.service.js';

/** ListUserMemberships needs user.membership.read (ZITADEL's descriptor option). */
export const MEMBERSHIPS_V1_ACCESS: AccessTable<typeof ManagementService> = {
  listUserMemberships: { permission: 'user.membership.read' },
};

/** zitadel.user.v1.MembershipQuery -> the administrators list's resource filter. */
function membershipFilter(q: MembershipQuery, field: string): AdminFilter {
  switch (q.query.case) {
    case 'orgQuery':
      return { kind: 'resource', level: 'org', id: q.query.value.orgId };
    case 'projectQuery':
      return { kind: 'resource', level: 'project', id: q.query.value.projectId };
    case 'projectGrantQuery':
      return { kind: 'resource', level: 'project_grant', id: q.query.value.projectGrantId };
    case 'iamQuery':
      return { kind: 'resource', level: 'instance' };
    default:
      throw invalidField('MEMB-v1qry', field, 'one query must be set');
  }
}

/** An administrator role set as ZITADEL's v1 Membership: the resource it is on and its owning org. */
function membershipV1(a: AdministratorView): MessageInitShape<typeof MembershipSchema> {
  const type = (() => {
    switch (a.level) {
      case 'instance':
        return { case: 'iam' as const, value: true };
      case 'org':
        return { case: 'orgId' as const, value: a.resourceId };
      case 'project':
        return { case: 'projectId' as const, value: a.resourceId };
      case 'project_grant':
        return { case: 'projectGrantId' as const, value: a.resourceId };
    }
  })();
  const owner = a.project?.orgId ?? a.projectGrant?.orgId ?? (a.level === 'org' ? a.resourceId : a.user.organizationId);
  return {
    userId: a.user.id,
    roles: a.roles,
    displayName: a.org?.name ?? a.project?.name ?? a.projectGrant?.projectName ?? '',
    details: {
      sequence: 0n,
      creationDate: ts(a.createdAt),
      changeDate: ts(a.changedAt),
      resourceOwner: owner,
    },
    type,
  };
}

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
        ...req.queries.map((q, i) => membershipFilter(q, `queries[${i}]`)),
      ];
      const listed = await this.admins.list(caller, filters, 'creationDate', page(req.query, 'query'));
      return {
        details: listDetailsV1(listed.total),
        result: listed.items.map(membershipV1),
      };
    },
  };
}
