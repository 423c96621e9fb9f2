import { Injectable, type OnModuleInit } from '@nestjs/common';
import { FeatureService as FeatureServiceV2 } from '@zitadel/proto/zitadel/feature/v2/feature_service_pb.js';
import { FeatureService } from '@zitadel/proto/zitadel/feature/v2beta/feature_service_pb.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { bridgeService } from '../platform/rpc/beta-bridge.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { FEATURE_V2_ACCESS, FeaturesHandler } from './features.handler.js';

/**
 * v2beta's own permissions, stricter than v2's for reads (each level's `*.feature.read`) and
 * with `*.feature.write` for resetting an org's or user's flags, as its descriptors annotate.
 */
export const FEATURE_V2BETA_ACCESS: AccessTable<typeof FeatureService> = {
  setSystemFeatures: { system: 'system.feature.write' },
  resetSystemFeatures: { system: 'system.feature.delete' },
  getSystemFeatures: { system: 'system.feature.read' },
  setInstanceFeatures: { permission: 'iam.feature.write' },
  resetInstanceFeatures: { permission: 'iam.feature.delete' },
  getInstanceFeatures: { permission: 'iam.feature.read' },
  setOrganizationFeatures: { permission: 'org.feature.write' },
  resetOrganizationFeatures: { permission: 'org.feature.write' },
  getOrganizationFeatures: { permission: 'org.feature.read' },
  setUserFeatures: { permission: 'user.feature.write' },
  resetUserFeatures: { permission: 'user.feature.write' },
  getUserFeatures: { permission: 'user.feature.read' },
};

/**
 * zitadel.feature.v2beta.FeatureService: v2's handlers through the beta bridge (v2beta's messages
 * are v2's without the newer flags), under v2beta's own access rules.
 */
@Injectable()
export class FeaturesV2betaHandler implements OnModuleInit {
  constructor(
    private readonly v2: FeaturesHandler,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(FeatureService, FEATURE_V2BETA_ACCESS);
    const { binding, skipped } = bridgeService(FeatureService, {
      service: FeatureServiceV2,
      impl: this.v2.v2,
      access: FEATURE_V2_ACCESS,
    });
    if (skipped.length) throw new Error(`v2beta features cannot be bridged: ${skipped.join('; ')}`);
    this.registry.register({ ...binding, access: FEATURE_V2BETA_ACCESS });
  }
}
