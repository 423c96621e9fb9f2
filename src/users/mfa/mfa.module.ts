import { Module } from '@nestjs/common';
import { UsersSharedModule } from '../users-shared.module.js';
import { AccountNames } from './account-names.js';
import { UsersMfaHandler } from './mfa.handler.js';
import { MfaService } from './mfa.service.js';
import { WebAuthnCredentialQueries } from './webauthn-credentials.queries.js';
import { WebAuthnService } from './webauthn.service.js';

/**
 * Second factors and passkeys: registration, listing, removal. MfaService is exported for the
 * core user methods (AddHumanUser's `totp_secret`, RemovePhone dropping OTP SMS).
 */
@Module({
  imports: [UsersSharedModule],
  providers: [AccountNames, MfaService, WebAuthnService, WebAuthnCredentialQueries, UsersMfaHandler],
  exports: [MfaService, WebAuthnService, WebAuthnCredentialQueries],
})
export class UserMfaModule {}
