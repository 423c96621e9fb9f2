import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { MAX_LIMIT, page } from '../platform/database/list-query.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { listDetailsV1 } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { assertMatchesAnnotations } from '../settings/settings.access.js';
import {
  instanceDetailV1,
  instanceDomainQueryV1,
  instanceDomainSortV1,
  instanceDomainV1,
} from './instances-v1.mapper.js';
import { InstancesQueries } from './instances.queries.js';

/** The caller's instance in ZITADEL's v1 admin API, with the descriptors' permissions. */
export const INSTANCE_ADMIN_V1_ACCESS: AccessTable<typeof AdminService> = {
  getMyInstance: { permission: 'iam.read' },
  listInstanceDomains: { permission: 'iam.read' },
};

const ALL_DOMAINS = { offset: 0, limit: MAX_LIMIT, asc: true } as const;

/** Transport edge of the instance reads of zitadel.admin.v1.AdminService. */
@Injectable()
export class InstancesAdminV1Handler implements OnModuleInit {
  constructor(
    private readonly instances: InstancesQueries,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(AdminService, INSTANCE_ADMIN_V1_ACCESS);
    this.registry.register({ service: AdminService, impl: this.impl, access: INSTANCE_ADMIN_V1_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof AdminService>> = {
    getMyInstance: async (_req, ctx) => {
      const caller = authenticatedCallerOf(ctx);
      const { items } = await this.instances.domains(caller, [], 'domain', ALL_DOMAINS);
      return { instance: instanceDetailV1(this.instances.mine(caller), items) };
    },
    listInstanceDomains: async (req, ctx) => {
      const caller = authenticatedCallerOf(ctx);
      const filters = req.queries.map((q, i) => instanceDomainQueryV1(q, `queries[${i}]`));
      const listed = await this.instances.domains(
        caller,
        filters,
        instanceDomainSortV1(req.sortingColumn),
        page(req.query),
      );
      return {
        details: listDetailsV1(listed.total),
        sortingColumn: req.sortingColumn,
        result: listed.items.map((d) => instanceDomainV1(caller.instance.id, d)),
      };
    },
  };
}
