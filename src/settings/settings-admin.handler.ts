import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import {
  ageFromV1,
  complexityFromV1,
  domainFromV1,
  domainPolicyV1,
  labelFromV1,
  labelPolicyV1,
  lockoutFromV1,
  lockoutPolicyV1,
  loginFromV1,
  loginPolicyV1,
  multiFactorFromV1,
  multiFactorsV1,
  notificationFromV1,
  notificationPolicyV1,
  objectDetailsV1,
  oidcFromV1,
  oidcSettingsV1,
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

const READ = { permission: 'iam.policy.read' } as const;
const WRITE = { permission: 'iam.policy.write' } as const;

/** The instance default policies and OIDC settings of ZITADEL's v1 admin API (other contexts register their own parts of AdminService). */
export const ADMIN_POLICY_ACCESS: AccessTable<typeof AdminService> = {
  getLoginPolicy: READ,
  updateLoginPolicy: WRITE,
  listLoginPolicySecondFactors: READ,
  addSecondFactorToLoginPolicy: WRITE,
  removeSecondFactorFromLoginPolicy: WRITE,
  listLoginPolicyMultiFactors: READ,
  addMultiFactorToLoginPolicy: WRITE,
  removeMultiFactorFromLoginPolicy: WRITE,
  getPasswordComplexityPolicy: READ,
  updatePasswordComplexityPolicy: WRITE,
  getPasswordAgePolicy: READ,
  updatePasswordAgePolicy: WRITE,
  getLockoutPolicy: READ,
  updateLockoutPolicy: WRITE,
  getLabelPolicy: READ,
  getPreviewLabelPolicy: READ,
  updateLabelPolicy: WRITE,
  activateLabelPolicy: WRITE,
  getDomainPolicy: READ,
  updateDomainPolicy: WRITE,
  getPrivacyPolicy: READ,
  updatePrivacyPolicy: WRITE,
  addNotificationPolicy: WRITE,
  getNotificationPolicy: READ,
  updateNotificationPolicy: WRITE,
  getOIDCSettings: { permission: 'iam.read' },
  addOIDCSettings: { permission: 'iam.write' },
  updateOIDCSettings: { permission: 'iam.write' },
};

/** ZITADEL answers an update that changes nothing with FAILED_PRECONDITION. */
const UPDATE = { refuseUnchanged: true } as const;

/** Transport edge of zitadel.admin.v1.AdminService's default policies, served under /admin/v1. */
@Injectable()
export class SettingsAdminHandler implements OnModuleInit {
  constructor(
    private readonly settings: SettingsService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(AdminService, ADMIN_POLICY_ACCESS);
    this.registry.register({ service: AdminService, impl: this.impl, access: ADMIN_POLICY_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof AdminService>> = {
    getLoginPolicy: async (_req, ctx) => {
      const caller = authenticatedCallerOf(ctx);
      const { settings, source } = await this.settings.readInstancePolicy(caller, 'login');
      return { policy: loginPolicyV1(settings, source, await this.settings.loginPolicyIdps(caller, source)) };
    },
    listLoginPolicySecondFactors: async (_req, ctx) => {
      const { settings } = await this.settings.readInstancePolicy(authenticatedCallerOf(ctx), 'login');
      const result = secondFactorsV1(settings);
      return { details: listDetailsV1(BigInt(result.length)), result };
    },
    addSecondFactorToLoginPolicy: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.settings.setInstancePolicy(authenticatedCallerOf(ctx), 'login', (current) =>
          withFactor(current, 'secondFactors', secondFactorFromV1(req.type), true),
        ),
      ),
    }),
    removeSecondFactorFromLoginPolicy: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.settings.setInstancePolicy(authenticatedCallerOf(ctx), 'login', (current) =>
          withFactor(current, 'secondFactors', secondFactorFromV1(req.type), false),
        ),
      ),
    }),
    listLoginPolicyMultiFactors: async (_req, ctx) => {
      const { settings } = await this.settings.readInstancePolicy(authenticatedCallerOf(ctx), 'login');
      const result = multiFactorsV1(settings);
      return { details: listDetailsV1(BigInt(result.length)), result };
    },
    addMultiFactorToLoginPolicy: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.settings.setInstancePolicy(authenticatedCallerOf(ctx), 'login', (current) =>
          withFactor(current, 'multiFactors', multiFactorFromV1(req.type), true),
        ),
      ),
    }),
    removeMultiFactorFromLoginPolicy: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.settings.setInstancePolicy(authenticatedCallerOf(ctx), 'login', (current) =>
          withFactor(current, 'multiFactors', multiFactorFromV1(req.type), false),
        ),
      ),
    }),
    updateLoginPolicy: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.settings.setInstancePolicy(
          authenticatedCallerOf(ctx),
          'login',
          (current) => loginFromV1(req, current),
          UPDATE,
        ),
      ),
    }),
    getPasswordComplexityPolicy: async (_req, ctx) => {
      const { settings, source } = await this.settings.readInstancePolicy(
        authenticatedCallerOf(ctx),
        'password_complexity',
      );
      return { policy: passwordComplexityPolicyV1(settings, source) };
    },
    updatePasswordComplexityPolicy: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.settings.setInstancePolicy(
          authenticatedCallerOf(ctx),
          'password_complexity',
          () => complexityFromV1(req),
          UPDATE,
        ),
      ),
    }),
    getPasswordAgePolicy: async (_req, ctx) => {
      const { settings, source } = await this.settings.readInstancePolicy(authenticatedCallerOf(ctx), 'password_age');
      return { policy: passwordAgePolicyV1(settings, source) };
    },
    updatePasswordAgePolicy: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.settings.setInstancePolicy(authenticatedCallerOf(ctx), 'password_age', () => ageFromV1(req), UPDATE),
      ),
    }),
    getLockoutPolicy: async (_req, ctx) => {
      const { settings, source } = await this.settings.readInstancePolicy(authenticatedCallerOf(ctx), 'lockout');
      return { policy: lockoutPolicyV1(settings, source) };
    },
    updateLockoutPolicy: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.settings.setInstancePolicy(
          authenticatedCallerOf(ctx),
          'lockout',
          (current) => lockoutFromV1(req, current),
          UPDATE,
        ),
      ),
    }),
    getLabelPolicy: async (_req, ctx) => {
      const { settings, source } = await this.settings.readInstancePolicy(authenticatedCallerOf(ctx), 'label_active');
      return { policy: labelPolicyV1(settings, source) };
    },
    getPreviewLabelPolicy: async (_req, ctx) => {
      const { settings, source } = await this.settings.readInstancePolicy(authenticatedCallerOf(ctx), 'label');
      return { policy: labelPolicyV1(settings, source) };
    },
    updateLabelPolicy: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.settings.setInstancePolicy(
          authenticatedCallerOf(ctx),
          'label',
          (current) => labelFromV1(req, current),
          UPDATE,
        ),
      ),
    }),
    activateLabelPolicy: async (_req, ctx) => ({
      details: objectDetailsV1(await this.settings.activateLabelPolicy(authenticatedCallerOf(ctx))),
    }),
    getDomainPolicy: async (_req, ctx) => {
      const { settings, source } = await this.settings.readInstancePolicy(authenticatedCallerOf(ctx), 'domain');
      return { policy: domainPolicyV1(settings, source) };
    },
    updateDomainPolicy: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.settings.setInstancePolicy(authenticatedCallerOf(ctx), 'domain', () => domainFromV1(req), UPDATE),
      ),
    }),
    getPrivacyPolicy: async (_req, ctx) => {
      const { settings, source } = await this.settings.readInstancePolicy(authenticatedCallerOf(ctx), 'privacy');
      return { policy: privacyPolicyV1(settings, source) };
    },
    updatePrivacyPolicy: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.settings.setInstancePolicy(authenticatedCallerOf(ctx), 'privacy', () => privacyFromV1(req), UPDATE),
      ),
    }),
    addNotificationPolicy: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.settings.setInstancePolicy(
          authenticatedCallerOf(ctx),
          'notification',
          () => notificationFromV1(req),
          { add: true },
        ),
      ),
    }),
    getNotificationPolicy: async (_req, ctx) => {
      const { settings, source } = await this.settings.readInstancePolicy(authenticatedCallerOf(ctx), 'notification');
      return { policy: notificationPolicyV1(settings, source) };
    },
    updateNotificationPolicy: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.settings.setInstancePolicy(
          authenticatedCallerOf(ctx),
          'notification',
          () => notificationFromV1(req),
          UPDATE,
        ),
      ),
    }),
    getOIDCSettings: async (_req, ctx) => {
      const { settings, source } = await this.settings.readInstancePolicy(authenticatedCallerOf(ctx), 'oidc');
      return { settings: oidcSettingsV1(settings, source) };
    },
    addOIDCSettings: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.settings.setInstancePolicy(authenticatedCallerOf(ctx), 'oidc', () => oidcFromV1(req), { add: true }),
      ),
    }),
    updateOIDCSettings: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.settings.setInstancePolicy(authenticatedCallerOf(ctx), 'oidc', () => oidcFromV1(req), UPDATE),
      ),
    }),
  };
}
