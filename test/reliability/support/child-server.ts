import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cloneDatabase } from '../../support/database.js';

/** The built server (npm run test:reliability builds it first), as `portcullis start` runs it. */
const CLI = resolve(process.cwd(), 'dist/src/cli.cjs');

export interface ChildServer {
  readonly pid: number;
  readonly port: number;
  readonly baseUrl: string;
  readonly adminPat: string;
  readonly databaseUrl: string;
  readonly dataDir: string;
  /** Resolves when the process is gone, with how it ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
  /** Everything it logged (pino JSON lines). */
  output(): string;
}

export interface ChildData {
  readonly databaseUrl: string;
  readonly dataDir: string;
}

/** A fresh database clone and data dir for a group of processes to share. */
export async function freshData(): Promise<ChildData> {
  return { databaseUrl: await cloneDatabase(), dataDir: mkdtempSync(join(tmpdir(), 'portcullis-rel-')) };
}

/**
 * Starts `node dist/src/cli.cjs start` on the given database and data dir, on a random port, and
 * resolves once it listens (the port is read from its log).
 */
export async function startChild(data: ChildData, env: Record<string, string> = {}): Promise<ChildServer> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm run test:reliability does)`);
  const proc: ChildProcess = spawn(process.execPath, [CLI, 'start'], {
    env: {
      ...process.env,
      PORTCULLIS_DATABASE_URL: data.databaseUrl,
      PORTCULLIS_DATA_DIR: data.dataDir,
      PORTCULLIS_PORT: '0',
      PORTCULLIS_HOST: '127.0.0.1',
      PORTCULLIS_MASTERKEY: 'test-master-key-0123456789abcdef',
      PORTCULLIS_LOG_LEVEL: 'info',
      PORTCULLIS_SHUTDOWN_GRACE_SECONDS: '10',
      PORTCULLIS_RATE_LIMIT_PER_MINUTE: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    proc.once('exit', (code, signal) => res({ code, signal })),
  );
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start within 60 s:\n${out}`)), 60_000);
    const onData = () => {
      const m = /"port":(\d+)[^\n]*Portcullis listening/.exec(out);
      if (m) {
        clearTimeout(timer);
        proc.stdout!.off('data', onData);
        res(Number(m[1]));
      }
    };
    proc.stdout!.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      rej(new Error(`server exited (${code ?? signal}) before listening:\n${out}`));
    });
  });
  return {
    pid: proc.pid!,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    adminPat: readFileSync(join(data.dataDir, 'admin.pat'), 'utf8').trim(),
    databaseUrl: data.databaseUrl,
    dataDir: data.dataDir,
    exited,
    kill: (signal) => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    },
    output: () => out,
  };
}

/** SIGTERM, then SIGKILL if it is still there after `ms`. */
export async function stopChild(server: ChildServer | undefined, ms = 15_000): Promise<void> {
  if (!server) return;
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), ms);
  await server.exited;
  clearTimeout(timer);
}
