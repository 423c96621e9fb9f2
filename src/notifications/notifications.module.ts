import { Global, Module } from '@nestjs/common';
import { DeliveryChannels } from './channels.js';
import { NotificationDelivery } from './delivery-worker.js';
import { Notifier } from './notifier.js';
import { OutboxNotifier } from './outbox.store.js';
import { ProvidersAdminHandler } from './providers/providers-admin.handler.js';
import { ProviderStore } from './providers/providers.queries.js';
import { ProvidersService } from './providers/providers.service.js';
import { SmtpConfigAdminHandler } from './providers/smtp-config-admin.handler.js';
import { GeneratorsAdminHandler } from './secret-generators/generators-admin.handler.js';
import { GeneratorStore } from './secret-generators/generators.queries.js';
import { SecretGenerators } from './secret-generators/generators.service.js';

/**
 * Email and SMS delivery of codes. Other modules inject `Notifier` and call
 * `enqueue(tx, instanceId, notification)` inside their own transaction. Nothing asks beforehand
 * whether a channel can send: as in ZITADEL, which provider sends is decided when sending. The
 * worker sends after commit, through the instance's active provider (admin API: email and SMS
 * providers), else the server's settings.
 */
@Global()
@Module({
  providers: [
    DeliveryChannels,
    OutboxNotifier,
    { provide: Notifier, useExisting: OutboxNotifier },
    NotificationDelivery,
    ProviderStore,
    ProvidersService,
    ProvidersAdminHandler,
    SmtpConfigAdminHandler,
    GeneratorStore,
    SecretGenerators,
    GeneratorsAdminHandler,
  ],
  exports: [Notifier, SecretGenerators],
})
export class NotificationsModule {}
