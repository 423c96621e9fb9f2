// Entities, migrations and owned tables of this module, collected by src/schema.ts.
import { Settings1764662400000 } from './migrations/1764662400000-settings.js';
import { SettingsPolicy } from './settings-policy.entity.js';

export const SETTINGS_ENTITIES: Function[] = [SettingsPolicy];
export const SETTINGS_MIGRATIONS: Function[] = [Settings1764662400000];

/** The tables only this context runs SQL on (see src/architecture.spec.ts); others call its queries. */
export const OWNED_TABLES: readonly string[] = ['settings_policies'];
