import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { retryDelaySeconds } from '../notifications/delivery-worker.js';
import { Config } from '../platform/config/config.js';
import { PgNotifications } from '../platform/database/pg-notifications.js';
import { Transactions } from '../platform/database/transactions.js';
import { isError } from '../platform/errors/domain-error.js';
import { EventStore, SYSTEM_CREATOR } from '../platform/events/event-store.js';
import { OutboxLoop } from '../platform/jobs/outbox-loop.js';
import { LOGGER } from '../platform/logging/logger-token.js';
import { ACTION_ERRORS } from './actions.errors.js';
import { ActionsStore, EVENT_OUTBOX_CHANNEL, type QueuedEvent } from './actions.store.js';
import { ExecutionTargets } from './execution-targets.js';

/** Events delivered at once by one process, each in its own transaction. */
const LANES = 2;

/**
 * ZITADEL's ContextInfoEvent: what an event target receives. `event_payload` is the event's JSON
 * as bytes, which Go's encoding/json writes as base64.
 */
export function eventBody(row: QueuedEvent): string {
  return JSON.stringify({
    aggregateID: row.aggregate_id,
    aggregateType: row.aggregate_type,
    resourceOwner: row.resource_owner,
    instanceID: row.instance_id,
    version: 'v1',
    sequence: Number(row.sequence),
    event_type: row.event_type,
    created_at: new Date(row.event_created_at).toISOString(),
    userID: row.creator,
    event_payload: Buffer.from(JSON.stringify(row.payload ?? {})).toString('base64'),
  });
}

/**
 * Delivers queued events to their event executions' targets after commit, in every process:
 * woken by the queueing trigger's NOTIFY, polling as a fallback. A row is claimed with
 * `FOR UPDATE SKIP LOCKED` and held while its targets are called, so processes sharing the
 * database never deliver it twice at once; one that dies mid-call releases it and it is delivered
 * again (at least once). Events of one aggregate go out in order. A failing target with
 * interrupt_on_error (as ZITADEL, only such a failure fails the delivery) is retried with
 * exponential backoff; after PORTCULLIS_ACTIONS_EVENT_MAX_ATTEMPTS the event is dropped and
 * `execution.event.dropped` is recorded on the execution.
 */
@Injectable()
export class EventDelivery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log: Logger;
  private readonly loop: OutboxLoop;

  constructor(
    private readonly tx: Transactions,
    private readonly store: ActionsStore,
    private readonly executions: ExecutionTargets,
    private readonly events: EventStore,
    private readonly config: Config,
    notifications: PgNotifications,
    @Inject(LOGGER) log: Logger,
  ) {
    this.log = log.child({ component: 'action-events' });
    this.loop = new OutboxLoop(
      notifications,
      {
        one: () => this.deliverOne(),
        msUntilNextDue: () => this.store.msUntilNextEventDue(this.tx.reader),
        failed: (err) => this.log.error({ err }, 'event delivery pass failed; trying again shortly'),
      },
      { channel: EVENT_OUTBOX_CHANNEL, lanes: LANES },
    );
  }

  onApplicationBootstrap(): Promise<void> {
    return this.loop.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  /** Claims, delivers and settles one due event; false when there was none to claim. */
  private deliverOne(): Promise<boolean> {
    return this.tx.run(async (tx) => {
      const row = await this.store.claimDueEvent(tx);
      if (!row) return false;
      const targets = await this.executions.targetsOf(row.instance_id, row.execution_id);
      try {
        // Without targets (the execution was removed since) there is nothing left to deliver.
        await this.executions.run(
          targets,
          () => eventBody(row),
          () => undefined,
        );
        await this.store.removeQueuedEvent(tx, row.id);
      } catch (err) {
        if (!isError(err, ACTION_ERRORS.targetFailed)) throw err;
        await this.failed(tx, row, err.message);
      }
      return true;
    });
  }

  private async failed(tx: EntityManager, row: QueuedEvent, error: string): Promise<void> {
    const attempts = row.attempts + 1;
    const meta = { instanceId: row.instance_id, execution: row.execution_id, eventType: row.event_type, attempts };
    if (attempts < this.config.actionsEventMaxAttempts) {
      const delay = retryDelaySeconds(attempts, this.config.actionsEventRetrySeconds);
      await this.store.retryEventLater(tx, row.id, attempts, error, delay);
      this.log.warn({ ...meta, error, retryInSeconds: delay }, 'event delivery failed; will retry');
      return;
    }
    await this.store.removeQueuedEvent(tx, row.id);
    await this.events.push(tx, row.instance_id, SYSTEM_CREATOR, [
      {
        aggregateType: 'execution',
        aggregateId: row.execution_id,
        resourceOwner: row.instance_id,
        type: 'execution.event.dropped',
        payload: {
          aggregateType: row.aggregate_type,
          aggregateId: row.aggregate_id,
          sequence: Number(row.sequence),
          eventType: row.event_type,
          attempts,
          error,
        },
      },
    ]);
    this.log.error({ ...meta, error }, 'event delivery failed for the last time; dropped');
  }
}
