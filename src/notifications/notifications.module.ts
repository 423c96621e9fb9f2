import { Global, Module } from '@nestjs/common';
import { DeliveryChannels } from './channels.js';
import { NotificationDelivery } from './delivery-worker.js';
import { Notifier } from './notifier.js';
import { OutboxNotifier } from './outbox.store.js';

/**
 * Email and SMS delivery of codes. Other modules inject `Notifier` and call
 * `enqueue(tx, instanceId, notification)` inside their own transaction; `DeliveryChannels.has()`
 * tells beforehand whether a channel is configured. The worker sends after commit.
 */
@Global()
@Module({
  providers: [
    DeliveryChannels,
    OutboxNotifier,
    { provide: Notifier, useExisting: OutboxNotifier },
    NotificationDelivery,
  ],
  exports: [Notifier, DeliveryChannels],
})
export class NotificationsModule {}
