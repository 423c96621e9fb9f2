import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { SUPPORTED_LANGUAGES } from './hosted-login-texts.js';
import {
  domainFromOrgIamV1,
  domainFromV1,
  domainPolicyV1,
  objectDetailsV1,
  orgIamPolicyV1,
  securityFromV1,
  securityPolicyV1,
} from './settings-v1.mapper.js';
import { SettingsService } from './settings.service.js';

const POLICY_READ = { permission: 'iam.policy.read' } as const;
const POLICY_WRITE = { permission: 'iam.policy.write' } as const;
const POLICY_DELETE = { permission: 'iam.policy.delete' } as const;

/**
 * ZITADEL's permissions (the descriptors' auth options) for the instance's languages and security
 * policy and for the org IAM / custom domain policies administered from the instance.
 */
export const ADMIN_INSTANCE_SETTINGS_ACCESS: AccessTable<typeof AdminService> = {
  healthz: 'public',
  getSupportedLanguages: 'authenticated',
  getAllowedLanguages: 'authenticated',
  getDefaultLanguage: { permission: 'iam.read' },
  setDefaultLanguage: { permission: 'iam.write' },
  getSecurityPolicy: POLICY_READ,
  setSecurityPolicy: POLICY_WRITE,
  getOrgIAMPolicy: POLICY_READ,
  updateOrgIAMPolicy: POLICY_WRITE,
  getCustomOrgIAMPolicy: POLICY_READ,
  addCustomOrgIAMPolicy: POLICY_WRITE,
  updateCustomOrgIAMPolicy: POLICY_WRITE,
  resetCustomOrgIAMPolicyToDefault: POLICY_DELETE,
  getCustomDomainPolicy: POLICY_READ,
  addCustomDomainPolicy: POLICY_WRITE,
  updateCustomDomainPolicy: POLICY_WRITE,
  resetCustomDomainPolicyToDefault: POLICY_DELETE,
};

/** ZITADEL answers an update that changes nothing with FAILED_PRECONDITION. */
const UPDATE = { refuseUnchanged: true } as const;

/**
 * Transport edge of the instance-wide parts of zitadel.admin.v1.AdminService kept in the settings:
 * languages (the general settings), the security policy (the v2 security settings) and the domain
 * policy under its older name, org IAM policy, also per org.
 */
@Injectable()
export class SettingsAdminInstanceHandler implements OnModuleInit {
  constructor(
    private readonly settings: SettingsService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(AdminService, ADMIN_INSTANCE_SETTINGS_ACCESS);
    this.registry.register({ service: AdminService, impl: this.impl, access: ADMIN_INSTANCE_SETTINGS_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof AdminService>> = {
    healthz: async () => ({}),

    // ---- languages ----
    getSupportedLanguages: async () => ({ languages: [...SUPPORTED_LANGUAGES] }),
    // ZITADEL's restrictions allow every supported language until SetRestrictions narrows them.
    getAllowedLanguages: async () => ({ languages: [...SUPPORTED_LANGUAGES] }),
    getDefaultLanguage: async (_req, ctx) => {
      const { settings } = await this.settings.readInstancePolicy(authenticatedCallerOf(ctx), 'general');
      return { language: settings.defaultLanguage };
    },
    setDefaultLanguage: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.settings.setInstancePolicy(authenticatedCallerOf(ctx), 'general', () => ({
          defaultLanguage: req.language.trim(),
        })),
      ),
    }),

    // ---- security ----
    getSecurityPolicy: async (_req, ctx) => {
      const { settings, source } = await this.settings.readInstancePolicy(authenticatedCallerOf(ctx), 'security');
      return { policy: securityPolicyV1(settings, source) };
    },
    setSecurityPolicy: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.settings.setSecuritySettings(authenticatedCallerOf(ctx), securityFromV1(req)),
      ),
    }),

    // ---- org IAM policy: the domain policy's older name ----
    getOrgIAMPolicy: async (_req, ctx) => {
      const { settings, source } = await this.settings.readInstancePolicy(authenticatedCallerOf(ctx), 'domain');
      return { policy: orgIamPolicyV1(settings, source) };
    },
    updateOrgIAMPolicy: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.settings.setInstancePolicy(
          authenticatedCallerOf(ctx),
          'domain',
          () => domainFromOrgIamV1(req),
          UPDATE,
        ),
      ),
    }),
    getCustomOrgIAMPolicy: async (req, ctx) => {
      const { settings, source } = await this.settings.read(authenticatedCallerOf(ctx), 'domain', {
        kind: 'org',
        orgId: req.orgId,
      });
      return { policy: orgIamPolicyV1(settings, source) };
    },
    addCustomOrgIAMPolicy: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.settings.addOrgPolicy(authenticatedCallerOf(ctx), req.orgId, 'domain', () =>
          domainFromOrgIamV1(req),
        ),
      ),
    }),
    updateCustomOrgIAMPolicy: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.settings.updateOrgPolicy(authenticatedCallerOf(ctx), req.orgId, 'domain', () =>
          domainFromOrgIamV1(req),
        ),
      ),
    }),
    resetCustomOrgIAMPolicyToDefault: async (req, ctx) => ({
      details: objectDetailsV1(await this.settings.resetOrgPolicy(authenticatedCallerOf(ctx), req.orgId, 'domain')),
    }),

    // ---- an org's domain policy ----
    getCustomDomainPolicy: async (req, ctx) => {
      const { settings, source } = await this.settings.read(authenticatedCallerOf(ctx), 'domain', {
        kind: 'org',
        orgId: req.orgId,
      });
      return { policy: domainPolicyV1(settings, source) };
    },
    addCustomDomainPolicy: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.settings.addOrgPolicy(authenticatedCallerOf(ctx), req.orgId, 'domain', () => domainFromV1(req)),
      ),
    }),
    updateCustomDomainPolicy: async (req, ctx) => ({
      details: objectDetailsV1(
        await this.settings.updateOrgPolicy(authenticatedCallerOf(ctx), req.orgId, 'domain', () => domainFromV1(req)),
      ),
    }),
    resetCustomDomainPolicyToDefault: async (req, ctx) => ({
      details: objectDetailsV1(await this.settings.resetOrgPolicy(authenticatedCallerOf(ctx), req.orgId, 'domain')),
    }),
  };
}
