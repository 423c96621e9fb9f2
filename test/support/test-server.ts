import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { loadConfig, type Config } from '../../src/platform/config/config.js';
import { createLogger } from '../../src/platform/logging/logger.js';
import { bootApplication, startServer, type RunningServer } from '../../src/server.js';
import { cloneDatabase, MIGRATED, templateName, type DatabaseTemplate } from './database.js';

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

function configFor(databaseUrl: string, dataDir: string, env: Record<string, string>): Config {
  return loadConfig({
    PORTCULLIS_DATABASE_URL: databaseUrl,
    PORTCULLIS_PORT: '0',
    PORTCULLIS_HOST: '127.0.0.1',
    PORTCULLIS_DATA_DIR: dataDir,
    PORTCULLIS_MASTERKEY: TEST_MASTER_KEY,
    PORTCULLIS_SHUTDOWN_GRACE_SECONDS: '1',
    ...env,
  });
}

/** The data dir the bootstrapped template's first start wrote (the admin PAT); the run's teardown removes it. */
export const bootstrappedDataDir = (template: string): string => join(tmpdir(), `${template}-data`);

/**
 * The migrated schema after a first start with the default test configuration: the first
 * instance, its default org, the admins and the signing key. Each file that boots with that
 * configuration clones it (and copies the data dir that start wrote), so the run generates the
 * keys and hashes the admin password once instead of once per file. A file that sets any
 * configuration gets a first start of its own, which is what its settings may change.
 */
export const BOOTSTRAPPED: DatabaseTemplate = {
  suffix: '_boot',
  lockKey: 7274831,
  base: MIGRATED,
  async build(url, template) {
    const dataDir = bootstrappedDataDir(template);
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    const booted = await bootApplication(configFor(url, dataDir, {}), testLogger());
    await booted.close();
  },
};

/**
 * The configuration of a test application: a fresh database clone (with its own data dir) or,
 * with `sameDataAs`, the database and data dir of an earlier one; `env` overrides any key.
 */
export async function testConfig(
  env: Record<string, string> = {},
  sameDataAs?: Pick<TestServer, 'databaseUrl' | 'dataDir'>,
): Promise<Config> {
  if (sameDataAs) return configFor(sameDataAs.databaseUrl, sameDataAs.dataDir, env);
  const dataDir = mkdtempSync(join(tmpdir(), 'portcullis-srv-'));
  if (Object.keys(env).length > 0) return configFor(await cloneDatabase(), dataDir, env);
  const databaseUrl = await cloneDatabase(BOOTSTRAPPED);
  cpSync(bootstrappedDataDir(templateName(BOOTSTRAPPED)), dataDir, { recursive: true });
  return configFor(databaseUrl, dataDir, env);
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
