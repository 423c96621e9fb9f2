import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES, MIGRATIONS } from '../../schema.js';

export type ConnectionTarget = { url: string } | { host: string; port: number; username: string; database: string };

export function dataSourceOptions(target: ConnectionTarget, poolSize = 20): DataSourceOptions {
  return {
    type: 'postgres',
    ...target,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    logging: false,
    extra: { max: poolSize, application_name: 'portcullis' },
  };
}

export function createDataSource(target: ConnectionTarget, poolSize?: number): DataSource {
  return new DataSource(dataSourceOptions(target, poolSize));
}

/** Runs pending migrations; several processes starting together take turns on an advisory lock.
 * Holds one pooled connection for the lock while the migrations use another. */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock(7274828)');
    const done = await dataSource.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(7274828)').catch(() => undefined);
    await runner.release();
  }
}
