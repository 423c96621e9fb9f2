// Entities and migrations of this module, collected by src/schema.ts.
import { Notifications1764403200000 } from './migrations/1764403200000-notifications.js';
import { OutboxNotification } from './outbox.entity.js';

export const NOTIFICATIONS_ENTITIES: Function[] = [OutboxNotification];
export const NOTIFICATIONS_MIGRATIONS: Function[] = [Notifications1764403200000];
