import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { DomainVerifier } from './domain-verifier.js';
import { OrgsHandler } from './orgs.handler.js';
import { OrgsQueries } from './orgs.queries.js';
import { OrgsService } from './orgs.service.js';
import { OrgsV1Handler } from './orgs-v1.handler.js';
import { OrgsAdminV1Handler } from './orgs-admin-v1.handler.js';

@Module({
  imports: [UsersModule],
  providers: [OrgsService, OrgsQueries, OrgsHandler, OrgsV1Handler, OrgsAdminV1Handler, DomainVerifier],
  exports: [OrgsService, OrgsQueries],
})
export class OrgsModule {}
