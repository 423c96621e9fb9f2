import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { AuthorizationsAuthHandler } from './authorizations-auth.handler.js';
import { AuthorizationsHandler } from './authorizations.handler.js';
import { AuthorizationsService } from './authorizations.service.js';

/** Authorizations (ZITADEL's user grants): zitadel.authorization.v2beta.AuthorizationService, and one's own in v1 auth. */
@Module({
  imports: [AppsModule],
  providers: [AuthorizationsService, AuthorizationsHandler, AuthorizationsAuthHandler],
  exports: [AuthorizationsService],
})
export class AuthorizationsModule {}
