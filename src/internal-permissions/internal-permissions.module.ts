import { Module } from '@nestjs/common';
import { InternalPermissionsHandler } from './internal-permissions.handler.js';
import { InternalPermissionsService } from './internal-permissions.service.js';
import { InternalPermissionsV1Handler } from './internal-permissions-v1.handler.js';

/** Administrators of the instance, orgs, projects and project grants (zitadel.internal_permission.v2beta). */
@Module({
  providers: [InternalPermissionsService, InternalPermissionsHandler, InternalPermissionsV1Handler],
})
export class InternalPermissionsModule {}
