import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { AuthorizationsAuthHandler } from './authorizations-auth.handler.js';
import { AuthorizationsHandler } from './authorizations.handler.js';
import { AuthorizationsService } from './authorizations.service.js';
import { AuthorizationsV1Handler } from './authorizations-v1.handler.js';

/**
 * Authorizations (ZITADEL's user grants): zitadel.authorization.v2beta.AuthorizationService,
 * management v1's user grants, and one's own in v1 auth.
 */
@Module({
  imports: [AppsModule],
  providers: [AuthorizationsService, AuthorizationsHandler, AuthorizationsV1Handler, AuthorizationsAuthHandler],
  exports: [AuthorizationsService],
})
export class AuthorizationsModule {}
