import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { Config } from '../platform/config/config.js';
import { MasterKey } from '../platform/crypto/master-key.js';
import { PgNotifications, type ChannelListener } from '../platform/database/pg-notifications.js';
import { LOGGER } from '../platform/platform.module.js';
import { DeliveryChannels } from './channels.js';
import { claimDue, finish, msUntilNextDue, pruneFinished, scheduleRetry } from './outbox-delivery.store.js';
import { OUTBOX_NOTIFY_CHANNEL, type SealedNotification } from './outbox.store.js';
import { scrubSecrets } from './templates.js';

/** Fallback when a NOTIFY is missed (listener connection lost, another process's commit racing ours). */
const POLL_MS = 5_000;
/** Never re-check sooner than this: due rows locked by another process would make us spin. */
const MIN_WAIT_MS = 200;
/** Rows sent at once by one process, each in its own transaction. */
const LANES = 4;
const MAX_RETRY_DELAY_S = 3_600;
/** Finished rows (payload already cleared) are kept this long for operators, then deleted. */
const KEEP_FINISHED_DAYS = 7;
const PRUNE_EVERY_MS = 3_600_000;
/** Outbox rows (`o`) that can be sent: on a channel of the server's settings or of the instance's active provider. */

/** Seconds to wait after the `attempts`-th failed attempt: base, 2×base, 4×base, … capped at an hour. */
export function retryDelaySeconds(attempts: number, baseSeconds: number): number {
  return Math.min(MAX_RETRY_DELAY_S, baseSeconds * 2 ** Math.min(attempts - 1, 30));
}

/**
 * Sends committed outbox rows. Each process LISTENs for the NOTIFY that `enqueue` sends in the
 * writing transaction, and polls as a fallback. A row is claimed with `FOR UPDATE SKIP LOCKED`
 * and its lock held while it is sent and marked, so processes sharing a database never send one
 * row twice; a process that dies mid-send releases the lock and the row is sent again later
 * (at-least-once, as any outbox). Failures back off exponentially; after
 * PORTCULLIS_NOTIFICATION_MAX_ATTEMPTS the row is marked failed. Sent and failed rows lose
 * their sealed payload at once and are pruned after a week.
 */
@Injectable()
export class NotificationDelivery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log: Logger;
  private running = false;
  private current: Promise<void> | undefined;
  private wakeAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly outbox: ChannelListener = { notified: () => this.wake(), up: () => this.wake() };
  private lastPrune = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly channels: DeliveryChannels,
    private readonly masterKey: MasterKey,
    private readonly config: Config,
    private readonly notifications: PgNotifications,
    @Inject(LOGGER) log: Logger,
  ) {
    this.log = log.child({ component: 'notifications' });
  }

  async onApplicationBootstrap(): Promise<void> {
    // Always on: an instance may activate a provider of its own at any time.
    this.running = true;
    // Polling covers the time the LISTEN connection is down.
    await this.notifications.subscribe(OUTBOX_NOTIFY_CHANNEL, this.outbox);
    this.wake();
    this.log.info({ channels: this.channels.configured }, 'notification delivery started');
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.timer);
    this.notifications.unsubscribe(OUTBOX_NOTIFY_CHANNEL, this.outbox);
    await this.current;
    this.channels.close();
  }

  /** Looks for due rows now, or right after the pass in progress. */
  wake(): void {
    if (!this.running) return;
    if (this.current) {
      this.wakeAgain = true;
      return;
    }
    clearTimeout(this.timer);
    this.current = this.pass().finally(() => (this.current = undefined));
  }

  private async pass(): Promise<void> {
    let wait = POLL_MS;
    try {
      do {
        this.wakeAgain = false;
        await Promise.all(Array.from({ length: LANES }, () => this.lane()));
      } while (this.wakeAgain && this.running);
      await this.pruneIfDue();
      wait = await this.msUntilNextDue();
    } catch (err) {
      this.log.error({ err }, 'notification delivery pass failed; trying again shortly');
    }
    if (this.wakeAgain) wait = 0;
    if (this.running) this.timer = setTimeout(() => this.wake(), wait);
  }

  private async lane(): Promise<void> {
    while (this.running && (await this.deliverOne())) {
      /* next row */
    }
  }

  /** Claims, sends and marks one due row; false when there was none to claim. */
  private deliverOne(): Promise<boolean> {
    return this.dataSource.transaction('READ COMMITTED', async (tx) => {
      const row = await claimDue(tx, this.channels.configured);
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
      await finish(tx, row, 'sent', attempts, null);
      this.log.info(meta, 'notification sent');
      return true;
    });
  }

  private async msUntilNextDue(): Promise<number> {
    const ms = await msUntilNextDue(this.dataSource.manager, this.channels.configured);
    if (ms === null) return POLL_MS;
    return Math.min(POLL_MS, Math.max(MIN_WAIT_MS, Math.ceil(ms)));
  }

  private async pruneIfDue(): Promise<void> {
    if (Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    const deleted = await pruneFinished(this.dataSource.manager, KEEP_FINISHED_DAYS);
    if (deleted) this.log.info({ deleted }, 'pruned finished notifications');
  }
}
