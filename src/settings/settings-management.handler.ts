import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { v1OrgOf } from '../platform/rpc/v1-org.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { SUPPORTED_LANGUAGES } from './hosted-login-texts.js';
import type { LoginSettings, PolicyBodies, PolicyKind } from './policies.queries.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import {
  ageFromV1,
  complexityFromV1,
  domainPolicyV1,
  isDefault,
  labelFromV1,
  labelPolicyV1,
  lockoutFromV1,
  lockoutPolicyV1,
  loginFromV1,
  loginPolicyIdpsFromV1,
  loginPolicyV1,
  multiFactorFromV1,
  multiFactorsV1,
  notificationFromV1,
  notificationPolicyV1,
  objectDetailsV1,
  orgIamPolicyV1,
  passwordAgePolicyV1,
  passwordComplexityPolicyV1,
  privacyFromV1,
  privacyPolicyV1,
  secondFactorFromV1,
  secondFactorsV1,
} from './settings-v1.mapper.js';
import { withFactor } from './settings-rules.js';
import { listDetailsV1 } from '../platform/rpc/v1-mapping.js';
import { SettingsService } from './settings.service.js';

const READ = { permission: 'policy.read' } as const;
const WRITE = { permission: 'policy.write' } as const;
const DELETE = { permission: 'policy.delete' } as const;

/** An org's own policies in ZITADEL's v1 management API (other contexts register their own parts of ManagementService). */
export const MANAGEMENT_POLICY_ACCESS: AccessTable<typeof ManagementService> = {
  healthz: 'public',
  getSupportedLanguages: 'authenticated',
  getOrgIAMPolicy: 'authenticated',
  getDomainPolicy: 'authenticated',
  getLoginPolicy: READ,
  getDefaultLoginPolicy: READ,
  addCustomLoginPolicy: WRITE,
  updateCustomLoginPolicy: WRITE,
  resetLoginPolicyToDefault: DELETE,
  listLoginPolicySecondFactors: READ,
  addSecondFactorToLoginPolicy: WRITE,
  removeSecondFactorFromLoginPolicy: WRITE,
  listLoginPolicyMultiFactors: READ,
  addMultiFactorToLoginPolicy: WRITE,
  removeMultiFactorFromLoginPolicy: WRITE,
  getPasswordComplexityPolicy: READ,
  getDefaultPasswordComplexityPolicy: READ,
  addCustomPasswordComplexityPolicy: WRITE,
  updateCustomPasswordComplexityPolicy: WRITE,
  resetPasswordComplexityPolicyToDefault: DELETE,
  getPasswordAgePolicy: READ,
  getDefaultPasswordAgePolicy: READ,
  addCustomPasswordAgePolicy: WRITE,
  updateCustomPasswordAgePolicy: WRITE,
  resetPasswordAgePolicyToDefault: DELETE,
  getLockoutPolicy: READ,
  getDefaultLockoutPolicy: READ,
  addCustomLockoutPolicy: WRITE,
  updateCustomLockoutPolicy: WRITE,
  resetLockoutPolicyToDefault: DELETE,
  getPrivacyPolicy: READ,
  getDefaultPrivacyPolicy: READ,
  addCustomPrivacyPolicy: WRITE,
  updateCustomPrivacyPolicy: WRITE,
  resetPrivacyPolicyToDefault: DELETE,
  getNotificationPolicy: READ,
  getDefaultNotificationPolicy: READ,
  addCustomNotificationPolicy: WRITE,
  updateCustomNotificationPolicy: WRITE,
  resetNotificationPolicyToDefault: DELETE,
  getLabelPolicy: READ,
  getPreviewLabelPolicy: READ,
  getDefaultLabelPolicy: READ,
  addCustomLabelPolicy: WRITE,
  updateCustomLabelPolicy: WRITE,
  activateCustomLabelPolicy: WRITE,
  resetLabelPolicyToDefault: DELETE,
};

/** Transport edge of zitadel.management.v1.ManagementService's org policies, served under /management/v1. */
@Injectable()
export class SettingsManagementHandler implements OnModuleInit {
  constructor(
    private readonly settings: SettingsService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(ManagementService, MANAGEMENT_POLICY_ACCESS);
    this.registry.register({ service: ManagementService, impl: this.impl, access: MANAGEMENT_POLICY_ACCESS });
  }

  private readOrg<K extends PolicyKind>(ctx: HandlerContext, kind: K) {
    const { caller, orgId } = v1OrgOf(ctx);
    return this.settings.read(caller, kind, { kind: 'org', orgId });
  }

  private readDefault<K extends PolicyKind>(ctx: HandlerContext, kind: K) {
    return this.settings.instanceDefault(authenticatedCallerOf(ctx), kind);
  }

