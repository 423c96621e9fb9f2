import pg from 'pg';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/config.js';
import { createDataSource, migrate } from './data-source.js';
import type { EmbeddedDatabase } from './embedded-postgres.js';

const EMBEDDED_DATABASE = 'portcullis';

export interface OpenDatabase {
  readonly dataSource: DataSource;
  readonly embedded: boolean;
  /** Closes the pool first, then stops the embedded server (it refuses to stop with clients). */
  close(): Promise<void>;
}

async function ensureDatabase(embedded: EmbeddedDatabase): Promise<void> {
  const client = new pg.Client({
    host: embedded.host,
    port: embedded.port,
    user: embedded.username,
    database: 'postgres',
  });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
  } finally {
    await client.end();
  }
}

/** Connects to the configured PostgreSQL, or starts the embedded one, and migrates it. */
export async function openDatabase(
  config: Config,
  log: Logger,
  options: { migrate?: boolean } = {},
): Promise<OpenDatabase> {
  let embedded: EmbeddedDatabase | undefined;
  let dataSource: DataSource;
  if (config.databaseUrl) {
    dataSource = createDataSource({ url: config.databaseUrl });
  } else {
    // Loaded only here: a server on a configured PostgreSQL never holds the embedded one's code.
    const { startEmbeddedPostgres } = await import('./embedded-postgres.js');
    embedded = await startEmbeddedPostgres(config.dataDir, log);
    await ensureDatabase(embedded);
    dataSource = createDataSource({
      host: embedded.host,
      port: embedded.port,
      username: embedded.username,
      database: EMBEDDED_DATABASE,
    });
  }
  try {
    await dataSource.initialize();
    if (options.migrate !== false) {
      const applied = await migrate(dataSource);
      if (applied.length) log.info({ migrations: applied }, 'applied database migrations');
    }
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw err;
  }
  return {
    dataSource,
    embedded: embedded !== undefined,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
