import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';

/**
 * One PostgreSQL for the whole run: PORTCULLIS_TEST_DATABASE_URL (CI: the machine's server) or,
 * with nothing configured, an embedded one. Test files clone a migrated template from it
 * (test/support/database.ts).
 */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.PORTCULLIS_TEST_DATABASE_URL;
  if (!adminUrl) {
    // Jest loads this file as CommonJS without the suite's module mapping, so the module is
    // named with its source extension here.
    const modulePath = '../../src/platform/database/embedded-postgres' + '.ts';
    const { startEmbeddedPostgres } = (await import(
      modulePath
    )) as typeof import('../../src/platform/database/embedded-postgres.js');
    const embedded = await startEmbeddedPostgres(
      mkdtempSync(join(tmpdir(), 'portcullis-test-')),
      pino({ level: 'warn' }),
    );
    (globalThis as Record<string, unknown>).__embeddedPostgres = embedded;
    adminUrl = `postgres://${embedded.username}@${encodeURIComponent(embedded.host)}:${embedded.port}/postgres`;
  }
  process.env.PORTCULLIS_TEST_ADMIN_URL = adminUrl;
  process.env.PORTCULLIS_TEST_TEMPLATE = `portcullis_tpl_${process.pid}`;
}
