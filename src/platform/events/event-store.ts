import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Transactions } from '../database/transactions.js';

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
  constructor(private readonly transactions: Transactions) {}

  async push(
    tx: EntityManager,
    instanceId: string,
    creator: string,
    events: readonly EventInput[],
  ): Promise<WrittenEvent[]> {
    if (!tx.queryRunner?.isTransactionActive) throw new Error('events must be pushed inside a transaction');
    const written: WrittenEvent[] = [];
    // The lock is held until the transaction ends: take it once per aggregate, not once per event
    // (a session change writes four events; each lock was a round trip, see docs/benchmarks.md).
    const locked = new Set<string>();
    for (const event of events) {
      this.transactions.noteEvent(event.aggregateType, event.type);
      const aggregate = `${instanceId}/${event.aggregateType}/${event.aggregateId}`;
      if (!locked.has(aggregate)) {
        await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [aggregate]);
        locked.add(aggregate);
      }
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

  /**
   * Runs one data-changing statement that answers a boolean column `inserted`, and when it
   * inserted, the first event of a new aggregate within the same statement: one round trip,
   * atomic without an explicit transaction. Only for aggregates new by construction (an issued
   * token is its own aggregate), which need neither the lock nor a sequence look-up.
   */
  async withFirstEvent(
    db: Pick<EntityManager, 'query'>,
    change: { sql: string; params: readonly unknown[] },
    instanceId: string,
    creator: string,
    event: EventInput,
  ): Promise<boolean> {
    const n = change.params.length;
    const rows: { inserted: boolean | null }[] = await db.query(
      `WITH changed AS (${change.sql}), written AS (
         INSERT INTO events (instance_id, aggregate_type, aggregate_id, sequence, event_type, payload, creator, resource_owner)
         SELECT $${n + 1}, $${n + 2}, $${n + 3}, 1, $${n + 4}, $${n + 5}, $${n + 6}, $${n + 7} FROM changed WHERE changed.inserted
         RETURNING 1)
       SELECT (SELECT inserted FROM changed) AS inserted, (SELECT count(*) FROM written) AS events`,
      [...change.params, instanceId, event.aggregateType, event.aggregateId, event.type, JSON.stringify(event.payload ?? {}), creator, event.resourceOwner],
    );
    return rows[0]?.inserted === true;
  }
}
