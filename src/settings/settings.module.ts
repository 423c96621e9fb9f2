import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { OrgLifecycle } from '../orgs/org-lifecycle.js';
import { IdpQueries } from '../idps/idps.queries.js';
import { IdpsModule } from '../idps/idps.module.js';
import { OrgsModule } from '../orgs/orgs.module.js';
import { HostedLoginTranslationsService } from './hosted-login-translations.service.js';
import { LoginTextsHandler } from './login-texts.handler.js';
import { LoginTextsService } from './login-texts.service.js';
import { MessageTextsHandler } from './message-texts.handler.js';
import { MessageTextsService } from './message-texts.service.js';
import { Policies } from './policies.queries.js';
import { SettingsAdminHandler } from './settings-admin.handler.js';
import { SettingsAdminInstanceHandler } from './settings-admin-instance.handler.js';
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
  imports: [OrgsModule, IdpsModule],
  providers: [
    Policies,
    SettingsService,
    SettingsHandler,
    SettingsAdminHandler,
    SettingsAdminInstanceHandler,
    SettingsManagementHandler,
    SettingsAuthHandler,
    MessageTextsService,
    MessageTextsHandler,
    HostedLoginTranslationsService,
    LoginTextsService,
    LoginTextsHandler,
  ],
  exports: [Policies, SettingsService, MessageTextsService, HostedLoginTranslationsService],
})
export class SettingsModule implements OnModuleInit {
  constructor(
    private readonly orgLifecycle: OrgLifecycle,
    private readonly settings: SettingsService,
    private readonly idps: IdpQueries,
    private readonly policies: Policies,
  ) {}

  onModuleInit(): void {
    // Which login policy is in force for an org decides which identity providers it offers.
    // Outside a transaction the cached read serves (the login pages ask on every page); inside
    // one (a change to the org's list) the org's policy row is held so a reset waits for it.
    this.idps.attachCustomLoginPolicyCheck(async (db, instanceId, orgId) =>
      db.queryRunner?.isTransactionActive
        ? this.policies.hasOwn(db, 'login', instanceId, orgId, 'share')
        : (await this.policies.resolve('login', instanceId, orgId)).source.ownerType === 'org',
    );
    this.orgLifecycle.attachDomainValidationCheck(
      async (tx, instanceId, orgId) =>
        (await this.policies.resolve('domain', instanceId, orgId, tx)).settings.validateOrgDomains,
    );
    this.orgLifecycle.attachUsernameScope((tx, instanceId) => this.settings.newOrgUsernamesPerOrg(tx, instanceId));
    this.orgLifecycle.onRemoval((tx, instanceId, orgId) => this.settings.removeOrgPolicies(tx, instanceId, orgId));
  }
}