  private async add<K extends PolicyKind>(
    ctx: HandlerContext,
    kind: K,
    build: (inherited: PolicyBodies[K]) => PolicyBodies[K],
  ) {
    const { caller, orgId } = v1OrgOf(ctx);
    return { details: objectDetailsV1(await this.settings.addOrgPolicy(caller, orgId, kind, build)) };
  }

  private async update<K extends PolicyKind>(
    ctx: HandlerContext,
    kind: K,
    change: (current: PolicyBodies[K]) => PolicyBodies[K],
  ) {
    const { caller, orgId } = v1OrgOf(ctx);
    return { details: objectDetailsV1(await this.settings.updateOrgPolicy(caller, orgId, kind, change)) };
  }

  private async reset(ctx: HandlerContext, kind: PolicyKind) {
    const { caller, orgId } = v1OrgOf(ctx);
    return { details: objectDetailsV1(await this.settings.resetOrgPolicy(caller, orgId, kind)) };
  }

  readonly impl: Partial<ServiceImpl<typeof ManagementService>> = {
    // ZITADEL's probe: answers as long as the server serves the API.
    healthz: async () => ({}),
    // The languages the server ships texts for, as auth v1 answers them.
    getSupportedLanguages: async () => ({ languages: [...SUPPORTED_LANGUAGES] }),
    getOrgIAMPolicy: async (_req, ctx) => {
      const { settings, source } = await this.readOrg(ctx, 'domain');
      return { policy: orgIamPolicyV1(settings, source) };
    },
    getDomainPolicy: async (_req, ctx) => {
      const { settings, source } = await this.readOrg(ctx, 'domain');
      return { policy: domainPolicyV1(settings, source) };
    },

    getLoginPolicy: async (_req, ctx) => {
      const { settings, source } = await this.readOrg(ctx, 'login');
      const idps = await this.settings.loginPolicyIdps(authenticatedCallerOf(ctx), source);
      return { policy: loginPolicyV1(settings, source, idps), isDefault: isDefault(source) };
    },
    getDefaultLoginPolicy: async (_req, ctx) => {
      const { settings, source } = await this.readDefault(ctx, 'login');
      const idps = await this.settings.loginPolicyIdps(authenticatedCallerOf(ctx), source);
      return { policy: loginPolicyV1(settings, source, idps) };
    },
    addCustomLoginPolicy: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const build = (inherited: LoginSettings) => loginFromV1(req, inherited);
      const added = await this.settings.addOrgLoginPolicy(caller, orgId, build, loginPolicyIdpsFromV1(req));
      return { details: objectDetailsV1(added) };
    },
    updateCustomLoginPolicy: async (req, ctx) => this.update(ctx, 'login', (current) => loginFromV1(req, current)),
    resetLoginPolicyToDefault: async (_req, ctx) => this.reset(ctx, 'login'),
    // The factors of the login policy in force for the org (its own, else the instance's); changes
    // go to the org's own policy, the same rule as the instance's factors.
    listLoginPolicySecondFactors: async (_req, ctx) => {
      const result = secondFactorsV1((await this.readOrg(ctx, 'login')).settings);
      return { details: listDetailsV1(BigInt(result.length)), result };
    },
    addSecondFactorToLoginPolicy: async (req, ctx) =>
      this.update(ctx, 'login', (current) => withFactor(current, 'secondFactors', secondFactorFromV1(req.type), true)),
    removeSecondFactorFromLoginPolicy: async (req, ctx) =>
      this.update(ctx, 'login', (current) => withFactor(current, 'secondFactors', secondFactorFromV1(req.type), false)),
    listLoginPolicyMultiFactors: async (_req, ctx) => {
      const result = multiFactorsV1((await this.readOrg(ctx, 'login')).settings);
      return { details: listDetailsV1(BigInt(result.length)), result };
    },
    addMultiFactorToLoginPolicy: async (req, ctx) =>
      this.update(ctx, 'login', (current) => withFactor(current, 'multiFactors', multiFactorFromV1(req.type), true)),
    removeMultiFactorFromLoginPolicy: async (req, ctx) =>
      this.update(ctx, 'login', (current) => withFactor(current, 'multiFactors', multiFactorFromV1(req.type), false)),

    getPasswordComplexityPolicy: async (_req, ctx) => {
      const { settings, source } = await this.readOrg(ctx, 'password_complexity');
      return { policy: passwordComplexityPolicyV1(settings, source), isDefault: isDefault(source) };
    },
    getDefaultPasswordComplexityPolicy: async (_req, ctx) => {
      const { settings, source } = await this.readDefault(ctx, 'password_complexity');
      return { policy: passwordComplexityPolicyV1(settings, source) };
    },
    addCustomPasswordComplexityPolicy: async (req, ctx) =>
      this.add(ctx, 'password_complexity', () => complexityFromV1(req)),
    updateCustomPasswordComplexityPolicy: async (req, ctx) =>
      this.update(ctx, 'password_complexity', () => complexityFromV1(req)),
    resetPasswordComplexityPolicyToDefault: async (_req, ctx) => this.reset(ctx, 'password_complexity'),

