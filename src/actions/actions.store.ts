import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Transactions } from '../platform/database/transactions.js';
import { column, fetchPage, listSql, type Column, type Filter, type Page } from '../platform/database/list-query.js';
import type { ExecutionType } from './execution-rules.js';

export type TargetType = 'webhook' | 'call' | 'async';

export interface TargetRow {
  readonly id: string;
  readonly name: string;
  readonly targetType: TargetType;
  readonly endpoint: string;
  readonly timeoutMs: number;
  readonly interruptOnError: boolean;
  /** Sealed with the master key. */
  readonly signingKey: string;
  readonly createdAt: Date;
  readonly changedAt: Date;
}

export interface ExecutionRow {
  readonly id: string;
  readonly executionType: ExecutionType;
  readonly targets: string[];
  readonly createdAt: Date;
  readonly changedAt: Date;
}

/** An execution's target as a caller needs it: in the execution's order. */
export interface ExecutionTargetRow {
  readonly executionId: string;
  readonly target: TargetRow;
}

export type TargetChanges = Partial<Omit<TargetRow, 'id' | 'createdAt' | 'changedAt'>>;

const TARGET_SELECT = `id, name, target_type AS "targetType", endpoint, timeout_ms AS "timeoutMs",
  interrupt_on_error AS "interruptOnError", signing_key AS "signingKey", created_at AS "createdAt", changed_at AS "changedAt"`;
const EXECUTION_SELECT = `id, execution_type AS "executionType", targets, created_at AS "createdAt", changed_at AS "changedAt"`;

export const TARGET_COLUMNS = {
  id: column('id'),
  name: column('name'),
  createdAt: column('created_at'),
  changedAt: column('changed_at'),
  targetType: column('target_type'),
  endpoint: column('endpoint'),
  timeout: column('timeout_ms'),
  interruptOnError: column('interrupt_on_error'),
  instanceId: column('instance_id'),
} as const;

export const EXECUTION_COLUMNS = {
  id: column('id'),
  createdAt: column('created_at'),
  changedAt: column('changed_at'),
  executionType: column('execution_type'),
  instanceId: column('instance_id'),
} as const;

const COLUMNS: Record<keyof TargetChanges, string> = {
  name: 'name',
  targetType: 'target_type',
  endpoint: 'endpoint',
  timeoutMs: 'timeout_ms',
  interruptOnError: 'interrupt_on_error',
  signingKey: 'signing_key',
};

/** The only SQL on action_targets and action_executions. */
@Injectable()
export class ActionsStore {
  constructor(private readonly tx: Transactions) {}

  async insertTarget(tx: EntityManager, instanceId: string, row: TargetRow, sequence: bigint): Promise<void> {
    await tx.query(
      `INSERT INTO action_targets (instance_id, id, name, target_type, endpoint, timeout_ms, interrupt_on_error,
         signing_key, created_at, changed_at, sequence)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)`,
      [
        instanceId,
        row.id,
        row.name,
        row.targetType,
        row.endpoint,
        row.timeoutMs,
        row.interruptOnError,
        row.signingKey,
        row.createdAt,
        sequence.toString(),
      ],
    );
  }

