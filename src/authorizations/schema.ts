// Entities, migrations and owned tables of this module, collected by src/schema.ts.
import { Authorizations1765008000000 } from './migrations/1765008000000-authorizations.js';
import { UserGrant } from './user-grant.entity.js';

export const AUTHORIZATIONS_ENTITIES: Function[] = [UserGrant];
export const AUTHORIZATIONS_MIGRATIONS: Function[] = [Authorizations1765008000000];

/** The tables only this context runs SQL on (see src/architecture.spec.ts); others call its queries. */
export const OWNED_TABLES: readonly string[] = ['user_grants'];
