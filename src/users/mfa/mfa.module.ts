import { Module } from '@nestjs/common';
import { UsersSharedModule } from '../users-shared.module.js';
import { AccountNames } from './account-names.js';
import { MfaAuthHandler } from './mfa-auth.handler.js';
import { UsersMfaHandler } from './mfa.handler.js';
import { MfaService } from './mfa.service.js';
import { WebAuthnCredentialQueries } from './webauthn-credentials.queries.js';
import { WebAuthnService } from './webauthn.service.js';

/**
 * Second factors and passkeys: registration, listing, removal (v2 user API and the caller's own
 * in v1 auth). MfaService is exported for the
 * core user methods (AddHumanUser's `totp_secret`, RemovePhone dropping OTP SMS).
 */
@Module({
  imports: [UsersSharedModule],
  providers: [AccountNames, MfaService, WebAuthnService, WebAuthnCredentialQueries, UsersMfaHandler, MfaAuthHandler],
  exports: [MfaService, WebAuthnService, WebAuthnCredentialQueries],
})
export class UserMfaModule {}
