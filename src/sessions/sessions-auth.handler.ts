import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { ServiceImpl } from '@connectrpc/connect';
import { AuthService } from '@zitadel/proto/zitadel/auth_pb.js';
import { SessionState, type SessionSchema } from '@zitadel/proto/zitadel/user_pb.js';
import { page } from '../platform/database/list-query.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { objectDetailsV1 } from '../platform/rpc/v1-mapping.js';
import { assertMatchesAnnotations } from '../settings/settings.access.js';
import { SessionQueries, type SessionView } from './session-queries.js';

/** The caller's own sessions in ZITADEL's auth API (`authenticated`). */
export const AUTH_SESSIONS_ACCESS: AccessTable<typeof AuthService> = {
  listMyUserSessions: 'authenticated',
};

/**
 * zitadel.user.v1.Session: a session of the user, active until it expires. ZITADEL's login v1
 * keys sessions by browser (agent); ours carry the user agent's fingerprint as the agent id.
 */
export function userSessionV1(s: SessionView, now = new Date()): MessageInitShape<typeof SessionSchema> {
  const active = s.expiresAt === null || s.expiresAt > now;
  return {
    sessionId: s.id,
    agentId: s.userAgent?.fingerprintId ?? '',
    authState: active ? SessionState.ACTIVE : SessionState.TERMINATED,
    userId: s.user?.id ?? '',
    userName: s.user?.loginName ?? '',
    loginName: s.user?.loginName ?? '',
    displayName: s.user?.displayName ?? '',
    details: objectDetailsV1({
      sequence: s.sequence,
      creationDate: s.createdAt,
      changeDate: s.changedAt,
      resourceOwner: s.user?.organizationId ?? '',
    }),
  };
}

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
