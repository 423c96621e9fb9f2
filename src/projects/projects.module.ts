import { Module, type OnModuleInit } from '@nestjs/common';
import { MembershipQueries } from '../platform/authz/membership-queries.js';
import { OrgsModule } from '../orgs/orgs.module.js';
import { ProjectAccess } from './project-access.js';
import { ProjectDependents } from './project-dependents.js';
import { ProjectLifecycle } from './project-lifecycle.js';
import { ProjectGrantsService } from './project-grants.service.js';
import { ProjectGrantsV1Handler } from './project-grants-v1.handler.js';
import { ProjectRolesService } from './project-roles.service.js';
import { ProjectStore } from './projects.store.js';
import { ProjectsHandler } from './projects.handler.js';
import { ProjectsV1Handler } from './projects-v1.handler.js';
import { ProjectsService } from './projects.service.js';

/**
 * zitadel.project.v2beta.ProjectService: projects, their roles and their grants to other orgs.
 * Exports the store (does a project, grant or role exist; which org owns it) and the access
 * checks (may the caller do X on this project) for the apps and authorizations modules.
 */
@Module({
  imports: [OrgsModule],
  providers: [
    ProjectStore,
    ProjectAccess,
    ProjectDependents,
    ProjectLifecycle,
    ProjectsService,
    ProjectRolesService,
    ProjectGrantsService,
    ProjectsHandler,
    ProjectsV1Handler,
    ProjectGrantsV1Handler,
  ],
  exports: [ProjectStore, ProjectAccess, ProjectsService, ProjectLifecycle],
})
export class ProjectsModule implements OnModuleInit {
  constructor(
    private readonly memberships: MembershipQueries,
    private readonly store: ProjectStore,
  ) {}

  /** Project grant memberships cover what their grant covers: the platform asks the store. */
  onModuleInit(): void {
    this.memberships.useProjectGrantScopes((db, instanceId, grantIds) =>
      this.store.grantScopes(db, instanceId, grantIds),
    );
  }
}
