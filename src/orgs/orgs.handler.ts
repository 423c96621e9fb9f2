import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { OrganizationService as OrgServiceV2 } from '@zitadel/proto/zitadel/org/v2/org_service_pb.js';
import { OrganizationService as OrgServiceV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { page } from '../platform/database/list-query.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { detailsV2, listDetailsV2, paginationV2beta, textMatch, ts } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import {
  adminSpecs,
  domainV2beta,
  orgV2,
  orgV2beta,
  stateFromNumber,
  validationTypeFromNumber,
} from './orgs.mapper.js';
import { OrgsQueries, type OrgFilter, type OrgSort } from './orgs.queries.js';
import { OrgsService } from './orgs.service.js';

/** What each method needs before the service checks the specific org (ZITADEL's permissions). */
export const ORG_V2_ACCESS: AccessTable<typeof OrgServiceV2> = {
  addOrganization: { permission: 'org.create' },
  listOrganizations: { permission: 'org.read' },
};

export const ORG_V2BETA_ACCESS: AccessTable<typeof OrgServiceV2beta> = {
  createOrganization: { permission: 'org.create' },
  updateOrganization: { permission: 'org.write' },
  listOrganizations: { permission: 'org.read' },
  deleteOrganization: { permission: 'org.delete' },
  setOrganizationMetadata: { permission: 'org.write' },
  listOrganizationMetadata: { permission: 'org.read' },
  deleteOrganizationMetadata: { permission: 'org.write' },
  addOrganizationDomain: { permission: 'org.write' },
  listOrganizationDomains: { permission: 'org.read' },
  deleteOrganizationDomain: { permission: 'org.write' },
  generateOrganizationDomainValidation: { permission: 'org.write' },
  verifyOrganizationDomain: { permission: 'org.write' },
  deactivateOrganization: { permission: 'org.write' },
  activateOrganization: { permission: 'org.write' },
};

const V2_SORT: Record<number, OrgSort> = { 0: 'unspecified', 1: 'name' };
const V2BETA_SORT: Record<number, OrgSort> = { 0: 'unspecified', 1: 'name', 2: 'creationDate' };

type FilterCase =
  | { case: 'nameQuery' | 'nameFilter'; value: { name: string; method: number } }
  | { case: 'domainQuery' | 'domainFilter'; value: { domain: string; method: number } }
  | { case: 'stateQuery' | 'stateFilter'; value: { state: number } }
  | { case: 'idQuery' | 'idFilter'; value: { id: string } }
  | { case: 'defaultQuery'; value: unknown }
  | { case: undefined; value?: undefined };

/** v2's SearchQuery, v2beta's OrganizationSearchFilter and v1's OrgQuery differ only in their case names. */
export function orgFilter(f: FilterCase, field: string): OrgFilter {
  switch (f.case) {
    case 'nameQuery':
    case 'nameFilter':
      return { kind: 'name', match: textMatch(f.value.method), value: f.value.name };
    case 'domainQuery':
    case 'domainFilter':
      return { kind: 'domain', match: textMatch(f.value.method), value: f.value.domain };
    case 'stateQuery':
    case 'stateFilter': {
      const state = stateFromNumber(f.value.state);
      if (!state) throw invalidField('ORG-st4tq', `${field}.state`, 'must be a defined organization state');
      return { kind: 'state', state };
    }
    case 'idQuery':
    case 'idFilter':
      return { kind: 'id', id: f.value.id };
    case 'defaultQuery':
      return { kind: 'default' };
    default:
      throw invalidField('ORG-qu3ry', field, 'one query must be set');
  }
}

export function validationTypeOf(n: number) {
  const type = validationTypeFromNumber(n);
  if (!type)
    throw invalidField('ORG-v4lty', 'type', 'must be DOMAIN_VALIDATION_TYPE_HTTP or DOMAIN_VALIDATION_TYPE_DNS');
  return type;
}

/** Transport edge of organizations: zitadel.org.v2 and zitadel.org.v2beta OrganizationService. */
@Injectable()
export class OrgsHandler implements OnModuleInit {
  constructor(
    private readonly orgs: OrgsService,
    private readonly queries: OrgsQueries,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register({ service: OrgServiceV2, impl: this.v2, access: ORG_V2_ACCESS });
    this.registry.register({ service: OrgServiceV2beta, impl: this.v2beta, access: ORG_V2BETA_ACCESS });
  }

  readonly v2: Partial<ServiceImpl<typeof OrgServiceV2>> = {
    addOrganization: async (req, ctx) => {
      const created = await this.orgs.create(authenticatedCallerOf(ctx), {
        id: req.orgId,
        name: req.name,
        admins: adminSpecs(req.admins),
      });
      return {
        organizationId: created.id,
        details: detailsV2(created.details),
        createdAdmins: created.admins.flatMap((a) =>
          a.kind === 'created' ? [{ userId: a.userId, emailCode: a.emailCode }] : [],
        ),
      };
    },
    listOrganizations: async (req, ctx) => {
      const p = page(req.query, 'query');
      const sort = V2_SORT[req.sortingColumn] ?? 'unspecified';
      const listed = await this.queries.list(
        authenticatedCallerOf(ctx),
        req.queries.map((q, i) => orgFilter(q.query as FilterCase, `queries[${i}]`)),
        sort,
        p,
      );
      return {
        details: listDetailsV2(listed.total),
        sortingColumn: req.sortingColumn,
        result: listed.items.map(orgV2),
      };
    },
  };

