// Migrations and owned tables of this module, collected by src/schema.ts.
import { Features1766200000000 } from './migrations/1766200000000-features.js';
import { DefaultInstanceFeatures1766400000000 } from './migrations/1766400000000-default-instance-features.js';

export const FEATURES_ENTITIES: Function[] = [];
export const FEATURES_MIGRATIONS: Function[] = [Features1766200000000, DefaultInstanceFeatures1766400000000];

/** The tables only this context runs SQL on (see src/architecture.spec.ts); others call its store. */
export const OWNED_TABLES: readonly string[] = ['feature_flags'];
