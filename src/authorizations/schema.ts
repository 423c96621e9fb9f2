// Entities and migrations of this module, collected by src/schema.ts.
export const AUTHORIZATIONS_ENTITIES: Function[] = [];
export const AUTHORIZATIONS_MIGRATIONS: Function[] = [];
