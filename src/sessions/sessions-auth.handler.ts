import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { AuthService } from '@zitadel/proto/zitadel/auth_pb.js';
import { page } from '../platform/database/list-query.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { SessionQueries } from './sessions.queries.js';
import { userSessionV1 } from './sessions-auth.mapper.js';

/** The caller's own sessions in ZITADEL's auth API (`authenticated`). */
export const AUTH_SESSIONS_ACCESS: AccessTable<typeof AuthService> = {
  listMyUserSessions: 'authenticated',
};

/** Transport edge of zitadel.auth.v1.AuthService's ListMyUserSessions. */
@Injectable()
export class SessionsAuthHandler implements OnModuleInit {
  constructor(
    private readonly sessions: SessionQueries,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(AuthService, AUTH_SESSIONS_ACCESS);
    this.registry.register({ service: AuthService, impl: this.impl, access: AUTH_SESSIONS_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof AuthService>> = {
    // v1 has no paging here: the newest sessions first, one default page.
    listMyUserSessions: async (_req, ctx) => {
      const caller = authenticatedCallerOf(ctx);
      const listed = await this.sessions.list(
        caller,
        [{ kind: 'user', userId: caller.principal.userId }],
        'creationDate',
        page(undefined),
      );
      const now = new Date();
      return { result: listed.items.map((s) => userSessionV1(s, now)) };
    },
  };
}
