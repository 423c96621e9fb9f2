import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { Config } from '../platform/config/config.js';
import { MasterKey } from '../platform/crypto/master-key.js';
import { PgNotifications } from '../platform/database/pg-notifications.js';
import { EventStore } from '../platform/events/event-store.js';
import { Transactions } from '../platform/database/transactions.js';
import { OutboxLoop } from '../platform/jobs/outbox-loop.js';
import { LOGGER } from '../platform/platform.module.js';
import { DeliveryChannels } from './channels.js';
import { deliveryReceipt, NOTIFICATION_CREATOR } from './delivery-receipts.js';
import { claimDue, finish, msUntilNextDue, pruneFinished, scheduleRetry } from './outbox-delivery.store.js';
import { OUTBOX_NOTIFY_CHANNEL, type SealedNotification } from './outbox.store.js';
import { scrubSecrets } from './templates.js';

/** Rows sent at once by one process, each in its own transaction. */
const LANES = 4;
const MAX_RETRY_DELAY_S = 3_600;
/** Finished rows (payload already cleared) are kept this long for operators, then deleted. */
const KEEP_FINISHED_DAYS = 7;
const PRUNE_EVERY_MS = 3_600_000;

/** Seconds to wait after the `attempts`-th failed attempt: base, 2×base, 4×base, … capped at an hour. */
export function retryDelaySeconds(attempts: number, baseSeconds: number): number {
  return Math.min(MAX_RETRY_DELAY_S, baseSeconds * 2 ** Math.min(attempts - 1, 30));
}

/**
 * Sends committed outbox rows. Each process LISTENs for the NOTIFY that `enqueue` sends in the
 * writing transaction, and polls as a fallback. A row is claimed with `FOR UPDATE SKIP LOCKED`
 * and its lock held while it is sent and marked, so processes sharing a database never send one
 * row twice; a process that dies mid-send releases the lock and the row is sent again later
 * (at-least-once, as any outbox). A sent row's receipt event (`delivery-receipts.ts`) is written in
 * the transaction that marks it sent. A row whose instance has no provider for its channel (and the
 * server no setting) fails its attempt like any other, so a provider configured meanwhile sends it.
 * Failures back off exponentially; after
 * PORTCULLIS_NOTIFICATION_MAX_ATTEMPTS the row is marked failed. Sent and failed rows lose
 * their sealed payload at once and are pruned after a week.
 */
@Injectable()
export class NotificationDelivery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log: Logger;
  private readonly loop: OutboxLoop;
  private lastPrune = 0;

  constructor(
    private readonly tx: Transactions,
    private readonly channels: DeliveryChannels,
    private readonly masterKey: MasterKey,
    private readonly config: Config,
    private readonly events: EventStore,
    notifications: PgNotifications,
    @Inject(LOGGER) log: Logger,
  ) {
    this.log = log.child({ component: 'notifications' });
    this.loop = new OutboxLoop(
      notifications,
      {
        one: () => this.deliverOne(),
        msUntilNextDue: () => msUntilNextDue(this.tx.reader),
        afterPass: () => this.pruneIfDue(),
        failed: (err) => this.log.error({ err }, 'notification delivery pass failed; trying again shortly'),
      },
      { channel: OUTBOX_NOTIFY_CHANNEL, lanes: LANES },
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    // Always on: an instance may activate a provider of its own at any time.
    await this.loop.start();
    this.log.info({ channels: this.channels.configured }, 'notification delivery started');
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.loop.started) return;
    await this.loop.stop();
    this.channels.close();
  }

  /** Claims, sends and marks one due row; false when there was none to claim. */
  private deliverOne(): Promise<boolean> {
    return this.tx.run(async (tx) => {
      const row = await claimDue(tx);
      if (!row) return false;
      const attempts = row.attempts + 1;
      const meta = {
        instanceId: row.instance_id,
        notificationId: row.id,
        channel: row.channel,
        template: row.template,
        attempts,
      };

      let notification: SealedNotification;
      try {
        notification = JSON.parse(this.masterKey.decrypt(row.payload)) as SealedNotification;
      } catch {
        // Retrying cannot help: the key that sealed it is gone.
        await finish(tx, row, 'failed', attempts, 'the payload cannot be opened with the current master key');
        this.log.error(
          meta,
          'notification payload cannot be decrypted (was PORTCULLIS_MASTERKEY changed?); marked failed',
        );
        return true;
      }

      try {
        await this.channels.deliver(tx, row.instance_id, notification);
      } catch (err) {
        const secrets = [notification.to, ...Object.values(notification.data), ...this.channels.secrets];
        const error = scrubSecrets(err instanceof Error ? err.message : String(err), secrets);
        if (attempts >= this.config.notificationMaxAttempts) {
          await finish(tx, row, 'failed', attempts, error);
          this.log.error({ ...meta, error }, 'notification delivery failed for the last time; marked failed');
        } else {
          const delay = retryDelaySeconds(attempts, this.config.notificationRetrySeconds);
          await scheduleRetry(tx, row, attempts, error, delay);
          this.log.warn({ ...meta, error, retryInSeconds: delay }, 'notification delivery failed; will retry');
        }
        return true;
      }
      const receipt = deliveryReceipt(row.instance_id, notification);
      if (receipt) await this.events.push(tx, row.instance_id, NOTIFICATION_CREATOR, [receipt]);
      await finish(tx, row, 'sent', attempts, null);
      this.log.info(meta, 'notification sent');
      return true;
    });
  }

  private async pruneIfDue(): Promise<void> {
    if (Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    const deleted = await this.tx.run((tx) => pruneFinished(tx, KEEP_FINISHED_DAYS));
    if (deleted) this.log.info({ deleted }, 'pruned finished notifications');
  }
}
