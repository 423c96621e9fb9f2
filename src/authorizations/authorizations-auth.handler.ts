import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { AuthService, type UserGrantSchema } from '@zitadel/proto/zitadel/auth_pb.js';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { page } from '../platform/database/list-query.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { listDetailsV1, objectDetailsV1 } from '../platform/rpc/v1-mapping.js';
import { assertMatchesAnnotations } from '../settings/settings.access.js';
import { AuthorizationsService, type AuthorizationView } from './authorizations.service.js';

/** The caller's own authorizations in ZITADEL's auth API (`authenticated`: one's own need no permission). */
export const AUTH_GRANTS_ACCESS: AccessTable<typeof AuthService> = {
  listMyUserGrants: 'authenticated',
};

/** zitadel.user.v1.Type and UserGrantState numbers. */
const USER_TYPE_V1 = { human: 1, machine: 2 } as const;
const GRANT_STATE_V1 = { active: 1, inactive: 2 } as const;

/** zitadel.auth.v1.UserGrant: an authorization with its org and project named (`roles` repeats the keys). */
export function myUserGrantV1(a: AuthorizationView): MessageInitShape<typeof UserGrantSchema> {
  return {
    orgId: a.orgId,
    orgName: a.orgName,
    orgDomain: a.orgDomain,
    projectId: a.projectId,
    projectName: a.projectName,
    projectGrantId: a.projectGrantId ?? '',
    userId: a.user.id,
    userType: USER_TYPE_V1[a.user.type],
    grantId: a.id,
    roles: a.roleKeys,
    roleKeys: a.roleKeys,
    state: GRANT_STATE_V1[a.state],
    details: objectDetailsV1({
      sequence: 0n,
      creationDate: a.createdAt,
      changeDate: a.changedAt,
      resourceOwner: a.orgId,
    }),
  };
}

/** Transport edge of zitadel.auth.v1.AuthService's ListMyUserGrants. */
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
  };
}
