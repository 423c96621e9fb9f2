// Entities, migrations and owned tables of this module, collected by src/schema.ts.
import { App, AppKey, AppOidcConfig, AppSamlConfig } from './app.entity.js';
import { Apps1764921600000 } from './migrations/1764921600000-apps.js';

export const APPS_ENTITIES: Function[] = [App, AppOidcConfig, AppSamlConfig, AppKey];
export const APPS_MIGRATIONS: Function[] = [Apps1764921600000];

/** The tables only this context runs SQL on (see src/architecture.spec.ts); others call its queries. */
export const OWNED_TABLES: readonly string[] = ['apps', 'app_oidc_configs', 'app_saml_configs', 'app_keys'];
