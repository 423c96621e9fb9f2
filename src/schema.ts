// Every TypeORM entity and migration of the app, in one place for the DataSource and the CLI,
// and which context owns each table. A module adding tables lists its entities, new timestamped
// migrations and owned tables in its own schema.ts.
import { Foundation1764230400000 } from './platform/database/migrations/1764230400000-foundation.js';
import { Users1764316800000 } from './platform/database/migrations/1764316800000-users.js';
import { ChangeFeed1765400000000 } from './platform/database/migrations/1765400000000-change-feed.js';
import { EventQueries1765713000000 } from './platform/database/migrations/1765713000000-event-queries.js';
import * as apps from './apps/schema.js';
import * as authorizations from './authorizations/schema.js';
import { InstanceTrustedDomains1765800000000 } from './platform/database/migrations/1765800000000-instance-trusted-domains.js';
import { InstanceChangeFeed1766150000000 } from './platform/database/migrations/1766150000000-instance-change-feed.js';
import { RemovedInstancePurge1766500000000 } from './platform/database/migrations/1766500000000-removed-instance-purge.js';
import { EventWriteIndexes1767100000001 } from './platform/database/migrations/1767100000001-event-write-indexes.js';
import { Membership } from './platform/authz/membership.entity.js';
import * as projects from './projects/schema.js';
import { StoredEvent } from './platform/events/event.entity.js';
import { Instance, InstanceDomain, InstanceTrustedDomain } from './platform/tenancy/instance.entity.js';
import * as notifications from './notifications/schema.js';
import * as oidc from './oidc/schema.js';
import * as orgs from './orgs/schema.js';
import * as sessions from './sessions/schema.js';
import * as settings from './settings/schema.js';
import * as users from './users/schema.js';
import * as webkeys from './webkeys/schema.js';
import * as saml from './saml/schema.js';
import * as idps from './idps/schema.js';
import * as consoleUi from './console/schema.js';
import * as actions from './actions/schema.js';
import * as features from './features/schema.js';

export const ENTITIES = [
  Instance,
  InstanceDomain,
  InstanceTrustedDomain,
  StoredEvent,
  Membership,
  ...users.USERS_ENTITIES,
  ...orgs.ORGS_ENTITIES,
  ...notifications.NOTIFICATIONS_ENTITIES,
  ...sessions.SESSIONS_ENTITIES,
  ...settings.SETTINGS_ENTITIES,
  ...projects.PROJECTS_ENTITIES,
  ...apps.APPS_ENTITIES,
  ...authorizations.AUTHORIZATIONS_ENTITIES,
  ...webkeys.WEBKEYS_ENTITIES,
  ...saml.SAML_ENTITIES,
  ...oidc.OIDC_ENTITIES,
  ...idps.IDPS_ENTITIES,
  ...consoleUi.CONSOLE_ENTITIES,
  ...actions.ACTIONS_ENTITIES,
  ...features.FEATURES_ENTITIES,
];

/** In timestamp order; a module's migrations are merged in by their timestamps. */
export const MIGRATIONS = [
  Foundation1764230400000,
  Users1764316800000,
  ChangeFeed1765400000000,
  ...notifications.NOTIFICATIONS_MIGRATIONS,
  ...users.USERS_MIGRATIONS,
  ...sessions.SESSIONS_MIGRATIONS,
  ...settings.SETTINGS_MIGRATIONS,
  ...projects.PROJECTS_MIGRATIONS,
  ...apps.APPS_MIGRATIONS,
  ...authorizations.AUTHORIZATIONS_MIGRATIONS,
  ...webkeys.WEBKEYS_MIGRATIONS,
  ...saml.SAML_MIGRATIONS,
  ...oidc.OIDC_MIGRATIONS,
  ...idps.IDPS_MIGRATIONS,
  ...consoleUi.CONSOLE_MIGRATIONS,
  ...actions.ACTIONS_MIGRATIONS,
  ...features.FEATURES_MIGRATIONS,
  EventQueries1765713000000,
  InstanceTrustedDomains1765800000000,
  InstanceChangeFeed1766150000000,
  RemovedInstancePurge1766500000000,
  EventWriteIndexes1767100000001,
].sort((a, b) => Number(/\d{13}/.exec(a.name)![0]) - Number(/\d{13}/.exec(b.name)![0]));

/** Tables of the platform itself (tenancy, the event log, memberships): no context owns them. */
export const PLATFORM_TABLES: readonly string[] = [
  'instances',
  'instance_domains',
  'instance_trusted_domains',
  'events',
  'memberships',
];

/** Each context's tables: only the context's data-access modules run SQL on them. */
export const TABLE_OWNERS: Readonly<Record<string, readonly string[]>> = {
  orgs: orgs.OWNED_TABLES,
  users: users.OWNED_TABLES,
  settings: settings.OWNED_TABLES,
  sessions: sessions.OWNED_TABLES,
  projects: projects.OWNED_TABLES,
  apps: apps.OWNED_TABLES,
  authorizations: authorizations.OWNED_TABLES,
  notifications: notifications.OWNED_TABLES,
  oidc: oidc.OWNED_TABLES,
  saml: saml.OWNED_TABLES,
  webkeys: webkeys.OWNED_TABLES,
  idps: idps.OWNED_TABLES,
  console: consoleUi.OWNED_TABLES,
  actions: actions.OWNED_TABLES,
  features: features.OWNED_TABLES,
};
