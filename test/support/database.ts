import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDataSource, migrate } from '../../src/platform/database/data-source.js';

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}

/** A database the run builds once and every test file clones (CREATE DATABASE ... TEMPLATE). */
export interface DatabaseTemplate {
  /** Appended to the run's template name (PORTCULLIS_TEST_TEMPLATE). */
  readonly suffix: string;
  /** The advisory lock the builders of this template take turns on. */
  readonly lockKey: number;
  /** The template this one starts as a copy of; none: an empty database. */
  readonly base?: DatabaseTemplate;
  /** Fills the new database at `url`, and closes its connections before it returns. */
  build(url: string, templateName: string): Promise<void>;
}

/** The schema, migrated: what every test database starts from. */
export const MIGRATED: DatabaseTemplate = {
  suffix: '',
  lockKey: 7274830,
  async build(url) {
    const ds = createDataSource({ url }, 3);
    await ds.initialize();
    await migrate(ds);
    await ds.destroy();
  },
};

/** The name of a template in this run: a run's teardown drops what starts with it, and no one else's. */
export const templateName = (template: DatabaseTemplate): string =>
  `${process.env.PORTCULLIS_TEST_TEMPLATE!}${template.suffix}`;

/** The first test file of the run that needs a template builds it; the others wait on its lock. */
async function ensureTemplate(admin: pg.Client, adminUrl: string, template: DatabaseTemplate): Promise<string> {
  if (template.base) await ensureTemplate(admin, adminUrl, template.base);
  const name = templateName(template);
  await admin.query('SELECT pg_advisory_lock($1)', [template.lockKey]);
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return name;
    const from = template.base ? ` TEMPLATE ${templateName(template.base)}` : '';
    await admin.query(`CREATE DATABASE ${name}_building${from}`);
    await template.build(withDatabase(adminUrl, `${name}_building`), name);
    await admin.query(`ALTER DATABASE ${name}_building RENAME TO ${name}`);
    return name;
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [template.lockKey]);
  }
}

/** A fresh database for one test file, cloned from one of the run's templates (default: the migrated schema). */
export async function cloneDatabase(template: DatabaseTemplate = MIGRATED): Promise<string> {
  const adminUrl = process.env.PORTCULLIS_TEST_ADMIN_URL!;
  // Named after the run's template, so a run's teardown drops its own clones and no one else's.
  const name = `${templateName(MIGRATED)}_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const source = await ensureTemplate(admin, adminUrl, template);
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${source}`);
    // A test database need not survive a crash of PostgreSQL itself: commits stop waiting for the
    // WAL flush (still atomic and consistent), which is most of a small transaction's time on a
    // busy disk. Not copied from the template, so set on every clone.
    await admin.query(`ALTER DATABASE ${name} SET synchronous_commit TO off`);
  } finally {
    await admin.end();
  }
  return withDatabase(adminUrl, name);
}
