import { Module } from '@nestjs/common';
import { AuthorizationsHandler } from './authorizations.handler.js';
import { AuthorizationsService } from './authorizations.service.js';
import { AuthorizationsV1Handler } from './authorizations-v1.handler.js';

/** Authorizations (ZITADEL's user grants): zitadel.authorization.v2beta.AuthorizationService and management v1's user grants. */
@Module({
  providers: [AuthorizationsService, AuthorizationsHandler, AuthorizationsV1Handler],
})
export class AuthorizationsModule {}
