import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { OrgLifecycle } from '../orgs/org-lifecycle.js';
import { OrgsModule } from '../orgs/orgs.module.js';
import { Policies } from './policies.queries.js';
import { SettingsAdminHandler } from './settings-admin.handler.js';
import { SettingsAuthHandler } from './settings-auth.handler.js';
import { SettingsManagementHandler } from './settings-management.handler.js';
import { SettingsHandler } from './settings.handler.js';
import { SettingsService } from './settings.service.js';

/**
 * Policies (ZITADEL's settings): storage per instance and per org, the `Policies` read side every
 * module injects (global, one instance), zitadel.settings.v2.SettingsService, the v1 admin and
 * management policy methods and the caller's own policies in v1 auth.
 */
@Global()
@Module({
  imports: [OrgsModule],
  providers: [
    Policies,
    SettingsService,
    SettingsHandler,
    SettingsAdminHandler,
    SettingsManagementHandler,
    SettingsAuthHandler,
  ],
  exports: [Policies],
})
export class SettingsModule implements OnModuleInit {
  constructor(
    private readonly orgLifecycle: OrgLifecycle,
    private readonly settings: SettingsService,
  ) {}

  onModuleInit(): void {
    this.orgLifecycle.onRemoval((tx, instanceId, orgId) => this.settings.removeOrgPolicies(tx, instanceId, orgId));
  }
}
