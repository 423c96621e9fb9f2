import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { AuthService } from '@zitadel/proto/zitadel/auth_pb.js';
import { page } from '../platform/database/list-query.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { listDetailsV1 } from '../platform/rpc/v1-mapping.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { orgFilter } from '../orgs/orgs.handler.js';
import type { OrgSort } from '../orgs/orgs.queries.js';
import { orgV1 } from '../orgs/orgs-v1.mapper.js';
import { ProjectOrgs } from './project-orgs.js';

/** The orgs the caller may switch to, in ZITADEL's auth API (`authenticated`). */
export const AUTH_ORGS_ACCESS: AccessTable<typeof AuthService> = {
  listMyProjectOrgs: 'authenticated',
};

/** zitadel.org.v1.OrgFieldName. */
const V1_SORT: Record<number, OrgSort> = { 0: 'unspecified', 1: 'name' };

/** Transport edge of zitadel.auth.v1.AuthService's ListMyProjectOrgs. */
@Injectable()
export class ProjectOrgsAuthHandler implements OnModuleInit {
  constructor(
    private readonly projectOrgs: ProjectOrgs,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(AuthService, AUTH_ORGS_ACCESS);
    this.registry.register({ service: AuthService, impl: this.impl, access: AUTH_ORGS_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof AuthService>> = {
    listMyProjectOrgs: async (req, ctx) => {
      const filters = req.queries.map((q, i) => orgFilter(q.query, `queries[${i}]`));
      const listed = await this.projectOrgs.list(
        authenticatedCallerOf(ctx),
        filters,
        V1_SORT[req.sortingColumn] ?? 'unspecified',
        page(req.query, 'query'),
      );
      return { details: listDetailsV1(listed.total), result: listed.items.map(orgV1) };
    },
  };
}
