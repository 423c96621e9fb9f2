import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { every } from '../platform/jobs/every.js';
import { LOGGER } from '../platform/logging/logger-token.js';
import { IntentsService } from './intents.service.js';

const SWEEP_EVERY_MS = 5 * 60_000;

/** Deletes expired sign-in intents every few minutes in each process (the sweep skips locked rows). */
@Injectable()
export class IntentSweeper implements OnModuleInit, OnModuleDestroy {
  private stop?: () => void;

  constructor(
    private readonly intents: IntentsService,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.stop = every(
      SWEEP_EVERY_MS,
      () => this.intents.sweep(),
      (err) => this.log.warn({ err }, 'sweeping expired sign-in intents failed'),
    );
  }

  onModuleDestroy(): void {
    this.stop?.();
  }
}
