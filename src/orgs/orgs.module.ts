import { Module } from '@nestjs/common';
import { DomainVerifier } from './domain-verifier.js';
import { OrgLifecycle } from './org-lifecycle.js';
import { OrgsHandler } from './orgs.handler.js';
import { OrgQueries } from './orgs.queries.js';
import { OrgsService } from './orgs.service.js';
import { OrgsV1Handler } from './orgs-v1.handler.js';
import { OrgsAdminV1Handler } from './orgs-admin-v1.handler.js';

/**
 * Organizations. The lowest business context: users, settings and the rest ask it about orgs
 * through OrgQueries, and register what an org's creation and removal need from them with
 * OrgLifecycle.
 */
@Module({
  providers: [OrgsService, OrgQueries, OrgLifecycle, OrgsHandler, OrgsV1Handler, OrgsAdminV1Handler, DomainVerifier],
  exports: [OrgsService, OrgQueries, OrgLifecycle],
})
export class OrgsModule {}