  readonly v2beta: Partial<ServiceImpl<typeof OrgServiceV2beta>> = {
    createOrganization: async (req, ctx) => {
      const created = await this.orgs.create(authenticatedCallerOf(ctx), {
        id: req.id,
        name: req.name,
        admins: adminSpecs(req.admins),
      });
      return {
        id: created.id,
        creationDate: ts(created.details.changeDate),
        organizationAdmins: created.admins.map((a) =>
          a.kind === 'created'
            ? {
                OrganizationAdmin: {
                  case: 'createdAdmin' as const,
                  value: { userId: a.userId, emailCode: a.emailCode },
                },
              }
            : { OrganizationAdmin: { case: 'assignedAdmin' as const, value: { userId: a.userId } } },
        ),
      };
    },
    updateOrganization: async (req, ctx) => {
      const change = await this.orgs.rename(authenticatedCallerOf(ctx), req.id, req.name);
      return { changeDate: ts(change.changeDate) };
    },
    listOrganizations: async (req, ctx) => {
      const p = page(req.pagination, 'pagination');
      const sort = V2BETA_SORT[req.sortingColumn] ?? 'unspecified';
      const listed = await this.queries.list(
        authenticatedCallerOf(ctx),
        req.filter.map((f, i) => orgFilter(f.filter as FilterCase, `filter[${i}]`)),
        sort,
        p,
      );
      return { pagination: paginationV2beta(listed.total, p.limit), organizations: listed.items.map(orgV2beta) };
    },
    deleteOrganization: async (req, ctx) => {
      const change = await this.orgs.delete(authenticatedCallerOf(ctx), req.id);
      return { deletionDate: ts(change.changeDate) };
    },
    deactivateOrganization: async (req, ctx) => {
      const change = await this.orgs.setState(authenticatedCallerOf(ctx), req.id, 'inactive');
      return { changeDate: ts(change.changeDate) };
    },
    activateOrganization: async (req, ctx) => {
      const change = await this.orgs.setState(authenticatedCallerOf(ctx), req.id, 'active');
      return { changeDate: ts(change.changeDate) };
    },
    setOrganizationMetadata: async (req, ctx) => {
      const change = await this.orgs.setMetadata(authenticatedCallerOf(ctx), req.organizationId, req.metadata);
      return { setDate: ts(change.changeDate) };
    },
    listOrganizationMetadata: async (req, ctx) => {
      const p = page(req.pagination, 'pagination');
      const keys = req.filter.flatMap((f) =>
        f.query.case === 'keyQuery' ? [{ match: textMatch(f.query.value.method), value: f.query.value.key }] : [],
      );
      const listed = await this.queries.listMetadata(authenticatedCallerOf(ctx), req.organizationId, keys, p);
      return {
        pagination: paginationV2beta(listed.total, p.limit),
        metadata: listed.items.map((m) => ({
          key: m.key,
          value: m.value,
          creationDate: ts(m.createdAt),
          changeDate: ts(m.changedAt),
        })),
      };
    },
    deleteOrganizationMetadata: async (req, ctx) => {
      const change = await this.orgs.deleteMetadata(authenticatedCallerOf(ctx), req.organizationId, req.keys);
      return { deletionDate: ts(change.changeDate) };
    },
    addOrganizationDomain: async (req, ctx) => {
      const change = await this.orgs.addDomain(authenticatedCallerOf(ctx), req.organizationId, req.domain);
      return { creationDate: ts(change.changeDate) };
    },
    listOrganizationDomains: async (req, ctx) => {
      const p = page(req.pagination, 'pagination');
      const names = req.filters.flatMap((f) =>
        f.filter.case === 'domainNameFilter'
          ? [{ match: textMatch(f.filter.value.method), value: f.filter.value.name }]
          : [],
      );
      const listed = await this.queries.listDomains(authenticatedCallerOf(ctx), req.organizationId, names, p);
      return { pagination: paginationV2beta(listed.total, p.limit), domains: listed.items.map(domainV2beta) };
    },
    deleteOrganizationDomain: async (req, ctx) => {
      const change = await this.orgs.deleteDomain(authenticatedCallerOf(ctx), req.organizationId, req.domain);
      return { deletionDate: ts(change.changeDate) };
    },
    generateOrganizationDomainValidation: async (req, ctx) =>
      this.orgs.generateDomainValidation(
        authenticatedCallerOf(ctx),
        req.organizationId,
        req.domain,
        validationTypeOf(req.type),
      ),
    verifyOrganizationDomain: async (req, ctx) => {
      const change = await this.orgs.verifyDomain(authenticatedCallerOf(ctx), req.organizationId, req.domain);
      return { changeDate: ts(change.changeDate) };
    },
  };
}
