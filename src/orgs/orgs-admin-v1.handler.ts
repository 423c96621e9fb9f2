import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { page } from '../platform/database/list-query.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { detailsV1, listDetailsV1 } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { orgFilter } from './orgs.handler.js';
import { orgV1, setUpOrgAdmin } from './orgs-v1.mapper.js';
import { orgNotFound } from './orgs.errors.js';
import { OrgQueries } from './orgs.queries.js';
import { OrgsService } from './orgs.service.js';

/** The instance's view of its orgs in ZITADEL's v1 admin API, with their descriptors' permissions. */
export const ORG_ADMIN_V1_ACCESS: AccessTable<typeof AdminService> = {
  getOrgByID: { permission: 'iam.read' },
  isOrgUnique: { permission: 'iam.read' },
  listOrgs: { permission: 'iam.read' },
  setUpOrg: { permission: 'iam.write' },
  removeOrg: { permission: 'iam.write' },
  getDefaultOrg: { permission: 'iam.read' },
  setDefaultOrg: { permission: 'iam.write' },
};

/** OrgFieldName: unspecified and NAME both sort by name. */
const SORT = { 0: 'name', 1: 'name' } as const;

/** Transport edge of the org methods of zitadel.admin.v1.AdminService. */
@Injectable()
export class OrgsAdminV1Handler implements OnModuleInit {
  constructor(
    private readonly orgs: OrgsService,
    private readonly queries: OrgQueries,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(AdminService, ORG_ADMIN_V1_ACCESS);
    this.registry.register({ service: AdminService, impl: this.impl, access: ORG_ADMIN_V1_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof AdminService>> = {
    getOrgByID: async (req, ctx) => ({ org: orgV1(await this.queries.get(authenticatedCallerOf(ctx), req.id)) }),
    isOrgUnique: async (req, ctx) => ({
      isUnique: await this.queries.isUnique(authenticatedCallerOf(ctx), req.name, req.domain),
    }),
    listOrgs: async (req, ctx) => {
      const filters = req.queries.map((q, i) => orgFilter(q.query, `queries[${i}]`));
      const sort = SORT[req.sortingColumn as 0 | 1] ?? 'name';
      const listed = await this.queries.list(authenticatedCallerOf(ctx), filters, sort, page(req.query));
      return {
        details: listDetailsV1(listed.total),
        sortingColumn: req.sortingColumn,
        result: listed.items.map(orgV1),
      };
    },
    // One transaction: the org, its domains and its first human owner, or nothing.
    setUpOrg: async (req, ctx) => {
      const created = await this.orgs.create(authenticatedCallerOf(ctx), {
        name: req.org?.name ?? '',
        admins: [setUpOrgAdmin(req)],
        ...(req.org?.domain ? { customDomain: { domain: req.org.domain, field: 'org.domain' } } : {}),
      });
      return { orgId: created.id, userId: created.admins[0]?.userId ?? '', details: detailsV1(created.details) };
    },
    removeOrg: async (req, ctx) => ({
      details: detailsV1(await this.orgs.delete(authenticatedCallerOf(ctx), req.orgId)),
    }),
    getDefaultOrg: async (_req, ctx) => {
      const caller = authenticatedCallerOf(ctx);
      if (!caller.instance.defaultOrgId) throw orgNotFound();
      return { org: orgV1(await this.queries.get(caller, caller.instance.defaultOrgId)) };
    },
    setDefaultOrg: async (req, ctx) => ({
      details: detailsV1(await this.orgs.setDefault(authenticatedCallerOf(ctx), req.orgId)),
    }),
  };
}
