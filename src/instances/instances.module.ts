import { Module } from '@nestjs/common';
import { InstancesAdminV1Handler } from './instances-admin-v1.handler.js';
import { InstancesQueries } from './instances.queries.js';

/** The caller's instance and its domains as the v1 admin API reads them. */
@Module({
  providers: [InstancesQueries, InstancesAdminV1Handler],
})
export class InstancesModule {}
