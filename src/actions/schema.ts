// Entities, migrations and owned tables of this module, collected by src/schema.ts.
import { Actions1766000000000 } from './migrations/1766000000000-actions.js';
import { ActionEventOutbox1766000100000 } from './migrations/1766000100000-action-event-outbox.js';

export const ACTIONS_ENTITIES: Function[] = [];
export const ACTIONS_MIGRATIONS: Function[] = [Actions1766000000000, ActionEventOutbox1766000100000];

/** The tables only this context runs SQL on (see src/architecture.spec.ts); others call its queries. */
export const OWNED_TABLES: readonly string[] = ['action_targets', 'action_executions', 'action_event_outbox'];
