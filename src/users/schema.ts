// Entities, migrations and owned tables of users and its credentials and MFA parts, collected
// by src/schema.ts (the users table came with the platform's users migration, which stays where
// it was applied from).
import { CREDENTIALS_ENTITIES, CREDENTIALS_MIGRATIONS } from './credentials/schema.js';
import { MFA_ENTITIES, MFA_MIGRATIONS } from './mfa/schema.js';
import { UserCodeAttempts1765613100000 } from './migrations/1765613100000-user-code-attempts.js';
import { MachineAccessTokenType1765713100000 } from './migrations/1765713100000-machine-access-token-type.js';
import { UserClaimsChangeFeed1766470000000 } from './migrations/1766470000000-user-claims-change-feed.js';
import { UsernameScope1767000000011 } from './migrations/1767000000011-username-scope.js';
import { UserCodeReturned1767000000012 } from './migrations/1767000000012-user-code-returned.js';
import { PersonalAccessToken } from './personal-access-token.entity.js';
import { UserCode } from './user-code.entity.js';
import { UserMetadata } from './user-metadata.entity.js';
import { User } from './user.entity.js';

export const USERS_ENTITIES: Function[] = [
  User,
  UserCode,
  UserMetadata,
  PersonalAccessToken,
  ...CREDENTIALS_ENTITIES,
  ...MFA_ENTITIES,
];
export const USERS_MIGRATIONS: Function[] = [
  ...CREDENTIALS_MIGRATIONS,
  ...MFA_MIGRATIONS,
  UserCodeAttempts1765613100000,
  MachineAccessTokenType1765713100000,
  UserClaimsChangeFeed1766470000000,
  UsernameScope1767000000011,
  UserCodeReturned1767000000012,
];

/** The tables only this context runs SQL on (see src/architecture.spec.ts); others call its queries. */
export const OWNED_TABLES: readonly string[] = [
  'users',
  'user_codes',
  'user_metadata',
  'personal_access_tokens',
  'machine_keys',
  'machine_secrets',
  'user_totp',
  'user_otp_channels',
  'user_webauthn_credentials',
];
