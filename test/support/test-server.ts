import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { loadConfig, type Config } from '../../src/platform/config/config.js';
import { createLogger } from '../../src/platform/logging/logger.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { cloneDatabase } from './database.js';

export interface TestServer extends RunningServer {
  /** The bootstrap machine admin's PAT (IAM_OWNER). */
  readonly adminPat: string;
  readonly baseUrl: string;
  /** Where it keeps its data: give them to `bootTestServer` to start another process on them. */
  readonly databaseUrl: string;
  readonly dataDir: string;
}

/** The master key every test process uses, so a second process (or a restart) reads the first one's secrets. */
const TEST_MASTER_KEY = 'test-master-key-0123456789abcdef';

/**
 * The configuration of a test application: a fresh database clone or, with `sameDataAs`, the
 * database and data dir of an earlier one; `env` overrides any key.
 */
export async function testConfig(
  env: Record<string, string> = {},
  sameDataAs?: Pick<TestServer, 'databaseUrl' | 'dataDir'>,
): Promise<Config> {
  return loadConfig({
    PORTCULLIS_DATABASE_URL: sameDataAs?.databaseUrl ?? (await cloneDatabase()),
    PORTCULLIS_PORT: '0',
    PORTCULLIS_HOST: '127.0.0.1',
    PORTCULLIS_DATA_DIR: sameDataAs?.dataDir ?? mkdtempSync(join(tmpdir(), 'portcullis-srv-')),
    PORTCULLIS_MASTERKEY: TEST_MASTER_KEY,
    PORTCULLIS_SHUTDOWN_GRACE_SECONDS: '1',
    ...env,
  });
}

export const testLogger = (): Logger => createLogger(process.env.PORTCULLIS_TEST_LOG_LEVEL ?? 'silent');

/** The bootstrap machine admin's PAT, which the first start writes to a file. */
export const adminPatOf = (config: Config): string => readFileSync(config.patPath, 'utf8').trim();

/**
 * Boots the real server on a random port against a fresh database clone or, with `sameDataAs`,
 * on the database and data dir of an earlier server (a restart, or a second process beside it).
 */
export async function bootTestServer(
  env: Record<string, string> = {},
  sameDataAs?: Pick<TestServer, 'databaseUrl' | 'dataDir'>,
): Promise<TestServer> {
  const config = await testConfig(env, sameDataAs);
  const server = await startServer(config, testLogger());
  return {
    ...server,
    close: server.close,
    adminPat: adminPatOf(config),
    baseUrl: `http://127.0.0.1:${server.port}`,
    databaseUrl: config.databaseUrl!,
    dataDir: config.dataDir,
  };
}

/** One server for a test file: booted before its tests, closed after them; call the getter inside tests. */
export function serverForFile(env: Record<string, string> = {}): () => TestServer {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await bootTestServer(env);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });
  return () => server!;
}
