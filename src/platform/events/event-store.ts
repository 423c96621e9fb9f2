import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface EventInput {
  readonly aggregateType: string;
  readonly aggregateId: string;
  /** e.g. `org.added`, `org.domain.verified` (ZITADEL's event type names). */
  readonly type: string;
  /** What changed; never a secret. */
  readonly payload?: Record<string, unknown>;
  readonly resourceOwner: string;
}

export interface WrittenEvent {
  readonly aggregateId: string;
  readonly sequence: bigint;
  readonly createdAt: Date;
  readonly resourceOwner: string;
}

/** The `creator` recorded for changes the system makes on its own (bootstrap, cascades). */
export const SYSTEM_CREATOR = 'SYSTEM';

/**
 * Appends audit events inside the caller's transaction. Writers to the same aggregate take a
 * transaction-scoped advisory lock first, so sequences are handed out one writer at a time and
 * a concurrent change waits instead of being lost; the primary key backs this up.
 */
@Injectable()
export class EventStore {
  async push(
    tx: EntityManager,
    instanceId: string,
    creator: string,
    events: readonly EventInput[],
  ): Promise<WrittenEvent[]> {
    if (!tx.queryRunner?.isTransactionActive) throw new Error('events must be pushed inside a transaction');
    const written: WrittenEvent[] = [];
    for (const event of events) {
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `${instanceId}/${event.aggregateType}/${event.aggregateId}`,
      ]);
      const rows: { sequence: string; created_at: Date }[] = await tx.query(
        `INSERT INTO events (instance_id, aggregate_type, aggregate_id, sequence, event_type, payload, creator, resource_owner)
         SELECT $1, $2, $3, COALESCE(MAX(sequence), 0) + 1, $4, $5, $6, $7
           FROM events WHERE instance_id = $1 AND aggregate_type = $2 AND aggregate_id = $3
         RETURNING sequence, created_at`,
        [instanceId, event.aggregateType, event.aggregateId, event.type, JSON.stringify(event.payload ?? {}), creator, event.resourceOwner],
      );
      written.push({
        aggregateId: event.aggregateId,
        sequence: BigInt(rows[0].sequence),
        createdAt: rows[0].created_at,
        resourceOwner: event.resourceOwner,
      });
    }
    return written;
  }
}
