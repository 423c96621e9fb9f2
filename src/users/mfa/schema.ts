// Entities and migrations of this module, collected by src/schema.ts.
export const MFA_ENTITIES: Function[] = [];
export const MFA_MIGRATIONS: Function[] = [];
