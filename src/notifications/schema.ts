// Entities, migrations and owned tables of this module, collected by src/schema.ts.
import { Notifications1764403200000 } from './migrations/1764403200000-notifications.js';
import { OutboxNotification } from './outbox.entity.js';

export const NOTIFICATIONS_ENTITIES: Function[] = [OutboxNotification];
export const NOTIFICATIONS_MIGRATIONS: Function[] = [Notifications1764403200000];

/** The tables only this context runs SQL on (see src/architecture.spec.ts); others call its queries. */
export const OWNED_TABLES: readonly string[] = ['notification_outbox'];
