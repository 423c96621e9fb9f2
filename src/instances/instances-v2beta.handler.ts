import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { TrustedDomainFieldName } from '@zitadel/proto/zitadel/instance/v2beta/instance_pb.js';
import { InstanceService } from '@zitadel/proto/zitadel/instance/v2beta/instance_service_pb.js';
import { MAX_LIMIT, page } from '../platform/database/list-query.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { authenticatedCallerOf, systemCallOf, type AuthenticatedCaller } from '../platform/rpc/call-context.js';
import { paginationV2beta, ts } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import {
  instanceDomainQuery,
  instanceDomainSort,
  instanceQuery,
  instanceSort,
  trustedDomainQuery,
} from './instances-v1.mapper.js';
import { domainV2beta, instanceV2beta, trustedDomainV2beta } from './instances-v2beta.mapper.js';
import { instanceNotFound } from './instances.errors.js';
import { InstancesQueries } from './instances.queries.js';
import { InstancesService } from './instances.service.js';
import { SystemInstancesService } from './system-instances.service.js';

/**
 * ZITADEL's permissions: listing and deleting instances and their custom domains are the system
 * API's (system API users, on no instance); reading and renaming an instance, reading its custom
 * domains and managing its trusted domains are its own administrators' (iam.read / iam.write).
 */
export const INSTANCE_V2BETA_ACCESS: AccessTable<typeof InstanceService> = {
  listInstances: { system: 'system.instance.read' },
  deleteInstance: { system: 'system.instance.delete' },
  addCustomDomain: { system: 'system.domain.write' },
  removeCustomDomain: { system: 'system.domain.write' },
  getInstance: { permission: 'iam.read' },
  updateInstance: { permission: 'iam.write' },
  listCustomDomains: { permission: 'iam.read' },
  addTrustedDomain: { permission: 'iam.write' },
  removeTrustedDomain: { permission: 'iam.write' },
  listTrustedDomains: { permission: 'iam.read' },
};

/**
 * An instance administrator acts on the instance the request is for: an `instance_id` naming
 * another one is answered as not found, as for an instance that does not exist.
 */
function ownInstance(caller: AuthenticatedCaller, instanceId: string): AuthenticatedCaller {
  if (instanceId && instanceId !== caller.instance.id) throw instanceNotFound();
  return caller;
}

const ALL = { offset: 0, limit: MAX_LIMIT, asc: true } as const;

/** Transport edge of zitadel.instance.v2beta.InstanceService. */
@Injectable()
export class InstancesV2betaHandler implements OnModuleInit {
  constructor(
    private readonly queries: InstancesQueries,
    private readonly commands: InstancesService,
    private readonly system: SystemInstancesService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(InstanceService, INSTANCE_V2BETA_ACCESS);
    this.registry.register({ service: InstanceService, impl: this.impl, access: INSTANCE_V2BETA_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof InstanceService>> = {
    listInstances: async (req) => {
      const p = page(req.pagination, 'pagination');
      const filters = req.queries.map((q, i) => instanceQuery(q, `queries[${i}]`));
      const listed = await this.queries.list(filters, instanceSort(req.sortingColumn), p);
      return { instances: listed.items.map(instanceV2beta), pagination: paginationV2beta(listed.total, p.limit) };
    },
    deleteInstance: async (req, ctx) => ({
      deletionDate: ts((await this.system.remove(systemCallOf(ctx), req.instanceId)).createdAt),
    }),
    addCustomDomain: async (req, ctx) => ({
      creationDate: ts((await this.system.addDomain(systemCallOf(ctx), req.instanceId, req.domain)).createdAt),
    }),
    removeCustomDomain: async (req, ctx) => ({
      deletionDate: ts((await this.system.removeDomain(systemCallOf(ctx), req.instanceId, req.domain)).createdAt),
    }),
    getInstance: async (req, ctx) => {
      const caller = ownInstance(authenticatedCallerOf(ctx), req.instanceId);
      const { items } = await this.queries.domains(caller, [], 'domain', ALL);
      return { instance: instanceV2beta({ instance: this.queries.mine(caller), domains: items }) };
    },
    updateInstance: async (req, ctx) => {
      const caller = ownInstance(authenticatedCallerOf(ctx), req.instanceId);
      return { changeDate: ts((await this.commands.rename(caller, req.instanceName)).createdAt) };
    },
    listCustomDomains: async (req, ctx) => {
      const caller = ownInstance(authenticatedCallerOf(ctx), req.instanceId);
      const p = page(req.pagination, 'pagination');
      const filters = req.queries.map((q, i) => instanceDomainQuery(q, `queries[${i}]`));
      const listed = await this.queries.domains(caller, filters, instanceDomainSort(req.sortingColumn), p);
      return {
        domains: listed.items.map((d) => domainV2beta(caller.instance.id, d)),
        pagination: paginationV2beta(listed.total, p.limit),
      };
    },
    addTrustedDomain: async (req, ctx) => {
      const caller = ownInstance(authenticatedCallerOf(ctx), req.instanceId);
      return { creationDate: ts((await this.commands.addTrustedDomain(caller, req.domain)).createdAt) };
    },
    removeTrustedDomain: async (req, ctx) => {
      const caller = ownInstance(authenticatedCallerOf(ctx), req.instanceId);
      return { deletionDate: ts((await this.commands.removeTrustedDomain(caller, req.domain)).createdAt) };
    },
    listTrustedDomains: async (req, ctx) => {
      const caller = ownInstance(authenticatedCallerOf(ctx), req.instanceId);
      const p = page(req.pagination, 'pagination');
      const names = req.queries.map((q, i) => trustedDomainQuery(q, `queries[${i}]`));
      // TrustedDomainFieldName: only the domain and the creation date apply.
      const sort = req.sortingColumn === TrustedDomainFieldName.CREATION_DATE ? 'creationDate' : 'domain';
      const listed = await this.queries.trustedDomains(caller, names, sort, p);
      return {
        trustedDomain: listed.items.map((d) => trustedDomainV2beta(caller.instance.id, d)),
        pagination: paginationV2beta(listed.total, p.limit),
      };
    },
  };
}
