import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryPrepared } from '../database/prepared-statements.js';
import { Transactions } from '../database/transactions.js';
import { holdTransactionLock } from '../database/transaction-locks.js';

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

/** Splits events into runs of consecutive events of the same aggregate, keeping their order. */
export function aggregateRuns(events: readonly EventInput[]): EventInput[][] {
  const runs: EventInput[][] = [];
  for (const event of events) {
    const last = runs.at(-1)?.[0];
    if (last && last.aggregateType === event.aggregateType && last.aggregateId === event.aggregateId) {
      runs.at(-1)!.push(event);
    } else {
      runs.push([event]);
    }
  }
  return runs;
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
    // The lock is held until the transaction ends: take it once per aggregate, not once per event.
    const locked = new Set<string>();
    // Consecutive events of one aggregate go in one statement (a session change writes four):
    // they get the next sequences in order, so a run costs one round trip instead of one per event.
    for (const run of aggregateRuns(events)) {
      const [first] = run;
      for (const event of run) this.transactions.noteEvent(event.aggregateType, event.type);
      const aggregate = `${instanceId}/${first.aggregateType}/${first.aggregateId}`;
      if (!locked.has(aggregate)) {
        await holdTransactionLock(tx, aggregate);
        locked.add(aggregate);
      }
      const rows: { sequence: string; created_at: Date }[] = await tx.query(
        `INSERT INTO events (instance_id, aggregate_type, aggregate_id, sequence, event_type, payload, creator, resource_owner)
         SELECT $1, $2, $3, prior.n + e.ord, e.type, e.payload, $6, e.owner
           FROM (SELECT COALESCE(MAX(sequence), 0) AS n FROM events
                  WHERE instance_id = $1 AND aggregate_type = $2 AND aggregate_id = $3) prior,
                unnest($4::text[], $5::jsonb[], $7::text[]) WITH ORDINALITY AS e(type, payload, owner, ord)
          ORDER BY e.ord
         RETURNING sequence, created_at`,
        [
          instanceId,
          first.aggregateType,
          first.aggregateId,
          run.map((e) => e.type),
          run.map((e) => JSON.stringify(e.payload ?? {})),
          creator,
          run.map((e) => e.resourceOwner),
        ],
      );
      rows.sort((a, b) => (BigInt(a.sequence) < BigInt(b.sequence) ? -1 : 1));
      written.push(
        ...run.map((event, i) => ({
          aggregateId: event.aggregateId,
          sequence: BigInt(rows[i].sequence),
          createdAt: rows[i].created_at,
          resourceOwner: event.resourceOwner,
        })),
      );
    }
    return written;
  }

  /**
   * Inserts a new aggregate's row and its first events in one statement: one round trip instead
   * of an insert, a lock, an insert per event and an update of the row. `insert` must answer
   * `inserted` (it inserts nothing when its own conditions fail) and may read the CTE `prior`:
   * `prior.n`, the aggregate's last sequence so far (0, or a deleted aggregate's last when its id
   * is taken again, which ZITADEL allows), and `prior.at`, the time the events carry. The events
   * get `prior.n + 1 …`; the row's sequence is `prior.n + events.length`. `facts` are SQL
   * expressions answered from the same snapshot (why nothing was inserted, say). `with` are
   * further CTEs (`name AS (…)`, on the same parameters) ahead of the insert, which may read them:
   * a row to hold (the org a user joins), or a change that belongs with the insert on data no
   * cache holds and that runs whether or not the row was inserted (it writes no event of its
   * own). No advisory lock: the row's primary key makes a second writer of the same id wait and fail.
   * Only the first event counts toward the caches (`Transactions.noteEvent`): whatever follows
   * it in the same statement concerns an aggregate nothing can have cached yet.
   */
  async insertWithFirstEvents(
    db: Pick<EntityManager, 'query'>,
    insert: { sql: string; params: readonly unknown[]; with?: string; facts?: string },
    instanceId: string,
    creator: string,
    events: readonly EventInput[],
  ): Promise<{ written?: WrittenEvent; facts: Record<string, unknown> }> {
    const [first] = events;
    const n = insert.params.length;
    const p = (i: number) => `$${n + i}`;
    const [row] = (await queryPrepared(
      db,
      `WITH prior AS (
         SELECT COALESCE(MAX(sequence), 0) AS n, clock_timestamp() AS at FROM events
          WHERE instance_id = ${p(1)} AND aggregate_type = ${p(2)} AND aggregate_id = ${p(3)}),
       ${insert.with ? `${insert.with},` : ''}
       changed AS (${insert.sql}),
       written AS (
         INSERT INTO events (instance_id, aggregate_type, aggregate_id, sequence, event_type, payload, creator, resource_owner, created_at)
         SELECT ${p(1)}, ${p(2)}, ${p(3)}, prior.n + e.ord, e.type, e.payload, ${p(6)}, ${p(7)}, prior.at
           FROM changed, prior, unnest(${p(4)}::text[], ${p(5)}::jsonb[]) WITH ORDINALITY AS e(type, payload, ord)
          WHERE changed.inserted
         RETURNING sequence, created_at)
       SELECT (SELECT max(sequence) FROM written) AS sequence, (SELECT max(created_at) FROM written) AS created_at${insert.facts ? `, ${insert.facts}` : ''}`,
      [
        ...insert.params,
        instanceId,
        first.aggregateType,
        first.aggregateId,
        events.map((e) => e.type),
        events.map((e) => JSON.stringify(e.payload ?? {})),
        creator,
        first.resourceOwner,
      ],
    )) as ({ sequence: string | null; created_at: Date | null } & Record<string, unknown>)[];
    if (row.sequence === null) return { facts: row };
    this.transactions.noteEvent(first.aggregateType, first.type);
    return {
      written: {
        aggregateId: first.aggregateId,
        sequence: BigInt(row.sequence),
        createdAt: row.created_at!,
        resourceOwner: first.resourceOwner,
      },
      facts: row,
    };
  }
}

