// Every TypeORM entity and migration of the app, in one place for the DataSource and the CLI.
// A module adding tables lists its entities and new timestamped migrations in its own schema.ts.
import { Foundation1764230400000 } from './platform/database/migrations/1764230400000-foundation.js';
import { Users1764316800000 } from './platform/database/migrations/1764316800000-users.js';
import { ChangeFeed1765400000000 } from './platform/database/migrations/1765400000000-change-feed.js';
import { InstanceTrustedDomains1765800000000 } from './platform/database/migrations/1765800000000-instance-trusted-domains.js';
import { APPS_ENTITIES, APPS_MIGRATIONS } from './apps/schema.js';
import { AUTHORIZATIONS_ENTITIES, AUTHORIZATIONS_MIGRATIONS } from './authorizations/schema.js';
import { Membership } from './platform/authz/membership.entity.js';
import { PROJECTS_ENTITIES, PROJECTS_MIGRATIONS } from './projects/schema.js';
import { StoredEvent } from './platform/events/event.entity.js';
import { Instance, InstanceDomain, InstanceTrustedDomain } from './platform/tenancy/instance.entity.js';
import { NOTIFICATIONS_ENTITIES, NOTIFICATIONS_MIGRATIONS } from './notifications/schema.js';
import { OIDC_ENTITIES, OIDC_MIGRATIONS } from './oidc/schema.js';
import { Org, OrgDomain, OrgMetadata } from './orgs/org.entity.js';
import { SESSIONS_ENTITIES, SESSIONS_MIGRATIONS } from './sessions/schema.js';
import { SETTINGS_ENTITIES, SETTINGS_MIGRATIONS } from './settings/schema.js';
import { CREDENTIALS_ENTITIES, CREDENTIALS_MIGRATIONS } from './users/credentials/schema.js';
import { MFA_ENTITIES, MFA_MIGRATIONS } from './users/mfa/schema.js';
import { PersonalAccessToken } from './users/personal-access-token.entity.js';
import { UserCodeAttempts1765613100000 } from './users/migrations/1765613100000-user-code-attempts.js';
import { UserCode } from './users/user-code.entity.js';
import { UserMetadata } from './users/user-metadata.entity.js';
import { User } from './users/user.entity.js';
import { WEBKEYS_ENTITIES, WEBKEYS_MIGRATIONS } from './webkeys/schema.js';
import { SAML_ENTITIES, SAML_MIGRATIONS } from './saml/schema.js';

export const ENTITIES = [
  Instance,
  InstanceDomain,
  InstanceTrustedDomain,
  StoredEvent,
  Membership,
  User,
  UserCode,
  UserMetadata,
  PersonalAccessToken,
  Org,
  OrgDomain,
  OrgMetadata,
  ...NOTIFICATIONS_ENTITIES,
  ...CREDENTIALS_ENTITIES,
  ...MFA_ENTITIES,
  ...SESSIONS_ENTITIES,
  ...SETTINGS_ENTITIES,
  ...PROJECTS_ENTITIES,
  ...APPS_ENTITIES,
  ...AUTHORIZATIONS_ENTITIES,
  ...WEBKEYS_ENTITIES,
  ...SAML_ENTITIES,
  ...OIDC_ENTITIES,
];

/** In timestamp order; a module's migrations are merged in by their timestamps. */
export const MIGRATIONS = [
  Foundation1764230400000,
  Users1764316800000,
  ChangeFeed1765400000000,
  ...NOTIFICATIONS_MIGRATIONS,
  ...CREDENTIALS_MIGRATIONS,
  ...MFA_MIGRATIONS,
  ...SESSIONS_MIGRATIONS,
  ...SETTINGS_MIGRATIONS,
  ...PROJECTS_MIGRATIONS,
  ...APPS_MIGRATIONS,
  ...AUTHORIZATIONS_MIGRATIONS,
  ...WEBKEYS_MIGRATIONS,
  ...SAML_MIGRATIONS,
  ...OIDC_MIGRATIONS,
  UserCodeAttempts1765613100000,
  InstanceTrustedDomains1765800000000,
].sort((a, b) => Number(/\d{13}/.exec(a.name)![0]) - Number(/\d{13}/.exec(b.name)![0]));
