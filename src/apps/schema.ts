// Entities and migrations of this module, collected by src/schema.ts.
export const APPS_ENTITIES: Function[] = [];
export const APPS_MIGRATIONS: Function[] = [];
