import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions.js';
import { LOGGER } from '../logging/logger-token.js';

/** What a subscriber hears on its channel, and about the connection carrying it. */
export interface ChannelListener {
  notified(payload: string): void;
  /** LISTEN is in force (again): anything sent while it was not has been missed. */
  up?(): void;
  /** The connection is gone; notifications are missed until `up`. */
  down?(): void;
}

const RETRY_MS = 1_000;

/**
 * One connection per process that LISTENs on every channel a part of the server subscribes to
 * (the notification outbox, the change feed of the caches). It is its own client, outside the
 * pool, so listening never takes a connection from queries; when it drops, subscribers are told
 * and it reconnects every second.
 */
@Injectable()
export class PgNotifications implements OnApplicationShutdown {
  private readonly log: Logger;
  private readonly listeners = new Map<string, Set<ChannelListener>>();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(LOGGER) log: Logger,
  ) {
    this.log = log.child({ component: 'pg-listen' });
  }

  /** Starts listening on `channel`; resolves once LISTEN is in force or the first attempt failed. */
  async subscribe(channel: string, listener: ChannelListener): Promise<void> {
    const known = this.listeners.get(channel);
    this.listeners.set(channel, (known ?? new Set()).add(listener));
    if (this.client && !known) {
      try {
        await this.client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      } catch (err) {
        this.lost(err);
        return;
      }
    }
    if (this.client) listener.up?.();
    else await (this.connecting ??= this.connect());
  }

  unsubscribe(channel: string, listener: ChannelListener): void {
    this.listeners.get(channel)?.delete(listener);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      ...connectionOf(this.dataSource.options as PostgresDataSourceOptions),
      application_name: 'portcullis-listen',
    });
    client.on('error', (err) => this.lost(err, client));
    client.on('notification', (message) => {
      for (const listener of this.listeners.get(message.channel) ?? []) listener.notified(message.payload ?? '');
    });
    try {
      await client.connect();
      for (const channel of this.listeners.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.client = client;
      for (const set of this.listeners.values()) for (const listener of set) listener.up?.();
    } catch (err) {
      await client.end().catch(() => undefined);
      this.log.warn({ err }, 'cannot LISTEN for database notifications; retrying');
      this.scheduleRetry();
    } finally {
      this.connecting = undefined;
    }
  }

  private lost(err: unknown, client = this.client): void {
    if (!client || client !== this.client) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    this.log.warn({ err }, 'database notification connection lost; reconnecting');
    for (const set of this.listeners.values()) for (const listener of set) listener.down?.();
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void (this.connecting ??= this.connect()), RETRY_MS);
    this.retry.unref();
  }
}

/** The pool's own target, for a client of its own. */
function connectionOf(options: PostgresDataSourceOptions): pg.ClientConfig {
  if (options.url) return { connectionString: options.url };
  return {
    host: options.host,
    port: options.port,
    user: options.username,
    password: options.password as string | undefined,
    database: options.database,
  };
}
