// Entities, migrations and owned tables of this module, collected by src/schema.ts.
import { ConsoleClient } from './console-client.entity.js';
import { Console1766300000000 } from './migrations/1766300000000-console.js';

export const CONSOLE_ENTITIES: Function[] = [ConsoleClient];
export const CONSOLE_MIGRATIONS: Function[] = [Console1766300000000];

/** The tables only this context runs SQL on (see src/architecture.spec.ts); others call its queries. */
export const OWNED_TABLES: readonly string[] = ['console_clients'];
