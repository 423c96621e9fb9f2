import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * Runs a unit of work in one transaction: state changes and their audit events commit together
 * or not at all.
 *
 * Inside a unit of work, `reader` is the transaction itself. A read on a second pooled
 * connection while the transaction holds its own would deadlock the pool under load: with every
 * connection held by a transaction waiting for a second one, none is ever given back (seen with
 * 20+ concurrent AddHumanUser calls, which read the domain settings mid-transaction).
 */
/** An open unit of work: its transaction, and the events it wrote (`aggregate type/event type`). */
interface UnitOfWork {
  readonly tx: EntityManager;
  readonly events: Set<string>;
}

/**
 * Thrown inside a unit of work to fail the request but keep what the work wrote, e.g. a failed try
 * at a one-time code and its audit event, which a rollback would erase (and with them the limit on
 * tries). The work must not have written anything it would not keep: the outermost unit of work
 * commits, then its caller gets `error`.
 */
export class FailAfterCommit extends Error {
  constructor(readonly error: Error) {
    super(error.message);
  }
}

@Injectable()
export class Transactions {
  private readonly current = new AsyncLocalStorage<UnitOfWork>();
  private readonly committed: ((events: ReadonlySet<string>) => void)[] = [];

  constructor(private readonly dataSource: DataSource) {}

  /** With `outer`, joins that transaction (a larger unit of work, e.g. bootstrap) instead. */
  async run<T>(work: (tx: EntityManager) => Promise<T>, outer?: EntityManager): Promise<T> {
    if (outer) return work(outer);
    const events = new Set<string>();
    // PostgreSQL's default isolation, READ COMMITTED, is what the units of work are written for;
    // naming it would cost a SET TRANSACTION round trip on every write.
    const outcome = await this.dataSource.transaction((tx) =>
      this.current.run({ tx, events }, async (): Promise<{ value: T } | { failed: Error }> => {
        try {
          return { value: await work(tx) };
        } catch (err) {
          if (err instanceof FailAfterCommit) return { failed: err.error };
          throw err;
        }
      }),
    );
    for (const listener of this.committed) listener(events);
    if ('failed' in outcome) throw outcome.failed;
    return outcome.value;
  }

  /** Called with the events of each unit of work this process commits (the caches forget what they changed). */
  onCommit(listener: (events: ReadonlySet<string>) => void): void {
    this.committed.push(listener);
  }

  /** Notes an event the current unit of work writes (the event store calls this). */
  noteEvent(aggregateType: string, eventType: string): void {
    this.current.getStore()?.events.add(`${aggregateType}/${eventType}`);
  }

  /** Whether this runs inside a unit of work, whose reads may see its own uncommitted changes. */
  get inUnitOfWork(): boolean {
    return this.current.getStore() !== undefined;
  }

  /** The transaction of the unit of work this runs in, else the pool. */
  get reader(): EntityManager {
    return this.current.getStore()?.tx ?? this.dataSource.manager;
  }
}
