import { ActionsModule } from '../actions/actions.module.js';
import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { FeaturesModule } from '../features/features.module.js';
import { AuthorizationsModule } from '../authorizations/authorizations.module.js';
import { ProjectsModule } from '../projects/projects.module.js';
import { UsersModule } from '../users/users.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { SamlCertificates } from './saml-certificates.store.js';
import { SamlHandler } from './saml.handler.js';
import { SamlLoginService } from './saml-login.service.js';
import { SamlLogoutService } from './saml-logout.service.js';
import { SamlRequestSweeper } from './saml-request-sweeper.js';
import { SamlRoutes } from './saml.routes.js';
import { SamlSubjects } from './saml-subjects.js';

/** The SAML 2.0 identity provider: /saml/v2/* endpoints and zitadel.saml.v2.SAMLService. */
@Module({
  imports: [
    ActionsModule,
    AppsModule,
    FeaturesModule,
    AuthorizationsModule,
    ProjectsModule,
    SessionsModule,
    SettingsModule,
    UsersModule,
  ],
  providers: [
    SamlCertificates,
    SamlSubjects,
    SamlLoginService,
    SamlLogoutService,
    SamlHandler,
    SamlRoutes,
    SamlRequestSweeper,
  ],
  exports: [SamlLoginService],
})
export class SamlModule {}
