import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { IdpsModule } from '../idps/idps.module.js';
import { OidcModule } from '../oidc/oidc.module.js';
import { SamlModule } from '../saml/saml.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { UsersModule } from '../users/users.module.js';
import { LoginUsers } from './login-users.js';
import { LoginIdps } from './login-idps.js';
import { LoginService } from './login.service.js';
import { PageKit } from './flows/page-kit.js';
import { LoginHttp } from './http/login-http.js';

/**
 * The hosted login pages at /ui/v2/login: a client of the session, OIDC, SAML, user and settings
 * services, in process, acting as ZITADEL's login client.
 */
@Module({
  imports: [SessionsModule, SettingsModule, OidcModule, SamlModule, UsersModule, IdpsModule, AppsModule],
  providers: [LoginService, LoginIdps, PageKit, LoginHttp, LoginUsers],
})
export class LoginModule {}
