import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { page } from '../platform/database/list-query.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { detailsV1, listDetailsV1, textMatch } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { assertMatchesAnnotations } from '../settings/settings.access.js';
import { orgContext } from '../settings/settings-management.handler.js';
import { validationTypeOf } from './orgs.handler.js';
import { domainV1, metadataV1, orgV1 } from './orgs-v1.mapper.js';
import { OrgsQueries } from './orgs.queries.js';
import { OrgsService } from './orgs.service.js';

/** The org's own methods of ZITADEL's v1 management API, with their descriptors' permissions. */
export const ORG_MANAGEMENT_V1_ACCESS: AccessTable<typeof ManagementService> = {
  getMyOrg: { permission: 'org.read' },
  getOrgByDomainGlobal: { permission: 'org.global.read' },
  addOrg: { permission: 'org.create' },
  updateOrg: { permission: 'org.write' },
  deactivateOrg: { permission: 'org.write' },
  reactivateOrg: { permission: 'org.write' },
  removeOrg: { permission: 'org.delete' },
  setOrgMetadata: { permission: 'org.write' },
  bulkSetOrgMetadata: { permission: 'org.write' },
  getOrgMetadata: { permission: 'org.read' },
  listOrgMetadata: { permission: 'org.read' },
  removeOrgMetadata: { permission: 'org.write' },
  bulkRemoveOrgMetadata: { permission: 'org.write' },
  listOrgDomains: { permission: 'org.read' },
  addOrgDomain: { permission: 'org.write' },
  removeOrgDomain: { permission: 'org.write' },
  generateOrgDomainValidation: { permission: 'org.write' },
  validateOrgDomain: { permission: 'org.write' },
  setPrimaryOrgDomain: { permission: 'org.write' },
};

/** Transport edge of the org methods of zitadel.management.v1.ManagementService (the org from the header). */
@Injectable()
export class OrgsV1Handler implements OnModuleInit {
  constructor(
    private readonly orgs: OrgsService,
    private readonly queries: OrgsQueries,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(ManagementService, ORG_MANAGEMENT_V1_ACCESS);
    this.registry.register({ service: ManagementService, impl: this.impl, access: ORG_MANAGEMENT_V1_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof ManagementService>> = {
    getMyOrg: async (_req, ctx) => {
      const { caller, orgId } = orgContext(ctx);
      return { org: orgV1(await this.queries.get(caller, orgId)) };
    },
    getOrgByDomainGlobal: async (req, ctx) => ({
      org: orgV1(await this.queries.byPrimaryDomain(authenticatedCallerOf(ctx), req.domain)),
    }),
    addOrg: async (req, ctx) => {
      const created = await this.orgs.create(authenticatedCallerOf(ctx), { name: req.name, admins: [] });
      return { id: created.id, details: detailsV1(created.details) };
    },
    updateOrg: async (req, ctx) => {
      const { caller, orgId } = orgContext(ctx);
      return { details: detailsV1(await this.orgs.rename(caller, orgId, req.name)) };
    },
    deactivateOrg: async (_req, ctx) => {
      const { caller, orgId } = orgContext(ctx);
      return { details: detailsV1(await this.orgs.setState(caller, orgId, 'inactive')) };
    },
    reactivateOrg: async (_req, ctx) => {
      const { caller, orgId } = orgContext(ctx);
      return { details: detailsV1(await this.orgs.setState(caller, orgId, 'active')) };
    },
    removeOrg: async (_req, ctx) => {
      const { caller, orgId } = orgContext(ctx);
      return { details: detailsV1(await this.orgs.delete(caller, orgId)) };
    },

    setOrgMetadata: async (req, ctx) => {
      const { caller, orgId } = orgContext(ctx);
      return { details: detailsV1(await this.orgs.setMetadata(caller, orgId, [req])) };
    },
    bulkSetOrgMetadata: async (req, ctx) => {
      const { caller, orgId } = orgContext(ctx);
      return { details: detailsV1(await this.orgs.setMetadata(caller, orgId, req.metadata)) };
    },
    getOrgMetadata: async (req, ctx) => {
      const { caller, orgId } = orgContext(ctx);
      return { metadata: metadataV1(await this.queries.metadata(caller, orgId, req.key)) };
    },
    listOrgMetadata: async (req, ctx) => {
      const { caller, orgId } = orgContext(ctx);
      const keys = req.queries.flatMap((q) =>
        q.query.case === 'keyQuery' ? [{ match: textMatch(q.query.value.method), value: q.query.value.key }] : [],
      );
      const listed = await this.queries.listMetadata(caller, orgId, keys, page(req.query));
      return { details: listDetailsV1(listed.total), result: listed.items.map(metadataV1) };
    },
    removeOrgMetadata: async (req, ctx) => {
      const { caller, orgId } = orgContext(ctx);
      return { details: detailsV1(await this.orgs.deleteMetadata(caller, orgId, [req.key])) };
    },
    bulkRemoveOrgMetadata: async (req, ctx) => {
      const { caller, orgId } = orgContext(ctx);
      return { details: detailsV1(await this.orgs.deleteMetadata(caller, orgId, req.keys)) };
    },

    listOrgDomains: async (req, ctx) => {
      const { caller, orgId } = orgContext(ctx);
      const names = req.queries.flatMap((q) =>
        q.query.case === 'domainNameQuery'
          ? [{ match: textMatch(q.query.value.method), value: q.query.value.name }]
          : [],
      );
      const listed = await this.queries.listDomains(caller, orgId, names, page(req.query));
      return { details: listDetailsV1(listed.total), result: listed.items.map(domainV1) };
    },
    addOrgDomain: async (req, ctx) => {
      const { caller, orgId } = orgContext(ctx);
      return { details: detailsV1(await this.orgs.addDomain(caller, orgId, req.domain)) };
    },
    removeOrgDomain: async (req, ctx) => {
      const { caller, orgId } = orgContext(ctx);
      return { details: detailsV1(await this.orgs.deleteDomain(caller, orgId, req.domain)) };
    },
    generateOrgDomainValidation: async (req, ctx) => {
      const { caller, orgId } = orgContext(ctx);
      return this.orgs.generateDomainValidation(caller, orgId, req.domain, validationTypeOf(req.type));
    },
    validateOrgDomain: async (req, ctx) => {
      const { caller, orgId } = orgContext(ctx);
      return { details: detailsV1(await this.orgs.verifyDomain(caller, orgId, req.domain)) };
    },
    setPrimaryOrgDomain: async (req, ctx) => {
      const { caller, orgId } = orgContext(ctx);
      return { details: detailsV1(await this.orgs.setPrimaryDomain(caller, orgId, req.domain)) };
    },
  };
}
