// Entities, migrations and owned tables of this module, collected by src/schema.ts.
import { Notifications1764403200000 } from './migrations/1764403200000-notifications.js';
import { NotificationProviders1765700000000 } from './migrations/1765700000000-notification-providers.js';
import { SecretGenerators1765700100000 } from './migrations/1765700100000-secret-generators.js';
import { OutboxNotification } from './outbox.entity.js';

export const NOTIFICATIONS_ENTITIES: Function[] = [OutboxNotification];
export const NOTIFICATIONS_MIGRATIONS: Function[] = [
  Notifications1764403200000,
  NotificationProviders1765700000000,
  SecretGenerators1765700100000,
];

/** The tables only this context runs SQL on (see src/architecture.spec.ts); others call its queries. */
export const OWNED_TABLES: readonly string[] = ['notification_outbox', 'notification_providers', 'secret_generators'];