    getPasswordAgePolicy: async (_req, ctx) => {
      const { settings, source } = await this.readOrg(ctx, 'password_age');
      return { policy: passwordAgePolicyV1(settings, source), isDefault: isDefault(source) };
    },
    getDefaultPasswordAgePolicy: async (_req, ctx) => {
      const { settings, source } = await this.readDefault(ctx, 'password_age');
      return { policy: passwordAgePolicyV1(settings, source) };
    },
    addCustomPasswordAgePolicy: async (req, ctx) => this.add(ctx, 'password_age', () => ageFromV1(req)),
    updateCustomPasswordAgePolicy: async (req, ctx) => this.update(ctx, 'password_age', () => ageFromV1(req)),
    resetPasswordAgePolicyToDefault: async (_req, ctx) => this.reset(ctx, 'password_age'),

    getLockoutPolicy: async (_req, ctx) => {
      const { settings, source } = await this.readOrg(ctx, 'lockout');
      return { policy: lockoutPolicyV1(settings, source), isDefault: isDefault(source) };
    },
    getDefaultLockoutPolicy: async (_req, ctx) => {
      const { settings, source } = await this.readDefault(ctx, 'lockout');
      return { policy: lockoutPolicyV1(settings, source) };
    },
    addCustomLockoutPolicy: async (req, ctx) => this.add(ctx, 'lockout', (inherited) => lockoutFromV1(req, inherited)),
    updateCustomLockoutPolicy: async (req, ctx) =>
      this.update(ctx, 'lockout', (current) => lockoutFromV1(req, current)),
    resetLockoutPolicyToDefault: async (_req, ctx) => this.reset(ctx, 'lockout'),

    getPrivacyPolicy: async (_req, ctx) => {
      const { settings, source } = await this.readOrg(ctx, 'privacy');
      return { policy: privacyPolicyV1(settings, source) };
    },
    getDefaultPrivacyPolicy: async (_req, ctx) => {
      const { settings, source } = await this.readDefault(ctx, 'privacy');
      return { policy: privacyPolicyV1(settings, source) };
    },
    addCustomPrivacyPolicy: async (req, ctx) => this.add(ctx, 'privacy', () => privacyFromV1(req)),
    updateCustomPrivacyPolicy: async (req, ctx) => this.update(ctx, 'privacy', () => privacyFromV1(req)),
    resetPrivacyPolicyToDefault: async (_req, ctx) => this.reset(ctx, 'privacy'),

    getNotificationPolicy: async (_req, ctx) => {
      const { settings, source } = await this.readOrg(ctx, 'notification');
      return { policy: notificationPolicyV1(settings, source) };
    },
    getDefaultNotificationPolicy: async (_req, ctx) => {
      const { settings, source } = await this.readDefault(ctx, 'notification');
      return { policy: notificationPolicyV1(settings, source) };
    },
    addCustomNotificationPolicy: async (req, ctx) => this.add(ctx, 'notification', () => notificationFromV1(req)),
    updateCustomNotificationPolicy: async (req, ctx) => this.update(ctx, 'notification', () => notificationFromV1(req)),
    resetNotificationPolicyToDefault: async (_req, ctx) => this.reset(ctx, 'notification'),

    getLabelPolicy: async (_req, ctx) => {
      const { settings, source } = await this.readOrg(ctx, 'label_active');
      return { policy: labelPolicyV1(settings, source), isDefault: isDefault(source) };
    },
    getPreviewLabelPolicy: async (_req, ctx) => {
      const { settings, source } = await this.readOrg(ctx, 'label');
      return { policy: labelPolicyV1(settings, source), isDefault: isDefault(source) };
    },
    getDefaultLabelPolicy: async (_req, ctx) => {
      const { settings, source } = await this.readDefault(ctx, 'label_active');
      return { policy: labelPolicyV1(settings, source) };
    },
    addCustomLabelPolicy: async (req, ctx) => this.add(ctx, 'label', (inherited) => labelFromV1(req, inherited)),
    updateCustomLabelPolicy: async (req, ctx) => this.update(ctx, 'label', (current) => labelFromV1(req, current)),
    activateCustomLabelPolicy: async (_req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      return { details: objectDetailsV1(await this.settings.activateLabelPolicy(caller, orgId)) };
    },
    resetLabelPolicyToDefault: async (_req, ctx) => this.reset(ctx, 'label'),
  };
}
