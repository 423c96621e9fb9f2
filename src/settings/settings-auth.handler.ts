import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { AuthService } from '@zitadel/proto/zitadel/auth_pb.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { SUPPORTED_LANGUAGES } from './hosted-login-texts.js';
import type { PolicyKind } from './policies.queries.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { labelPolicyV1, loginPolicyV1, passwordComplexityPolicyV1, privacyPolicyV1 } from './settings-v1.mapper.js';
import { SettingsService } from './settings.service.js';

/**
 * The caller's own policies in ZITADEL's auth API: whatever is in force for the caller's org
 * (its own policy, else the instance default). `authenticated`, as the descriptors say.
 */
export const AUTH_SETTINGS_ACCESS: AccessTable<typeof AuthService> = {
  healthz: 'public',
  getSupportedLanguages: 'authenticated',
  getMyPasswordComplexityPolicy: 'authenticated',
  getMyLabelPolicy: 'authenticated',
  getMyPrivacyPolicy: 'authenticated',
  getMyLoginPolicy: 'authenticated',
};

/** Transport edge of zitadel.auth.v1.AuthService's policy reads, served under /auth/v1. */
@Injectable()
export class SettingsAuthHandler implements OnModuleInit {
  constructor(
    private readonly settings: SettingsService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(AuthService, AUTH_SETTINGS_ACCESS);
    this.registry.register({ service: AuthService, impl: this.impl, access: AUTH_SETTINGS_ACCESS });
  }

  private own<K extends PolicyKind>(ctx: HandlerContext, kind: K) {
    return this.settings.read(authenticatedCallerOf(ctx), kind, { kind: 'own' });
  }

  readonly impl: Partial<ServiceImpl<typeof AuthService>> = {
    // ZITADEL's probe: answers as long as the server serves the API.
    healthz: async () => ({}),
    getSupportedLanguages: async () => ({ languages: [...SUPPORTED_LANGUAGES] }),
    getMyPasswordComplexityPolicy: async (_req, ctx) => {
      const { settings, source } = await this.own(ctx, 'password_complexity');
      return { policy: passwordComplexityPolicyV1(settings, source) };
    },
    getMyLabelPolicy: async (_req, ctx) => {
      const { settings, source } = await this.own(ctx, 'label_active');
      return { policy: labelPolicyV1(settings, source) };
    },
    getMyPrivacyPolicy: async (_req, ctx) => {
      const { settings, source } = await this.own(ctx, 'privacy');
      return { policy: privacyPolicyV1(settings, source) };
    },
    getMyLoginPolicy: async (_req, ctx) => {
      const { settings, source } = await this.own(ctx, 'login');
      const idps = await this.settings.loginPolicyIdps(authenticatedCallerOf(ctx), source);
      return { policy: loginPolicyV1(settings, source, idps) };
    },
  };
}
