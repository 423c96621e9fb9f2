import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Drops the run's databases (templates and clones) and data dirs, and stops the embedded server, if one was started. */
export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.PORTCULLIS_TEST_ADMIN_URL;
  const template = process.env.PORTCULLIS_TEST_TEMPLATE;
  if (adminUrl && template) {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const { rows } = await admin.query(
      `SELECT datname FROM pg_database WHERE datname = $1 OR starts_with(datname, $1 || '_')`,
      [template],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await admin.end();
    // The bootstrapped template's data dir (bootstrappedDataDir in test-server.ts, not imported: it loads the app).
    rmSync(join(tmpdir(), `${template}_boot-data`), { recursive: true, force: true });
  }
  const embedded = (globalThis as Record<string, unknown>).__embeddedPostgres as { stop(): Promise<void> } | undefined;
  await embedded?.stop();
}
