import { Global, Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { FailedPrecondition } from '../platform/errors/domain-error.js';
import { Notifier, type OutboundNotification } from './notifier.js';

/** With no delivery channel configured, asking to send is refused loudly, never dropped. */
@Injectable()
export class UnconfiguredNotifier extends Notifier {
  async enqueue(_tx: EntityManager, _instanceId: string, notification: OutboundNotification): Promise<void> {
    const settings = notification.channel === 'email' ? 'PORTCULLIS_SMTP_HOST' : 'PORTCULLIS_SMS_WEBHOOK_URL';
    throw FailedPrecondition(
      'NOTIF-n0chn',
      `no ${notification.channel} delivery channel is configured (set ${settings}); ask for the code to be returned instead`,
    );
  }
}

@Global()
@Module({
  providers: [{ provide: Notifier, useClass: UnconfiguredNotifier }],
  exports: [Notifier],
})
export class NotificationsModule {}
