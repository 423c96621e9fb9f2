import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { MAX_LIMIT, page } from '../platform/database/list-query.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { eventDetailsV1, listDetailsV1 } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import {
  instanceDetailV1,
  instanceDomainQuery,
  instanceDomainSort,
  instanceDomainV1,
  trustedDomainQuery,
  trustedDomainV1,
} from './instances-v1.mapper.js';
import { InstancesQueries } from './instances.queries.js';
import { InstancesService } from './instances.service.js';

/** The caller's instance, its domains and trusted domains in ZITADEL's v1 admin API. */
export const INSTANCE_ADMIN_V1_ACCESS: AccessTable<typeof AdminService> = {
  getMyInstance: { permission: 'iam.read' },
  listInstanceDomains: { permission: 'iam.read' },
  listInstanceTrustedDomains: { permission: 'iam.read' },
  addInstanceTrustedDomain: { permission: 'iam.write' },
  removeInstanceTrustedDomain: { permission: 'iam.write' },
};

const ALL_DOMAINS = { offset: 0, limit: MAX_LIMIT, asc: true } as const;

/** Transport edge of the instance methods of zitadel.admin.v1.AdminService. */
@Injectable()
export class InstancesAdminV1Handler implements OnModuleInit {
  constructor(
    private readonly instances: InstancesQueries,
    private readonly commands: InstancesService,
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
      const filters = req.queries.map((q, i) => instanceDomainQuery(q, `queries[${i}]`));
      const listed = await this.instances.domains(
        caller,
        filters,
        instanceDomainSort(req.sortingColumn),
        page(req.query),
      );
      return {
        details: listDetailsV1(listed.total),
        sortingColumn: req.sortingColumn,
        result: listed.items.map((d) => instanceDomainV1(caller.instance.id, d)),
      };
    },
    listInstanceTrustedDomains: async (req, ctx) => {
      const caller = authenticatedCallerOf(ctx);
      const names = req.queries.map((q, i) => trustedDomainQuery(q, `queries[${i}]`));
      // DomainFieldName: only the domain and the creation date apply to trusted domains.
      const sort = req.sortingColumn === 4 ? 'creationDate' : 'domain';
      const listed = await this.instances.trustedDomains(caller, names, sort, page(req.query));
      return {
        details: listDetailsV1(listed.total),
        sortingColumn: req.sortingColumn,
        result: listed.items.map((d) => trustedDomainV1(caller.instance.id, d)),
      };
    },
    addInstanceTrustedDomain: async (req, ctx) => ({
      details: eventDetailsV1(await this.commands.addTrustedDomain(authenticatedCallerOf(ctx), req.domain)),
    }),
    removeInstanceTrustedDomain: async (req, ctx) => ({
      details: eventDetailsV1(await this.commands.removeTrustedDomain(authenticatedCallerOf(ctx), req.domain)),
    }),
  };
}
