import { Module } from '@nestjs/common';
import { InstancesAdminV1Handler } from './instances-admin-v1.handler.js';
import { InstancesManagementV1Handler } from './instances-management-v1.handler.js';
import { InstancesQueries } from './instances.queries.js';
import { InstancesService } from './instances.service.js';

/** The caller's instance, its domains and trusted domains, as the v1 admin and management APIs serve them. */
@Module({
  providers: [InstancesQueries, InstancesService, InstancesAdminV1Handler, InstancesManagementV1Handler],
})
export class InstancesModule {}
