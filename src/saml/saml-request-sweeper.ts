import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { every } from '../platform/jobs/every.js';
import { LOGGER } from '../platform/logging/logger-token.js';
import { sweepSamlRequests } from './saml-requests.store.js';

const SWEEP_EVERY_MS = 5 * 60_000;

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
