import { Module, type OnModuleInit } from '@nestjs/common';
import { Authenticator } from '../platform/auth/authenticator.js';
import { IdpsModule } from '../idps/idps.module.js';
import { UsersModule } from '../users/users.module.js';
import { LockoutCounters } from './lockout.store.js';
import { LoginHandoff } from './login-handoff.js';
import { SessionCredentialChecks } from './session-credential-checks.service.js';
import { SessionQueries } from './sessions.queries.js';
import { SessionStandings } from './session-standing.queries.js';
import { SessionTokenStrategy } from './session-token.strategy.js';
import { SessionsAuthHandler } from './sessions-auth.handler.js';
import { SessionWebAuthn } from './session-webauthn.service.js';
import { SessionsHandler } from './sessions.handler.js';
import { SessionsService } from './sessions.service.js';

/**
 * zitadel.session.v2.SessionService (and the caller's own sessions in v1 auth), and session tokens as Bearer tokens. Imports the users
 * module so the PAT strategy is registered first (a session token is tried after it).
 */
@Module({
  imports: [UsersModule, IdpsModule],
  providers: [
    SessionsService,
    SessionQueries,
    SessionCredentialChecks,
    SessionWebAuthn,
    LockoutCounters,
    SessionStandings,
    SessionTokenStrategy,
    SessionsHandler,
    SessionsAuthHandler,
    LoginHandoff,
  ],
  exports: [SessionsService, SessionQueries, LoginHandoff],
})
export class SessionsModule implements OnModuleInit {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly tokens: SessionTokenStrategy,
  ) {}

  onModuleInit(): void {
    this.authenticator.use(this.tokens);
  }
}
