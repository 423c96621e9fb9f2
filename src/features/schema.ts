// Migrations and owned tables of this module, collected by src/schema.ts.
import { Features1765920000000 } from './migrations/1765920000000-features.js';

export const FEATURES_ENTITIES: Function[] = [];
export const FEATURES_MIGRATIONS: Function[] = [Features1765920000000];

/** The tables only this context runs SQL on (see src/architecture.spec.ts); others call its store. */
export const OWNED_TABLES: readonly string[] = ['feature_flags'];
