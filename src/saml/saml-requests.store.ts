import type { DataSource } from 'typeorm';
import { liveSessionExists } from '../sessions/sessions.queries.js';
import { CLOCK_SKEW_MS } from './saml-login.service.js';

/**
 * Deletes SAML requests nobody can need any more, a batch at a time; safe in every process at once.
 * - A request's ID is refused as a replay while its row exists; once the row's lifetime and twice
 *   the clock skew are over, the same AuthnRequest is refused as stale by its IssueInstant anyway.
 * - An answered request also finds its session for single logout, so it stays while that
 *   session exists and has not expired (sessions says what that is, in the same statement, so a
 *   batch is never filled with rows that must stay).
 */
export async function sweepSamlRequests(dataSource: DataSource, batch = 5_000): Promise<number> {
  // TypeORM answers a DELETE with [rows, affected count].
  const [, deleted] = (await dataSource.query(
    `DELETE FROM saml_requests WHERE ctid IN (
       SELECT r.ctid FROM saml_requests r
        WHERE r.expires_at < now() - make_interval(secs => $1)
          AND (r.state = 'pending' OR NOT ${liveSessionExists('r.instance_id', 'r.session_id')})
        LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    [(2 * CLOCK_SKEW_MS) / 1000, batch],
  )) as [unknown, number];
  return deleted;
}
