import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { every } from '../platform/jobs/every.js';
import { LOGGER } from '../platform/logging/logger-token.js';
import { CLOCK_SKEW_MS } from './saml-login.service.js';

const SWEEP_EVERY_MS = 5 * 60_000;

/**
 * Deletes SAML requests nobody can need any more, a batch at a time; safe in every process at once.
 * - A request's ID is refused as a replay while its row exists; once the row's lifetime and twice
 *   the clock skew are over, the same AuthnRequest is refused as stale by its IssueInstant anyway.
 * - An answered request also finds its session for single logout, so it stays while that
 *   session exists and has not expired.
 */
export async function sweepSamlRequests(dataSource: DataSource, batch = 5_000): Promise<number> {
  // TypeORM answers a DELETE with [rows, affected count].
  const [, deleted] = (await dataSource.query(
    `DELETE FROM saml_requests WHERE ctid IN (
       SELECT r.ctid FROM saml_requests r
        WHERE r.expires_at < now() - make_interval(secs => $1)
          AND (r.state = 'pending' OR NOT EXISTS (
                SELECT 1 FROM sessions s
                 WHERE s.instance_id = r.instance_id AND s.id = r.session_id AND (s.expires_at IS NULL OR s.expires_at > now())))
        LIMIT $2 FOR UPDATE SKIP LOCKED)`,
    [(2 * CLOCK_SKEW_MS) / 1000, batch],
  )) as [unknown, number];
  return deleted;
}

/** Runs the sweep every few minutes in each process. */
@Injectable()
export class SamlRequestSweeper implements OnModuleInit, OnModuleDestroy {
  private stop?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.stop = every(
      SWEEP_EVERY_MS,
      () => sweepSamlRequests(this.dataSource),
      (err) => this.log.warn({ err }, 'sweeping old SAML requests failed'),
    );
  }

  onModuleDestroy(): void {
    this.stop?.();
  }
}
