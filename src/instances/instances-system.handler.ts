import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { SystemService } from '@zitadel/proto/zitadel/system_pb.js';
import { Config } from '../platform/config/config.js';
import { page } from '../platform/database/list-query.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { systemCallOf } from '../platform/rpc/call-context.js';
import { detailsAtV1, detailsV1, eventDetailsV1, listDetailsV1 } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { addInstanceInput, createInstanceInput, instanceFeatureInput } from './instances-system.mapper.js';
import {
  instanceDetailV1,
  instanceDomainQuery,
  instanceDomainSort,
  instanceDomainV1,
  instanceQuery,
  instanceSort,
  instanceV1,
} from './instances-v1.mapper.js';
import { instanceNotFound } from './instances.errors.js';
import { InstancesQueries } from './instances.queries.js';
import { SystemInstancesService } from './system-instances.service.js';

/** The system API's instance methods, for system API users only (ZITADEL's system permissions). */
export const INSTANCE_SYSTEM_ACCESS: AccessTable<typeof SystemService> = {
  listInstances: { system: 'system.instance.read' },
  getInstance: { system: 'system.instance.read' },
  addInstance: { system: 'system.instance.write' },
  createInstance: { system: 'system.instance.write' },
  updateInstance: { system: 'system.instance.write' },
  removeInstance: { system: 'system.instance.delete' },
  existsDomain: { system: 'system.domain.read' },
  listDomains: { system: 'system.domain.read' },
  addDomain: { system: 'system.domain.write' },
  removeDomain: { system: 'system.domain.delete' },
  setPrimaryDomain: { system: 'system.domain.write' },
  setInstanceFeature: { system: 'system.feature.write' },
  healthz: 'public',
};

/** Transport edge of the instance methods of zitadel.system.v1.SystemService (REST under /system/v1). */
@Injectable()
export class InstancesSystemHandler implements OnModuleInit {
  constructor(
    private readonly queries: InstancesQueries,
    private readonly commands: SystemInstancesService,
    private readonly registry: RpcRegistry,
    private readonly config: Config,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(SystemService, INSTANCE_SYSTEM_ACCESS);
    this.registry.register({ service: SystemService, impl: this.impl, access: INSTANCE_SYSTEM_ACCESS });
  }

  private async found(instanceId: string) {
    const found = instanceId ? await this.queries.byId(instanceId) : undefined;
    if (!found) throw instanceNotFound();
    return found;
  }

  readonly impl: Partial<ServiceImpl<typeof SystemService>> = {
    listInstances: async (req) => {
      const filters = req.queries.map((q, i) => instanceQuery(q, `queries[${i}]`));
      const listed = await this.queries.list(filters, instanceSort(req.sortingColumn), page(req.query));
      return {
        details: listDetailsV1(listed.total),
        sortingColumn: req.sortingColumn,
        result: listed.items.map(instanceV1),
      };
    },
    getInstance: async (req) => {
      const { instance, domains } = await this.found(req.instanceId);
      return { instance: instanceDetailV1(instance, domains) };
    },
    addInstance: async (req, ctx) => {
      const created = await this.commands.create(systemCallOf(ctx), addInstanceInput(req, this.config.adminUsername));
      return { instanceId: created.instance.id, details: eventDetailsV1(created.event) };
    },
    createInstance: async (req, ctx) => {
      const created = await this.commands.create(
        systemCallOf(ctx),
        createInstanceInput(req, this.config.adminUsername),
      );
      const owner = created.owners[0];
      return {
        instanceId: created.instance.id,
        details: eventDetailsV1(created.event),
        pat: owner?.pat ?? '',
        machineKey: owner?.keyFile ?? new Uint8Array(),
      };
    },
    updateInstance: async (req, ctx) => ({
      details: eventDetailsV1(await this.commands.rename(systemCallOf(ctx), req.instanceId, req.instanceName)),
    }),
    removeInstance: async (req, ctx) => ({
      details: eventDetailsV1(await this.commands.remove(systemCallOf(ctx), req.instanceId)),
    }),
    existsDomain: async (req) => ({ exists: await this.queries.domainExists(req.domain.trim().toLowerCase()) }),
    listDomains: async (req) => {
      const { instance } = await this.found(req.instanceId);
      const filters = req.queries.map((q, i) => instanceDomainQuery(q, `queries[${i}]`));
      const listed = await this.queries.domainsOf(
        instance.id,
        filters,
        instanceDomainSort(req.sortingColumn),
        page(req.query),
      );
      return {
        details: listDetailsV1(listed.total),
        sortingColumn: req.sortingColumn,
        result: listed.items.map((d) => instanceDomainV1(instance.id, d)),
      };
    },
    addDomain: async (req, ctx) => ({
      details: eventDetailsV1(await this.commands.addDomain(systemCallOf(ctx), req.instanceId, req.domain)),
    }),
    removeDomain: async (req, ctx) => ({
      details: eventDetailsV1(await this.commands.removeDomain(systemCallOf(ctx), req.instanceId, req.domain)),
    }),
    setPrimaryDomain: async (req, ctx) => ({
      details: eventDetailsV1(await this.commands.setPrimaryDomain(systemCallOf(ctx), req.instanceId, req.domain)),
    }),
    setInstanceFeature: async (req, ctx) => {
      const set = await this.commands.setFeatures(systemCallOf(ctx), req.instanceId, instanceFeatureInput(req));
      // A set leaves a stored row with its date behind; the fallback only satisfies the type.
      return {
        details: set.changeDate
          ? detailsV1({ ...set, changeDate: set.changeDate })
          : detailsAtV1(undefined, set.resourceOwner),
      };
    },
    healthz: async () => ({}),
  };
}