  async updateTarget(
    tx: EntityManager,
    instanceId: string,
    id: string,
    changes: TargetChanges,
    at: { changedAt: Date; sequence: bigint },
  ): Promise<void> {
    const params: unknown[] = [instanceId, id, at.changedAt, at.sequence.toString()];
    const sets = Object.entries(changes)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => {
        params.push(v);
        return `${COLUMNS[k as keyof TargetChanges]} = $${params.length}`;
      });
    await tx.query(
      `UPDATE action_targets SET ${[...sets, 'changed_at = $3', 'sequence = $4'].join(', ')}
        WHERE instance_id = $1 AND id = $2`,
      params,
    );
  }

  /** Deletes the target and takes it out of every execution; executions left without targets go. */
  async deleteTarget(tx: EntityManager, instanceId: string, id: string): Promise<void> {
    await tx.query('DELETE FROM action_targets WHERE instance_id = $1 AND id = $2', [instanceId, id]);
    await tx.query(
      `UPDATE action_executions SET targets = array_remove(targets, $2) WHERE instance_id = $1 AND $2 = ANY(targets)`,
      [instanceId, id],
    );
    await tx.query(`DELETE FROM action_executions WHERE instance_id = $1 AND cardinality(targets) = 0`, [instanceId]);
  }

  /** Locked for the rest of the transaction when `tx` is given (an update reads, then writes). */
  async target(instanceId: string, id: string, tx?: EntityManager): Promise<TargetRow | undefined> {
    const rows: TargetRow[] = await (tx ?? this.tx.reader).query(
      `SELECT ${TARGET_SELECT} FROM action_targets WHERE instance_id = $1 AND id = $2${tx ? ' FOR UPDATE' : ''}`,
      [instanceId, id],
    );
    return rows[0];
  }

  async targetIdByName(tx: EntityManager, instanceId: string, name: string): Promise<string | undefined> {
    const rows: { id: string }[] = await tx.query(
      'SELECT id FROM action_targets WHERE instance_id = $1 AND name = $2',
      [instanceId, name],
    );
    return rows[0]?.id;
  }

  /** The ids among `ids` that name no target of the instance. */
  async missingTargets(tx: EntityManager, instanceId: string, ids: readonly string[]): Promise<string[]> {
    const rows: { id: string }[] = await tx.query(
      `SELECT id FROM unnest($2::text[]) AS wanted(id)
        WHERE NOT EXISTS (SELECT 1 FROM action_targets t WHERE t.instance_id = $1 AND t.id = wanted.id)`,
      [instanceId, [...ids]],
    );
    return rows.map((r) => r.id);
  }

  async listTargets(where: Filter, sort: Column, page: Page): Promise<{ rows: TargetRow[]; total: bigint }> {
    return fetchPage<TargetRow>(
      this.tx.reader,
      listSql({ select: TARGET_SELECT, from: 'action_targets', where, sort, tieBreaker: TARGET_COLUMNS.id, page }),
    );
  }

  async execution(tx: EntityManager, instanceId: string, id: string): Promise<ExecutionRow | undefined> {
    const rows: ExecutionRow[] = await tx.query(
      `SELECT ${EXECUTION_SELECT} FROM action_executions WHERE instance_id = $1 AND id = $2 FOR UPDATE`,
      [instanceId, id],
    );
    return rows[0];
  }

  async upsertExecution(
    tx: EntityManager,
    instanceId: string,
    row: Pick<ExecutionRow, 'id' | 'executionType' | 'targets'>,
    at: { changedAt: Date; sequence: bigint },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO action_executions (instance_id, id, execution_type, targets, created_at, changed_at, sequence)
       VALUES ($1, $2, $3, $4, $5, $5, $6)
       ON CONFLICT (instance_id, id) DO UPDATE SET targets = EXCLUDED.targets, changed_at = EXCLUDED.changed_at,
         sequence = EXCLUDED.sequence`,
      [instanceId, row.id, row.executionType, row.targets, at.changedAt, at.sequence.toString()],
    );
  }

  async deleteExecution(tx: EntityManager, instanceId: string, id: string): Promise<void> {
    await tx.query('DELETE FROM action_executions WHERE instance_id = $1 AND id = $2', [instanceId, id]);
  }

  async listExecutions(where: Filter, sort: Column, page: Page): Promise<{ rows: ExecutionRow[]; total: bigint }> {
    return fetchPage<ExecutionRow>(
      this.tx.reader,
      listSql({
        select: EXECUTION_SELECT,
        from: 'action_executions',
        where,
        sort,
        tieBreaker: EXECUTION_COLUMNS.id,
        page,
      }),
    );
  }

  /** Every execution of the instance with its targets, each execution's in its order. */
  async executionTargets(instanceId: string): Promise<ExecutionTargetRow[]> {
    const rows: (TargetRow & { executionId: string })[] = await this.tx.reader.query(
      `SELECT e.id AS "executionId", t.id, t.name, t.target_type AS "targetType", t.endpoint, t.timeout_ms AS "timeoutMs",
              t.interrupt_on_error AS "interruptOnError", t.signing_key AS "signingKey",
              t.created_at AS "createdAt", t.changed_at AS "changedAt"
         FROM action_executions e
         CROSS JOIN LATERAL unnest(e.targets) WITH ORDINALITY AS named(target_id, position)
         JOIN action_targets t ON t.instance_id = e.instance_id AND t.id = named.target_id
        WHERE e.instance_id = $1
        ORDER BY e.id, named.position`,
      [instanceId],
    );
    return rows.map(({ executionId, ...target }) => ({ executionId, target }));
  }

  // ---- event outbox: claimed rows stay locked until the claiming transaction ends ----------------

  /**
   * A due row whose aggregate has no earlier row queued (in order per aggregate: a retried event
   * holds back the later ones of its aggregate), locked for the caller's transaction.
   */
  async claimDueEvent(tx: EntityManager): Promise<QueuedEvent | undefined> {
    const rows: QueuedEvent[] = await tx.query(
      `SELECT o.* FROM action_event_outbox o
        WHERE o.next_attempt_at <= now()
          AND NOT EXISTS (SELECT 1 FROM action_event_outbox p
                           WHERE p.instance_id = o.instance_id AND p.aggregate_type = o.aggregate_type
                             AND p.aggregate_id = o.aggregate_id AND p.sequence < o.sequence)
        ORDER BY o.next_attempt_at, o.id
        LIMIT 1
        FOR UPDATE SKIP LOCKED`,
    );
    return rows[0];
  }

  async removeQueuedEvent(tx: EntityManager, id: string): Promise<void> {
    await tx.query('DELETE FROM action_event_outbox WHERE id = $1', [id]);
  }

  async retryEventLater(
    tx: EntityManager,
    id: string,
    attempts: number,
    error: string,
    delaySeconds: number,
  ): Promise<void> {
    await tx.query(
      `UPDATE action_event_outbox SET attempts = $2, last_error = $3, next_attempt_at = now() + make_interval(secs => $4)
        WHERE id = $1`,
      [id, attempts, error, delaySeconds],
    );
  }

  /**
   * Milliseconds until the next row is due (0 when one is overdue); null when none is queued.
   * Clamped here, not with SQL's GREATEST, which skips a NULL and so would call an empty outbox
   * due now: the worker then looked again every 200 ms instead of waiting for a notification.
   */
  async msUntilNextEventDue(db: EntityManager): Promise<number | null> {
    const [row]: { ms: string | null }[] = await db.query(
      `SELECT ceil(EXTRACT(EPOCH FROM (min(next_attempt_at) - now())) * 1000) AS ms FROM action_event_outbox`,
    );
    return row?.ms === null || row?.ms === undefined ? null : Math.max(0, Number(row.ms));
  }
}

/** A queued event for an event execution's targets (see migration 1766000100000). */
export interface QueuedEvent {
  readonly id: string;
  readonly instance_id: string;
  readonly execution_id: string;
  readonly aggregate_type: string;
  readonly aggregate_id: string;
  readonly sequence: string;
  readonly event_type: string;
  readonly payload: Record<string, unknown>;
  readonly creator: string;
  readonly resource_owner: string;
  readonly event_created_at: Date;
  readonly attempts: number;
}

/** The PostgreSQL NOTIFY channel the queueing trigger wakes the event workers on. */
export const EVENT_OUTBOX_CHANNEL = 'portcullis_action_events';
