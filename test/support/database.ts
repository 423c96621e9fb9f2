import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDataSource, migrate } from '../../src/platform/database/data-source.js';

const TEMPLATE_LOCK = 7274830;

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}

/** The first test file of the run migrates the template; the others wait on a lock for it. */
async function ensureTemplate(admin: pg.Client, adminUrl: string, template: string): Promise<void> {
  await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (rowCount) return;
    await admin.query(`CREATE DATABASE ${template}_building`);
    const ds = createDataSource({ url: withDatabase(adminUrl, `${template}_building`) }, 3);
    await ds.initialize();
    await migrate(ds);
    await ds.destroy();
    await admin.query(`ALTER DATABASE ${template}_building RENAME TO ${template}`);
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
  }
}

/** A fresh, migrated database for one test file, cloned from the run's template. */
export async function cloneDatabase(): Promise<string> {
  const adminUrl = process.env.PORTCULLIS_TEST_ADMIN_URL!;
  const template = process.env.PORTCULLIS_TEST_TEMPLATE!;
  // Named after the run's template, so a run's teardown drops its own clones and no one else's.
  const name = `${template}_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await ensureTemplate(admin, adminUrl, template);
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  return withDatabase(adminUrl, name);
}
