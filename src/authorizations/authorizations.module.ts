import { Module } from '@nestjs/common';
import { AuthorizationsHandler } from './authorizations.handler.js';
import { AuthorizationsService } from './authorizations.service.js';

/** Authorizations (ZITADEL's user grants): zitadel.authorization.v2beta.AuthorizationService. */
@Module({
  providers: [AuthorizationsService, AuthorizationsHandler],
})
export class AuthorizationsModule {}
