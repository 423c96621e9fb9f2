import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { AuthorizationsModule } from '../authorizations/authorizations.module.js';
import { UsersModule } from '../users/users.module.js';
import { DomainVerifier } from './domain-verifier.js';
import { OrgsAuthHandler } from './orgs-auth.handler.js';
import { OrgsHandler } from './orgs.handler.js';
import { OrgsQueries } from './orgs.queries.js';
import { OrgsService } from './orgs.service.js';
import { OrgsV1Handler } from './orgs-v1.handler.js';
import { ProjectOrgs } from './project-orgs.js';

@Module({
  imports: [UsersModule, AppsModule, AuthorizationsModule],
  providers: [OrgsService, OrgsQueries, OrgsHandler, OrgsV1Handler, DomainVerifier, ProjectOrgs, OrgsAuthHandler],
  exports: [OrgsService, OrgsQueries],
})
export class OrgsModule {}
