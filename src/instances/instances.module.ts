import { Module } from '@nestjs/common';
import { ConsoleModule } from '../console/console.module.js';
import { FeaturesModule } from '../features/features.module.js';
import { OrgsModule } from '../orgs/orgs.module.js';
import { UsersModule } from '../users/users.module.js';
import { WebKeysModule } from '../webkeys/webkeys.module.js';
import { InstanceSetup } from './instance-setup.service.js';
import { InstancesAdminV1Handler } from './instances-admin-v1.handler.js';
import { InstancesManagementV1Handler } from './instances-management-v1.handler.js';
import { InstancesQueries } from './instances.queries.js';
import { InstancesService } from './instances.service.js';
import { InstancesSystemHandler } from './instances-system.handler.js';
import { InstancesV2betaHandler } from './instances-v2beta.handler.js';
import { SystemInstancesService } from './system-instances.service.js';

/**
 * Instances: how one is set up with its defaults (at boot and through the system API), the
 * caller's instance, its domains and trusted domains as the v1 admin and management APIs serve them.
 */
@Module({
  imports: [OrgsModule, UsersModule, WebKeysModule, ConsoleModule, FeaturesModule],
  providers: [
    InstanceSetup,
    InstancesQueries,
    InstancesService,
    SystemInstancesService,
    InstancesAdminV1Handler,
    InstancesManagementV1Handler,
    InstancesSystemHandler,
    InstancesV2betaHandler,
  ],
  exports: [InstanceSetup, InstancesQueries],
})
export class InstancesModule {}
