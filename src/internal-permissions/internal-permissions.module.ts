import { Module } from '@nestjs/common';
import { InstancesModule } from '../instances/instances.module.js';
import { OrgsModule } from '../orgs/orgs.module.js';
import { ProjectsModule } from '../projects/projects.module.js';
import { UsersModule } from '../users/users.module.js';
import { InternalPermissionsAuthHandler } from './internal-permissions-auth.handler.js';
import { InternalPermissionsHandler } from './internal-permissions.handler.js';
import { InternalPermissionsService } from './internal-permissions.service.js';
import { InternalPermissionsV1Handler } from './internal-permissions-v1.handler.js';
import { UserMembershipsV1Handler } from './user-memberships-v1.handler.js';

/**
 * Administrators of the instance, orgs, projects and project grants (zitadel.internal_permission.v2beta),
 * a user's memberships in management v1, and the caller's own memberships in v1 auth.
 */
@Module({
  imports: [InstancesModule, OrgsModule, ProjectsModule, UsersModule],
  providers: [
    InternalPermissionsService,
    InternalPermissionsHandler,
    InternalPermissionsV1Handler,
    UserMembershipsV1Handler,
    InternalPermissionsAuthHandler,
  ],
})
export class InternalPermissionsModule {}
