import { Global, Module } from '@nestjs/common';
import { Policies } from './policies.js';
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
export class SettingsModule {}
