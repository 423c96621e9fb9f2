import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { AuthService } from '@zitadel/proto/zitadel/auth_pb.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { ts } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { eventDetailsV1, listDetailsV1, objectDetailsV1 } from '../platform/rpc/v1-mapping.js';
import { assertMatchesAnnotations } from '../settings/settings.access.js';
import { RefreshTokensService, type RefreshTokenView } from './refresh-tokens.service.js';

/** The caller's own refresh tokens in ZITADEL's auth API (`authenticated`). */
export const AUTH_REFRESH_TOKEN_ACCESS: AccessTable<typeof AuthService> = {
  listMyRefreshTokens: 'authenticated',
  revokeMyRefreshToken: 'authenticated',
  revokeAllMyRefreshTokens: 'authenticated',
};

function refreshTokenV1(t: RefreshTokenView, resourceOwner: string) {
  return {
    id: t.id,
    details: objectDetailsV1({ sequence: 0n, creationDate: t.issuedAt, changeDate: t.issuedAt, resourceOwner }),
    clientId: t.clientId,
    authTime: ts(t.authTime),
    idleExpiration: ts(t.idleExpiration),
    expiration: ts(t.expiration),
    scopes: t.scopes,
    // The API audience a token of the client gets is decided per access token, not stored with the refresh token.
    audience: [t.clientId],
  };
}

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
        details: listDetailsV1(tokens.length),
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
