import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { AuthService } from '@zitadel/proto/zitadel/auth_pb.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { eventDetailsV1, listDetailsV1 } from '../platform/rpc/v1-mapping.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { refreshTokenV1 } from './oidc-auth.mapper.js';
import { RefreshTokensService } from './refresh-tokens.service.js';

/** The caller's own refresh tokens in ZITADEL's auth API (`authenticated`). */
export const AUTH_REFRESH_TOKEN_ACCESS: AccessTable<typeof AuthService> = {
  listMyRefreshTokens: 'authenticated',
  revokeMyRefreshToken: 'authenticated',
  revokeAllMyRefreshTokens: 'authenticated',
};

/** Transport edge of zitadel.auth.v1.AuthService's refresh token methods. */
@Injectable()
export class OidcAuthHandler implements OnModuleInit {
  constructor(
    private readonly refreshTokens: RefreshTokensService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(AuthService, AUTH_REFRESH_TOKEN_ACCESS);
    this.registry.register({ service: AuthService, impl: this.impl, access: AUTH_REFRESH_TOKEN_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof AuthService>> = {
    listMyRefreshTokens: async (_req, ctx) => {
      const caller = authenticatedCallerOf(ctx);
      const tokens = await this.refreshTokens.listMine(caller);
      return {
        details: listDetailsV1(BigInt(tokens.length)),
        result: tokens.map((t) => refreshTokenV1(t, caller.principal.orgId)),
      };
    },
    revokeMyRefreshToken: async (req, ctx) => ({
      details: eventDetailsV1(await this.refreshTokens.revokeMine(authenticatedCallerOf(ctx), req.id)),
    }),
    revokeAllMyRefreshTokens: async (_req, ctx) => {
      await this.refreshTokens.revokeAllMine(authenticatedCallerOf(ctx));
      return {};
    },
  };
}
