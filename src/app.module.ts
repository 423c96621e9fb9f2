import { Module, type DynamicModule } from '@nestjs/common';
import { ActionsModule } from './actions/actions.module.js';
import { AppsModule } from './apps/apps.module.js';
import { AuthorizationsModule } from './authorizations/authorizations.module.js';
import { BootstrapModule } from './bootstrap/bootstrap.module.js';
import { InstancesModule } from './instances/instances.module.js';
import { InternalPermissionsModule } from './internal-permissions/internal-permissions.module.js';
import { OidcModule } from './oidc/oidc.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { OrgsModule } from './orgs/orgs.module.js';
import { EventsModule } from './platform/events/events.module.js';
import { PlatformModule, type Runtime } from './platform/platform.module.js';
import { ProjectsModule } from './projects/projects.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { SettingsModule } from './settings/settings.module.js';
import { UsersModule } from './users/users.module.js';
import { WebKeysModule } from './webkeys/webkeys.module.js';
import { SamlModule } from './saml/saml.module.js';
import { LoginModule } from './login/login.module.js';
import { IdpsModule } from './idps/idps.module.js';
import { ConsoleModule } from './console/console.module.js';
import { FeaturesModule } from './features/features.module.js';

/** One Nest module per resource; each registers its handlers with the platform RPC registry. */
@Module({})
export class AppModule {
  static create(runtime: Runtime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(runtime),
        NotificationsModule,
        SettingsModule,
        UsersModule,
        OrgsModule,
        InstancesModule,
        SessionsModule,
        ProjectsModule,
        AuthorizationsModule,
        InternalPermissionsModule,
        AppsModule,
        WebKeysModule,
        FeaturesModule,
        OidcModule,
        SamlModule,
        IdpsModule,
        ActionsModule,
        LoginModule,
        ConsoleModule,
        BootstrapModule,
        EventsModule,
      ],
    };
  }
}
