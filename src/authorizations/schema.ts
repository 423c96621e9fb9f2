// Entities and migrations of this module, collected by src/schema.ts.
import { Authorizations1765008000000 } from './migrations/1765008000000-authorizations.js';
import { UserGrant } from './user-grant.entity.js';

export const AUTHORIZATIONS_ENTITIES: Function[] = [UserGrant];
export const AUTHORIZATIONS_MIGRATIONS: Function[] = [Authorizations1765008000000];
