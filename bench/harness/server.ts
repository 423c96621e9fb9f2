import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { statCpuMs } from './cpu.js';
import type { ServerUsage } from './types.js';

const CLI = resolve(import.meta.dirname, '../../src/cli.cjs');

export interface BenchServer {
  readonly pid: number;
  readonly baseUrl: string;
  readonly adminPat: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts the built server (`dist/src/cli.cjs start`) as its own process on a random port: on
 * `databaseUrl`, or on the embedded default when it is undefined. `nodeArgs` e.g. `--cpu-prof`.
 */
export async function startBenchServer(databaseUrl: string | undefined, nodeArgs: string[] = []): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pc-bench-'));
  chmodSync(dataDir, 0o755); // the embedded PostgreSQL runs as postgres when we are root
  const proc = spawn(process.execPath, [...nodeArgs, CLI, 'start'], {
    env: {
      ...process.env,
      ...(databaseUrl ? { PORTCULLIS_DATABASE_URL: databaseUrl } : {}),
      PORTCULLIS_DATA_DIR: dataDir,
      PORTCULLIS_PORT: '0',
      PORTCULLIS_HOST: '127.0.0.1',
      PORTCULLIS_EXTERNAL_URL: 'http://127.0.0.1:8080',
      PORTCULLIS_MASTERKEY: 'bench-master-key-0123456789abcde',
      PORTCULLIS_LOG_LEVEL: 'info',
      // Load from one address must not be throttled.
      PORTCULLIS_RATE_LIMIT_PER_MINUTE: '0',
      // The Actions scenario's webhook listens on loopback, in the bench process.
      PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: '127.0.0.1/32',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  proc.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start within 180 s:\n${out}`)), 180_000);
    const check = () => {
      const m = /"port":(\d+)[^\n]*Portcullis listening/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(Number(m[1]));
      }
    };
    proc.stdout.on('data', check);
    void exited.then(() => rej(new Error(`server exited before listening:\n${out}`)));
  });
  return {
    pid: proc.pid!,
    baseUrl: `http://127.0.0.1:${port}`,
    adminPat: readFileSync(join(dataDir, 'admin.pat'), 'utf8').trim(),
    dataDir,
    async stop() {
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const processCpuMs = (pid: number): number => statCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));

export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/** Samples the process's RSS (peak) and CPU (mean) while `work` runs. */
export async function measure<T>(pid: number, work: () => Promise<T>): Promise<{ value: T; usage: ServerUsage }> {
  let peak = rssMiB(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 200);
  const cpuMs = processCpuMs(pid);
  const started = process.hrtime.bigint();
  try {
    const value = await work();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      value,
      usage: {
        rssMiB: Math.max(peak, rssMiB(pid)),
        cpuPercent: ((processCpuMs(pid) - cpuMs) / 1000 / seconds) * 100,
      },
    };
  } finally {
    clearInterval(timer);
  }
}
