import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { AuthService } from '@zitadel/proto/zitadel/auth_pb.js';
import { page } from '../platform/database/list-query.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { listDetailsV1 } from '../platform/rpc/v1-mapping.js';
import { v1OrgOf } from '../platform/rpc/v1-org.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { myUserGrantV1 } from './authorizations-auth.mapper.js';
import { AuthorizationsService } from './authorizations.service.js';

/** The caller's own authorizations in ZITADEL's auth API (`authenticated`: one's own need no permission). */
export const AUTH_GRANTS_ACCESS: AccessTable<typeof AuthService> = {
  listMyUserGrants: 'authenticated',
  listMyProjectPermissions: 'authenticated',
};

/** Transport edge of zitadel.auth.v1.AuthService's ListMyUserGrants and ListMyProjectPermissions. */
@Injectable()
export class AuthorizationsAuthHandler implements OnModuleInit {
  constructor(
    private readonly authorizations: AuthorizationsService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(AuthService, AUTH_GRANTS_ACCESS);
    this.registry.register({ service: AuthService, impl: this.impl, access: AUTH_GRANTS_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof AuthService>> = {
    listMyUserGrants: async (req, ctx) => {
      const caller = authenticatedCallerOf(ctx);
      const listed = await this.authorizations.list(
        caller,
        [{ kind: 'user', id: caller.principal.userId }],
        'creationDate',
        page(req.query, 'query'),
      );
      return { details: listDetailsV1(listed.total), result: listed.items.map(myUserGrantV1) };
    },
    // ZITADEL's org context: the x-zitadel-orgid header, else the caller's own org.
    listMyProjectPermissions: async (_req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      return { result: await this.authorizations.myProjectRoles(caller, orgId) };
    },
  };
}
