import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { FeatureService } from '@zitadel/proto/zitadel/feature/v2/feature_service_pb.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { authenticatedCallerOf, systemCallOf } from '../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { FLAGS_BY_LEVEL } from './feature-flags.js';
import { featureDetails, flagFields, requestedFlags } from './features.mapper.js';
import { FeaturesService, type FeaturesAnswer } from './features.service.js';

/**
 * ZITADEL's permissions for v2 features: reads need only an authenticated caller (the service
 * checks an org's or user's own), changes the level's feature permission; system flags are
 * changed by system API users (`system.feature.*`, on no instance).
 */
export const FEATURE_V2_ACCESS: AccessTable<typeof FeatureService> = {
  setSystemFeatures: { system: 'system.feature.write' },
  resetSystemFeatures: { system: 'system.feature.delete' },
  getSystemFeatures: 'authenticated',
  setInstanceFeatures: { permission: 'iam.feature.write' },
  resetInstanceFeatures: { permission: 'iam.feature.delete' },
  getInstanceFeatures: 'authenticated',
  setOrganizationFeatures: { permission: 'org.feature.write' },
  resetOrganizationFeatures: { permission: 'org.feature.delete' },
  getOrganizationFeatures: 'authenticated',
  setUserFeatures: { permission: 'user.feature.write' },
  resetUserFeatures: { permission: 'user.feature.delete' },
  getUserFeatures: 'authenticated',
};

const answer = (a: FeaturesAnswer, level: keyof typeof FLAGS_BY_LEVEL) => ({
  details: featureDetails(a.details),
  ...flagFields(a.features, FLAGS_BY_LEVEL[level]),
});

/** Transport edge of zitadel.feature.v2.FeatureService. */
@Injectable()
export class FeaturesHandler implements OnModuleInit {
  constructor(
    private readonly features: FeaturesService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(FeatureService, FEATURE_V2_ACCESS);
    this.registry.register({ service: FeatureService, impl: this.v2, access: FEATURE_V2_ACCESS });
  }

  readonly v2: Partial<ServiceImpl<typeof FeatureService>> = {
    setSystemFeatures: async (req, ctx) => ({
      details: featureDetails(
        await this.features.setSystem(systemCallOf(ctx).principal.userName, requestedFlags(req, FLAGS_BY_LEVEL.system)),
      ),
    }),
    resetSystemFeatures: async (_req, ctx) => ({
      details: featureDetails(await this.features.resetSystem(systemCallOf(ctx).principal.userName)),
    }),
    getSystemFeatures: async () => answer(await this.features.getSystem(), 'system'),
    setInstanceFeatures: async (req, ctx) => ({
      details: featureDetails(
        await this.features.setInstance(authenticatedCallerOf(ctx), requestedFlags(req, FLAGS_BY_LEVEL.instance)),
      ),
    }),
    resetInstanceFeatures: async (_req, ctx) => ({
      details: featureDetails(await this.features.resetInstance(authenticatedCallerOf(ctx))),
    }),
    getInstanceFeatures: async (req, ctx) =>
      answer(await this.features.getInstance(authenticatedCallerOf(ctx), req.inheritance), 'instance'),
    setOrganizationFeatures: async (req, ctx) => ({
      details: featureDetails(await this.features.setOrganization(authenticatedCallerOf(ctx), req.organizationId, {})),
    }),
    resetOrganizationFeatures: async (req, ctx) => ({
      details: featureDetails(await this.features.resetOrganization(authenticatedCallerOf(ctx), req.organizationId)),
    }),
    getOrganizationFeatures: async (req, ctx) =>
      answer(await this.features.getOrganization(authenticatedCallerOf(ctx), req.organizationId), 'organization'),
    setUserFeatures: async (req, ctx) => ({
      details: featureDetails(await this.features.setUser(authenticatedCallerOf(ctx), req.userId, {})),
    }),
    resetUserFeatures: async (req, ctx) => ({
      details: featureDetails(await this.features.resetUser(authenticatedCallerOf(ctx), req.userId)),
    }),
    getUserFeatures: async (req, ctx) =>
      answer(await this.features.getUser(authenticatedCallerOf(ctx), req.userId), 'user'),
  };
}
