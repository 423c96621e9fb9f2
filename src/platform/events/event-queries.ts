import { Injectable } from '@nestjs/common';
import { and, column, filterSql, type Filter } from '../database/list-query.js';
import { Transactions } from '../database/transactions.js';

/** One audit event as the read side shows it. */
export interface EventRow {
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly sequence: bigint;
  readonly position: bigint;
  readonly type: string;
  readonly payload: Record<string, unknown>;
  readonly creator: string;
  readonly resourceOwner: string;
  readonly createdAt: Date;
}

/** What admin ListEvents filters on; every field narrows, absent ones do not. */
export interface EventFilter {
  readonly aggregateTypes?: readonly string[];
  readonly aggregateId?: string;
  readonly eventTypes?: readonly string[];
  readonly creator?: string;
  readonly resourceOwner?: string;
  /** Events after this per-aggregate sequence (ZITADEL's `SequenceGreater`). */
  readonly sequenceAfter?: bigint;
  readonly createdAfter?: Date;
  readonly createdSince?: Date;
  readonly createdUntil?: Date;
  /** Events whose payload names this app (`appId`): an app's history inside its project's. */
  readonly appId?: string;
  /** Events whose payload names this project grant (`grantId`): a grant's history inside its project's. */
  readonly grantId?: string;
}

export interface EventOrder {
  readonly asc: boolean;
  readonly limit: number;
}

const COLUMNS = `aggregate_type, aggregate_id, sequence, position, event_type, payload, creator, resource_owner, created_at`;

/** The largest sequence a row can hold (PostgreSQL bigint). */
const MAX_STORED_SEQUENCE = (1n << 63n) - 1n;

/**
 * A sequence the API takes (a uint64) as a bound on stored ones: one beyond what a row can hold
 * is after every event, as the largest storable is, instead of a value PostgreSQL refuses.
 */
export function storedSequence(sequence: bigint): string {
  return (sequence > MAX_STORED_SEQUENCE ? MAX_STORED_SEQUENCE : sequence).toString();
}

function toSql(f: EventFilter): Filter {
  const filters: Filter[] = [];
  if (f.aggregateTypes?.length) filters.push({ op: 'in', column: column('aggregate_type'), values: f.aggregateTypes });
  if (f.aggregateId) filters.push({ op: 'eq', column: column('aggregate_id'), value: f.aggregateId });
  if (f.eventTypes?.length) filters.push({ op: 'in', column: column('event_type'), values: f.eventTypes });
  if (f.creator) filters.push({ op: 'eq', column: column('creator'), value: f.creator });
  if (f.resourceOwner) filters.push({ op: 'eq', column: column('resource_owner'), value: f.resourceOwner });
  if (f.sequenceAfter !== undefined && f.sequenceAfter > 0n)
    filters.push({ op: 'cmp', column: column('sequence'), operator: '>', value: storedSequence(f.sequenceAfter) });
  // The API shows times to the millisecond while rows keep microseconds: compare at the shown
  // precision, so a time read from an event and sent back selects that event as the caller sees it.
  const nextMs = (d: Date) => new Date(d.getTime() + 1);
  if (f.createdAfter)
    filters.push({ op: 'cmp', column: column('created_at'), operator: '>=', value: nextMs(f.createdAfter) });
  if (f.createdSince) filters.push({ op: 'cmp', column: column('created_at'), operator: '>=', value: f.createdSince });
  if (f.createdUntil)
    filters.push({ op: 'cmp', column: column('created_at'), operator: '<', value: nextMs(f.createdUntil) });
  if (f.appId) filters.push({ op: 'eq', column: column(`payload->>'appId'`), value: f.appId });
  if (f.grantId) filters.push({ op: 'eq', column: column(`payload->>'grantId'`), value: f.grantId });
  return and(...filters);
}

/**
 * The read side of the event store: the only place that selects from `events` for the API. Every
 * query is bound to one instance, so another instance's events never show. Ordered by the global
 * position (the order they were written in), newest first unless asked otherwise.
 */
@Injectable()
export class EventQueries {
  constructor(private readonly tx: Transactions) {}

  async list(instanceId: string, filter: EventFilter, order: EventOrder): Promise<EventRow[]> {
    const params: unknown[] = [instanceId];
    const where = filterSql(toSql(filter), params);
    const dir = order.asc ? 'ASC' : 'DESC';
    params.push(order.limit);
    const rows: Record<string, any>[] = await this.tx.reader.query(
      `SELECT ${COLUMNS} FROM events WHERE instance_id = $1 AND ${where} ORDER BY position ${dir} LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      aggregateType: r.aggregate_type,
      aggregateId: r.aggregate_id,
      sequence: BigInt(r.sequence),
      position: BigInt(r.position),
      type: r.event_type,
      payload: r.payload,
      creator: r.creator,
      resourceOwner: r.resource_owner,
      createdAt: r.created_at,
    }));
  }

  /** The event types this instance has written, sorted. */
  async eventTypes(instanceId: string): Promise<string[]> {
    return this.distinct(instanceId, 'event_type');
  }

  /** The aggregate types this instance has written, sorted. */
  async aggregateTypes(instanceId: string): Promise<string[]> {
    return this.distinct(instanceId, 'aggregate_type');
  }

  private async distinct(instanceId: string, col: 'event_type' | 'aggregate_type'): Promise<string[]> {
    const rows: { value: string }[] = await this.tx.reader.query(
      `SELECT DISTINCT ${col} AS value FROM events WHERE instance_id = $1 ORDER BY 1`,
      [instanceId],
    );
    return rows.map((r) => r.value);
  }
}
