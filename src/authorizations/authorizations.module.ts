import { Module } from '@nestjs/common';
import { AuthorizationsHandler } from './authorizations.handler.js';
import { AuthorizationQueries } from './authorizations.queries.js';
import { AuthorizationsService } from './authorizations.service.js';

/** Authorizations (ZITADEL's user grants): zitadel.authorization.v2beta.AuthorizationService. */
@Module({
  providers: [AuthorizationsService, AuthorizationQueries, AuthorizationsHandler],
  exports: [AuthorizationQueries],
})
export class AuthorizationsModule {}
