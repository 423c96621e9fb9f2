import { Module, type OnModuleInit } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { ConsoleModule } from '../console/console.module.js';
import { AuthorizationsAuthHandler } from './authorizations-auth.handler.js';
import { AuthorizationsHandler } from './authorizations.handler.js';
import { AuthorizationQueries } from './authorizations.queries.js';
import { AuthorizationsService } from './authorizations.service.js';
import { AuthorizationsV1Handler } from './authorizations-v1.handler.js';
import { ProjectOrgs } from './project-orgs.js';
import { ProjectOrgsAuthHandler } from './project-orgs-auth.handler.js';
import { OrgsModule } from '../orgs/orgs.module.js';
import { ProjectLifecycle } from '../projects/project-lifecycle.js';
import { ProjectsModule } from '../projects/projects.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthorizationCascades } from './project-cascades.store.js';

/**
 * Authorizations (ZITADEL's user grants): zitadel.authorization.v2beta.AuthorizationService,
 * management v1's user grants, and one's own in v1 auth.
 */
@Module({
  imports: [AppsModule, OrgsModule, ProjectsModule, UsersModule, ConsoleModule],
  providers: [
    AuthorizationsService,
    AuthorizationQueries,
    AuthorizationCascades,
    AuthorizationsHandler,
    AuthorizationsV1Handler,
    AuthorizationsAuthHandler,
    ProjectOrgs,
    ProjectOrgsAuthHandler,
  ],
  exports: [AuthorizationsService, AuthorizationQueries],
})
export class AuthorizationsModule implements OnModuleInit {
  constructor(
    private readonly projectLifecycle: ProjectLifecycle,
    private readonly cascades: AuthorizationCascades,
  ) {}

  /** A project's, grant's or role's removal takes the authorizations given on it along. */
  onModuleInit(): void {
    this.projectLifecycle.register(this.cascades);
  }
}
