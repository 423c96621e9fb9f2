// Entities, migrations and owned tables of this module, collected by src/schema.ts.
import { WebKeys1765094400000 } from './migrations/1765094400000-webkeys.js';
import { WebKey } from './web-key.entity.js';

export const WEBKEYS_ENTITIES: Function[] = [WebKey];
export const WEBKEYS_MIGRATIONS: Function[] = [WebKeys1765094400000];

/** The tables only this context runs SQL on (see src/architecture.spec.ts); others call its queries. */
export const OWNED_TABLES: readonly string[] = ['web_keys'];
