// Entities, migrations and owned tables of this module, collected by src/schema.ts.
import { Oidc1765200000000 } from './migrations/1765200000000-oidc.js';

export const OIDC_ENTITIES: Function[] = [];
export const OIDC_MIGRATIONS: Function[] = [Oidc1765200000000];

/** The tables only this context runs SQL on (see src/architecture.spec.ts); others call its queries. */
export const OWNED_TABLES: readonly string[] = ['oidc_payloads'];
