import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Gauge, Counter } from 'prom-client';
import { PgNotifications } from '../database/pg-notifications.js';
import { Transactions } from '../database/transactions.js';
import { Metrics } from '../observability/metrics.js';
import { ReadCache, type Freshness, type ReadCacheOptions } from './read-cache.js';

/**
 * The channel the database triggers of migration 1765400000000-change-feed announce changes on:
 * the payload is the changed row's instance id, or `*` (TRUNCATE).
 */
export const CHANGES_CHANNEL = 'portcullis_changes';

/**
 * Events whose units of work change nothing a cache holds: sessions, OIDC and SAML flow state,
 * new human users (no cached PAT, membership or client can name a user that did not exist) and
 * delivery receipts (`….sent`, written beside an outbox row marked sent and nothing else).
 * Any other event makes the commit drop the caches.
 */
const UNCACHED_AGGREGATES = new Set([
  'session',
  'oidc_auth_request',
  'oidc_device_authorization',
  'oidc_token',
  'saml_request',
]);
const UNCACHED_EVENTS = new Set(['user/user.human.added']);

/** Whether a committed unit of work with these events (`aggregate type/event type`) may have changed cached data. */
export function changesCachedData(events: Iterable<string>): boolean {
  for (const event of events) {
    if (
      !UNCACHED_AGGREGATES.has(event.slice(0, event.indexOf('/'))) &&
      !UNCACHED_EVENTS.has(event) &&
      !event.endsWith('.sent')
    )
      return true;
  }
  return false;
}

/**
 * Keeps the read caches of this process true to the database, for every process on it.
 *
 * - Another process's commit (or any SQL at all) on a table a cache reads fires a trigger that
 *   NOTIFYs the changed instance; every process drops that instance's entries on hearing it,
 *   typically within a millisecond of the commit.
 * - A unit of work this process commits drops every entry at once, before its answer leaves, so
 *   a caller always reads its own writes (unless its events cannot touch cached data, see
 *   `changesCachedData`; the triggers still announce whatever it changed).
 * - While the LISTEN connection is down nothing is cached or served from a cache, and everything
 *   is dropped when it is back: a notification missed in between cannot leave a stale entry.
 * - Reads inside a unit of work go to the database: they may see its own uncommitted changes.
 */
@Injectable()
export class ChangeFeed implements Freshness, OnApplicationBootstrap {
  private live = false;
  private changes = 0;
  private readonly caches: ReadCache<unknown>[] = [];
  private readonly listeners: ((instanceId: string | undefined) => void)[] = [];

  constructor(
    private readonly notifications: PgNotifications,
    private readonly transactions: Transactions,
    private readonly metrics: Metrics,
  ) {
    transactions.onCommit((events) => {
      if (changesCachedData(events)) this.changed('*');
    });
  }

  get usable(): boolean {
    return this.live && !this.transactions.inUnitOfWork;
  }

  get version(): number {
    return this.changes;
  }

  /** A cache kept true by this feed; its hit and miss counts are exported as metrics. */
  cache<V>(options: ReadCacheOptions<V>): ReadCache<V> {
    const cache = new ReadCache<V>(this, options);
    this.caches.push(cache as ReadCache<unknown>);
    return cache;
  }

  /**
   * Tells a cache of its own shape (the instance resolver's, keyed by host) which instance changed
   * (undefined: maybe all), on the same occasions the read caches are dropped.
   */
  onChange(listener: (instanceId: string | undefined) => void): void {
    this.listeners.push(listener);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.export();
    await this.notifications.subscribe(CHANGES_CHANNEL, {
      notified: (instanceId) => this.changed(instanceId || '*'),
      up: () => {
        this.changed('*');
        this.live = true;
      },
      down: () => {
        this.live = false;
        this.changed('*');
      },
    });
  }

  private changed(instanceId: string): void {
    this.changes++;
    const changed = instanceId === '*' ? undefined : instanceId;
    for (const cache of this.caches) cache.forget(changed);
    for (const listener of this.listeners) listener(changed);
  }

  private export(): void {
    const caches = this.caches;
    const registers = [this.metrics.registry];
    new Counter({
      name: 'portcullis_cache_lookups_total',
      help: 'Read-cache lookups by cache and result (hit or miss)',
      labelNames: ['cache', 'result'] as const,
      registers,
      collect() {
        this.reset();
        for (const c of caches) {
          this.inc({ cache: c.options.name, result: 'hit' }, c.stats.hits);
          this.inc({ cache: c.options.name, result: 'miss' }, c.stats.misses);
        }
      },
    });
    new Gauge({
      name: 'portcullis_cache_entries',
      help: 'Entries held by each read cache',
      labelNames: ['cache'] as const,
      registers,
      collect() {
        for (const c of caches) this.set({ cache: c.options.name }, c.entries);
      },
    });
  }
}
