import { Module } from '@nestjs/common';
import { InternalPermissionsHandler } from './internal-permissions.handler.js';
import { InternalPermissionsService } from './internal-permissions.service.js';

/** Administrators of the instance, orgs, projects and project grants (zitadel.internal_permission.v2beta). */
@Module({
  providers: [InternalPermissionsService, InternalPermissionsHandler],
})
export class InternalPermissionsModule {}
