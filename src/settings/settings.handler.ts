import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { SettingsService as SettingsServiceV2 } from '@zitadel/proto/zitadel/settings/v2/settings_service_pb.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { detailsV2, listDetailsV2 } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { SUPPORTED_LANGUAGES } from './hosted-login-texts.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { levelRequired } from './settings.errors.js';
import {
  brandingV2,
  domainV2,
  identityProviderV2,
  legalV2,
  lockoutV2,
  loginSettingsV2,
  passwordComplexityV2,
  passwordExpiryV2,
  policyDetailsV2,
  readTarget,
  securityFromV2,
  securityV2,
} from './settings.mapper.js';
import { SettingsService, type TranslationLevel } from './settings.service.js';
import { LoginPolicyIdpsService } from '../idps/login-policy-idps.service.js';
import { HostedLoginTranslationsService } from './hosted-login-translations.service.js';

/**
 * What each method needs before the service looks at the org. The descriptors annotate the
 * reads with `policy.read`; ZITADEL lets every authenticated caller read its own org's and the
 * instance's policies and asks `policy.read` only for another org's, which the service checks.
 */
export const SETTINGS_V2_ACCESS: AccessTable<typeof SettingsServiceV2> = {
  getGeneralSettings: 'authenticated',
  getLoginSettings: 'authenticated',
  getActiveIdentityProviders: 'authenticated',
  getPasswordComplexitySettings: 'authenticated',
  getPasswordExpirySettings: 'authenticated',
  getBrandingSettings: 'authenticated',
  getDomainSettings: 'authenticated',
  getLegalAndSupportSettings: 'authenticated',
  getLockoutSettings: 'authenticated',
  getSecuritySettings: { permission: 'iam.policy.read' },
  setSecuritySettings: { permission: 'iam.policy.write' },
  getHostedLoginTranslation: { permission: 'iam.policy.read' },
  setHostedLoginTranslation: { permission: 'iam.policy.write' },
};

const READ_DEVIATIONS = {
  getGeneralSettings: 'policy.read',
  getLoginSettings: 'policy.read',
  getActiveIdentityProviders: 'policy.read',
  getPasswordComplexitySettings: 'policy.read',
  getPasswordExpirySettings: 'policy.read',
  getBrandingSettings: 'policy.read',
  getDomainSettings: 'policy.read',
  getLegalAndSupportSettings: 'policy.read',
  getLockoutSettings: 'policy.read',
} as const;

type LevelCase =
  | { case: 'system'; value: boolean }
  | { case: 'instance'; value: boolean }
  | { case: 'organizationId'; value: string }
  | { case: undefined; value?: undefined };

function translationLevel(level: LevelCase): TranslationLevel {
  switch (level.case) {
    case 'system':
      return { kind: 'system' };
    case 'instance':
      return { kind: 'instance' };
    case 'organizationId':
      if (level.value) return { kind: 'org', orgId: level.value };
      throw levelRequired('organization_id');
    default:
      throw levelRequired('level');
  }
}

/** Transport edge of zitadel.settings.v2.SettingsService. */
@Injectable()
export class SettingsHandler implements OnModuleInit {
  constructor(
    private readonly settings: SettingsService,
    private readonly loginPolicyIdps: LoginPolicyIdpsService,
    private readonly translations: HostedLoginTranslationsService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(SettingsServiceV2, SETTINGS_V2_ACCESS, READ_DEVIATIONS);
    this.registry.register({ service: SettingsServiceV2, impl: this.v2, access: SETTINGS_V2_ACCESS });
  }

  readonly v2: Partial<ServiceImpl<typeof SettingsServiceV2>> = {
    getGeneralSettings: async (_req, ctx) => {
      const caller = authenticatedCallerOf(ctx);
      const { settings } = await this.settings.instanceDefault(caller, 'general');
      return {
        defaultOrgId: caller.instance.defaultOrgId ?? '',
        defaultLanguage: settings.defaultLanguage,
        supportedLanguages: [...SUPPORTED_LANGUAGES],
      };
    },
    getLoginSettings: async (req, ctx) => {
      const { settings, source } = await this.settings.read(authenticatedCallerOf(ctx), 'login', readTarget(req.ctx));
      return { details: policyDetailsV2(source), settings: loginSettingsV2(settings, source) };
    },
    getActiveIdentityProviders: async (req, ctx) => {
      // The caller must be able to read the target's login policy; its providers come with it.
      const caller = authenticatedCallerOf(ctx);
      const { source } = await this.settings.read(caller, 'login', readTarget(req.ctx));
      const orgId = source.ownerType === 'org' ? source.owner : undefined;
      const active = await this.loginPolicyIdps.active(caller.instance.id, orgId, {
        creationAllowed: req.creationAllowed,
        linkingAllowed: req.linkingAllowed,
        autoCreation: req.autoCreation,
        autoLinking: req.autoLinking,
      });
      return { details: listDetailsV2(BigInt(active.length)), identityProviders: active.map(identityProviderV2) };
    },
    getPasswordComplexitySettings: async (req, ctx) => {
      const { settings, source } = await this.settings.read(
        authenticatedCallerOf(ctx),
        'password_complexity',
        readTarget(req.ctx),
      );
      return { details: policyDetailsV2(source), settings: passwordComplexityV2(settings, source) };
    },
    getPasswordExpirySettings: async (req, ctx) => {
      const { settings, source } = await this.settings.read(
        authenticatedCallerOf(ctx),
        'password_age',
        readTarget(req.ctx),
      );
      return { details: policyDetailsV2(source), settings: passwordExpiryV2(settings, source) };
    },
    getBrandingSettings: async (req, ctx) => {
      const { settings, source } = await this.settings.read(
        authenticatedCallerOf(ctx),
        'label_active',
        readTarget(req.ctx),
      );
      return { details: policyDetailsV2(source), settings: brandingV2(settings, source) };
    },
    getDomainSettings: async (req, ctx) => {
      const { settings, source } = await this.settings.read(authenticatedCallerOf(ctx), 'domain', readTarget(req.ctx));
      return { details: policyDetailsV2(source), settings: domainV2(settings, source) };
    },
    getLegalAndSupportSettings: async (req, ctx) => {
      const { settings, source } = await this.settings.legalAndSupport(authenticatedCallerOf(ctx), readTarget(req.ctx));
      return { details: policyDetailsV2(source), settings: legalV2(settings, source) };
    },
    getLockoutSettings: async (req, ctx) => {
      const { settings, source } = await this.settings.read(authenticatedCallerOf(ctx), 'lockout', readTarget(req.ctx));
      return { details: policyDetailsV2(source), settings: lockoutV2(settings, source) };
    },
    getSecuritySettings: async (_req, ctx) => {
      const { settings, source } = await this.settings.instanceDefault(authenticatedCallerOf(ctx), 'security');
      return { details: policyDetailsV2(source), settings: securityV2(settings) };
    },
    setSecuritySettings: async (req, ctx) => {
      const change = await this.settings.setSecuritySettings(authenticatedCallerOf(ctx), securityFromV2(req));
      return { details: detailsV2(change) };
    },
    getHostedLoginTranslation: async (req, ctx) =>
      this.translations.get(
        authenticatedCallerOf(ctx),
        translationLevel(req.level as LevelCase),
        req.locale,
        req.ignoreInheritance,
      ),
    setHostedLoginTranslation: async (req, ctx) => {
      const level = translationLevel(req.level as LevelCase);
      if (level.kind === 'system') throw levelRequired('level');
      return this.translations.set(authenticatedCallerOf(ctx), level, req.locale, req.translations ?? {});
    },
  };
}
