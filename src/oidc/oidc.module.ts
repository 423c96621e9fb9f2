import { ActionsModule } from '../actions/actions.module.js';
import { Module, type OnModuleInit } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { FeaturesModule } from '../features/features.module.js';
import { Authenticator } from '../platform/auth/authenticator.js';
import { ProjectsModule } from '../projects/projects.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { WebKeysModule } from '../webkeys/webkeys.module.js';
import { AssertionRelay } from './assertion-relay.js';
import { ClientAssertions } from './client-assertions.js';
import { OidcAccessTokenStrategy } from './oidc-token.strategy.js';
import { OidcAccounts } from './oidc-accounts.js';
import { OidcAuthHandler } from './oidc-auth.handler.js';
import { OidcClients } from './oidc-clients.js';
import { AuthorizationsModule } from '../authorizations/authorizations.module.js';
import { OidcProviders } from './oidc-providers.js';
import { OidcHandler } from './oidc.handler.js';
import { OidcRoutes } from './oidc.routes.js';
import { MachineKeyObjects } from './machine-key-objects.js';
import { OidcService } from './oidc.service.js';
import { RefreshTokensService } from './refresh-tokens.service.js';

/**
 * OpenID Connect and OAuth 2.0: oidc-provider per instance at ZITADEL's endpoints, the
 * OIDCService for custom logins, the caller's refresh tokens in v1 auth, and OIDC access tokens as Bearer tokens of the API (tried after
 * PATs and session tokens, so the sessions module comes first).
 */
@Module({
  imports: [
    ActionsModule,
    SessionsModule,
    UsersModule,
    ProjectsModule,
    AppsModule,
    AuthorizationsModule,
    WebKeysModule,
    FeaturesModule,
  ],
  providers: [
    OidcProviders,
    OidcClients,
    AssertionRelay,
    ClientAssertions,
    OidcAccounts,
    OidcService,
    OidcHandler,
    OidcRoutes,
    MachineKeyObjects,
    OidcAccessTokenStrategy,
    RefreshTokensService,
    OidcAuthHandler,
  ],
  exports: [OidcService],
})
export class OidcModule implements OnModuleInit {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly tokens: OidcAccessTokenStrategy,
  ) {}

  onModuleInit(): void {
    this.authenticator.use(this.tokens);
  }
}