/** What `firstEventParams` gives, in its order: the events column each value fills, and its type. */
const FIRST_EVENT_FIELDS = [
  ['instance_id', 'text'],
  ['aggregate_type', 'text'],
  ['aggregate_id', 'text'],
  ['event_type', 'text'],
  ['payload', 'jsonb'],
  ['creator', 'text'],
  ['resource_owner', 'text'],
] as const;
const FIRST_EVENT_COLUMNS = FIRST_EVENT_FIELDS.map(([column]) => column).join(', ');

/**
 * A common table expression `name` writing the first event of a new aggregate when the row of
 * the CTE `source` says `inserted`: the event goes in the same statement as the change, atomic
 * without an explicit transaction. Only for aggregates new by construction (an issued token is
 * its own aggregate), which need neither the lock nor a sequence look-up. Its parameters are
 * `firstEventParams`, numbered from `$offset + 1`.
 */
export function firstEventCte(name: string, source: string, offset: number): string {
  const values = FIRST_EVENT_FIELDS.map((_, i) => `$${offset + i + 1}`).join(', ');
  return `${name} AS (
         INSERT INTO events (${FIRST_EVENT_COLUMNS}, sequence)
         SELECT ${values}, 1 FROM ${source} WHERE ${source}.inserted
         RETURNING 1)`;
}

/**
 * `firstEventCte` for many rows in one statement: the event of each row of `source` (columns `n`,
 * the row's ordinal, and `inserted`) that says `inserted`. Its parameters are `firstEventsParams`,
 * numbered from `$offset + 1`.
 */
export function firstEventsCte(name: string, source: string, offset: number): string {
  const arrays = [['n', 'int'] as const, ...FIRST_EVENT_FIELDS].map(([, type], i) => `$${offset + i + 1}::${type}[]`);
  return `${name} AS (
         INSERT INTO events (${FIRST_EVENT_COLUMNS}, sequence)
         SELECT ${FIRST_EVENT_FIELDS.map(([column]) => `e.${column}`).join(', ')}, 1
           FROM unnest(${arrays.join(', ')}) AS e (n, ${FIRST_EVENT_COLUMNS})
           JOIN ${source} s ON s.n = e.n AND s.inserted
         RETURNING 1)`;
}

/** The parameters of `firstEventsCte`: for each event, its row's ordinal and its `firstEventParams`. */
export function firstEventsParams(events: readonly { n: number; params: readonly unknown[] }[]): unknown[][] {
  return [events.map((e) => e.n), ...FIRST_EVENT_FIELDS.map((_, i) => events.map((e) => e.params[i]))];
}

export function firstEventParams(instanceId: string, creator: string, event: EventInput): unknown[] {
  return [
    instanceId,
    event.aggregateType,
    event.aggregateId,
    event.type,
    JSON.stringify(event.payload ?? {}),
    creator,
    event.resourceOwner,
  ];
}
