// Every TypeORM entity and migration of the app, in one place for the DataSource and the CLI.
// A module adding tables adds its entities and a new timestamped migration here.
import { Foundation1764230400000 } from './platform/database/migrations/1764230400000-foundation.js';
import { Membership } from './platform/authz/membership.entity.js';
import { StoredEvent } from './platform/events/event.entity.js';
import { Instance, InstanceDomain } from './platform/tenancy/instance.entity.js';
import { Org, OrgDomain, OrgMetadata } from './orgs/org.entity.js';
import { PersonalAccessToken } from './users/personal-access-token.entity.js';
import { User } from './users/user.entity.js';

export const ENTITIES = [Instance, InstanceDomain, StoredEvent, Membership, User, PersonalAccessToken, Org, OrgDomain, OrgMetadata];

export const MIGRATIONS = [Foundation1764230400000];
