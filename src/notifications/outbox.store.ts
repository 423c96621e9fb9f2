import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Config } from '../platform/config/config.js';
import { loginBaseUrl } from '../platform/config/login-ui-url.js';
import { MasterKey } from '../platform/crypto/master-key.js';
import { IdGenerator } from '../platform/ids/id-generator.js';
import { Notifier, type OutboundNotification } from './notifier.js';
import { OutboxNotification } from './outbox.entity.js';
import { defaultUrlTemplate } from './login-links.js';
import { urlTemplateProblems } from './templates.js';
import * as errors from './notifications.errors.js';

/** The PostgreSQL NOTIFY channel that wakes the delivery workers when a transaction commits rows. */
export const OUTBOX_NOTIFY_CHANNEL = 'portcullis_notification_outbox';

/** What is sealed into a row's payload: the whole notification, so the worker can render and send it. */
export type SealedNotification = OutboundNotification;

/**
 * Writes notifications into the outbox in the caller's transaction. Nothing is sent from here:
 * the delivery worker sends rows once they are committed, so a rolled-back change sends nothing.
 * Whether a channel is configured is not asked here: as ZITADEL queues a notification and picks
 * the provider when it sends, a code is queued even while the instance has none, and the worker
 * retries it until one is configured or its attempts run out.
 */
@Injectable()
export class OutboxNotifier extends Notifier {
  constructor(
    private readonly masterKey: MasterKey,
    private readonly ids: IdGenerator,
    private readonly config: Config,
  ) {
    super();
  }

  async enqueue(tx: EntityManager, instanceId: string, notification: OutboundNotification): Promise<void> {
    if (!notification.to.trim() || /[\u0000-\u001f\u007f]/.test(notification.to))
      throw errors.recipientInvalid(notification.channel);
    if (notification.urlTemplate) {
      const problems = urlTemplateProblems(notification.urlTemplate);
      if (problems.length) throw errors.urlTemplateInvalid(problems);
    }
    const urlTemplate = notification.urlTemplate || this.defaultLink(notification);
    const sealed: SealedNotification = {
      channel: notification.channel,
      to: notification.to,
      template: notification.template,
      userId: notification.userId,
      orgId: notification.orgId,
      data: { ...notification.data },
      ...(urlTemplate ? { urlTemplate } : {}),
    };
    await tx
      .createQueryBuilder()
      .insert()
      .into(OutboxNotification)
      .values({
        instanceId,
        id: this.ids.next(),
        channel: notification.channel,
        template: notification.template,
        userId: notification.userId,
        orgId: notification.orgId,
        payload: this.masterKey.encrypt(JSON.stringify(sealed)),
        state: 'pending',
        attempts: 0,
        nextAttemptAt: () => 'now()',
        createdAt: () => 'now()',
        changedAt: () => 'now()',
      })
      .execute();
    // Delivered to listeners only if and when this transaction commits.
    await tx.query('SELECT pg_notify($1, $2)', [OUTBOX_NOTIFY_CHANNEL, instanceId]);
  }

  /** The hosted login's page for the notification, on the request's origin (the server's own work: the external URL's). */
  private defaultLink(n: OutboundNotification): string | undefined {
    return defaultUrlTemplate(
      n.template,
      n.channel,
      loginBaseUrl(this.config.loginUiUrl, n.origin ?? new URL(this.config.externalUrl).origin),
    );
  }
}
