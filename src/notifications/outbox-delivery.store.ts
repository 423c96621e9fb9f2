import type { EntityManager } from 'typeorm';
import type { Channel } from './channels.js';

/** A due notification claimed for delivery (its payload still sealed). */
export interface ClaimedRow {
  instance_id: string;
  id: string;
  channel: Channel;
  template: string;
  payload: string;
  attempts: number;
}

/**
 * The delivery worker's reads and writes of the outbox, across instances: claiming a due row
 * (locked, skipping rows other workers hold), rescheduling or finishing it, and pruning.
 */

/**
 * The oldest due pending row, locked for `tx`; undefined when none is free. Every channel is
 * claimed, configured or not: the provider is picked when sending (ZITADEL's notification worker),
 * so a row whose instance has none fails that attempt and is retried like any other failure.
 */
export async function claimDue(tx: EntityManager): Promise<ClaimedRow | undefined> {
  const [row] = (await tx.query(
    `SELECT o.instance_id, o.id, o.channel, o.template, o.payload, o.attempts
       FROM notification_outbox o
      WHERE o.state = 'pending' AND o.next_attempt_at <= now()
      ORDER BY o.next_attempt_at
      LIMIT 1
      FOR UPDATE OF o SKIP LOCKED`,
  )) as ClaimedRow[];
  return row;
}

/** Counts the failed attempt and tries again after the delay. */
export async function scheduleRetry(
  tx: EntityManager,
  row: ClaimedRow,
  attempts: number,
  error: string,
  delaySeconds: number,
): Promise<void> {
  await tx.query(
    `UPDATE notification_outbox
        SET attempts = $3, last_error = $4, next_attempt_at = clock_timestamp() + make_interval(secs => $5), changed_at = clock_timestamp()
      WHERE instance_id = $1 AND id = $2`,
    [row.instance_id, row.id, attempts, error, delaySeconds],
  );
}

/** A finished row keeps no secret: its payload is cleared. */
export async function finish(
  tx: EntityManager,
  row: ClaimedRow,
  state: 'sent' | 'failed',
  attempts: number,
  error: string | null,
): Promise<void> {
  await tx.query(
    `UPDATE notification_outbox
        SET state = $3, attempts = $4, last_error = $5, payload = NULL, changed_at = clock_timestamp()
      WHERE instance_id = $1 AND id = $2`,
    [row.instance_id, row.id, state, attempts, error],
  );
}

/** Milliseconds until the next pending row is due; null when there is none. */
export async function msUntilNextDue(db: EntityManager): Promise<number | null> {
  const [{ ms }] = (await db.query(
    `SELECT EXTRACT(EPOCH FROM (min(o.next_attempt_at) - clock_timestamp())) * 1000 AS ms
       FROM notification_outbox o
      WHERE o.state = 'pending'`,
  )) as { ms: string | null }[];
  return ms === null ? null : Number(ms);
}

/** Deletes finished rows older than the days; how many. */
export async function pruneFinished(db: EntityManager, keepDays: number): Promise<number> {
  // TypeORM answers a DELETE with [rows, affected count].
  const [, deleted] = (await db.query(
    `DELETE FROM notification_outbox WHERE state <> 'pending' AND changed_at < now() - make_interval(days => $1)`,
    [keepDays],
  )) as [unknown, number];
  return deleted;
}
