import { Module } from '@nestjs/common';
import { OrgsModule } from '../orgs/orgs.module.js';
import { UsersModule } from '../users/users.module.js';
import { FeaturesStore } from './features.store.js';
import { FeaturesV2betaHandler } from './features-v2beta.handler.js';
import { FeaturesHandler } from './features.handler.js';
import { FeaturesService } from './features.service.js';
import { InstanceFeatures } from './instance-features.js';

/** Feature flags per level (FeatureService v2 and v2beta), and the flags in force on an instance for the hot paths. */
@Module({
  imports: [OrgsModule, UsersModule],
  providers: [FeaturesStore, FeaturesService, FeaturesHandler, FeaturesV2betaHandler, InstanceFeatures],
  exports: [FeaturesService, InstanceFeatures, FeaturesStore],
})
export class FeaturesModule {}
