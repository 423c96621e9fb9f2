// Entities and migrations of this module, collected by src/schema.ts.
export const CREDENTIALS_ENTITIES: Function[] = [];
export const CREDENTIALS_MIGRATIONS: Function[] = [];
