import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadResult } from './load.js';
import type { LoadOptions, LoadResult } from './types.js';

/** Why h2load cannot run here (Debian's nghttp2-client package has it), or undefined when it can. */
export function h2loadMissing(): string | undefined {
  try {
    execFileSync('h2load', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'h2load is not installed (Debian package nghttp2-client)';
  }
}

export interface NativeLoad {
  readonly url: string;
  /** HTTP/2 cleartext with prior knowledge (gRPC); otherwise HTTP/1.1 keep-alive. */
  readonly h2c: boolean;
  /** Requests in flight per connection (HTTP/2 streams); 1 for HTTP/1.1. */
  readonly streams: number;
  readonly headers: Record<string, string>;
  /** Sent as the body of every request (a POST); none makes GETs. */
  readonly body?: Buffer;
}

/**
 * Closed-loop load from nghttp2's h2load, a C load generator that speaks HTTP/1.1 and h2c alike:
 * for comparing two transports of the server with one generator whose own CPU is small and the
 * same for both. `options.connections` requests are in flight in all (connections × streams).
 * Latencies come from its per-request log. h2load sees HTTP statuses only: a gRPC scenario checks
 * its call's `grpc-status` once before the load.
 */
export async function nativeLoad(load: NativeLoad, options: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'pc-h2load-'));
  try {
    const log = join(dir, 'requests.tsv');
    const args = [
      '--duration',
      String(options.seconds),
      '--clients',
      String(Math.max(1, Math.floor(options.connections / load.streams))),
      '--max-concurrent-streams',
      String(load.streams),
      '--log-file',
      log,
      ...Object.entries(load.headers).flatMap(([name, value]) => ['--header', `${name}: ${value}`]),
    ];
    if (!load.h2c) args.push('--h1');
    if (load.body) {
      const bodyFile = join(dir, 'body');
      writeFileSync(bodyFile, load.body);
      args.push('--data', bodyFile);
    }
    const { stdout } = await promisify(execFile)('h2load', [...args, load.url], { maxBuffer: 16 * 1024 * 1024 });
    const failed = /(\d+) failed, (\d+) errored, (\d+) timeout/.exec(stdout);
    if (!failed) throw new Error(`h2load printed no summary:\n${stdout}`);
    const latencies: number[] = [];
    let errors = Number(failed[1]) + Number(failed[2]) + Number(failed[3]);
    for (const line of readFileSync(log, 'utf8').split('\n')) {
      const [, status, micros] = line.split('\t');
      if (micros === undefined) continue;
      if (status.startsWith('2')) latencies.push(Number(micros) / 1000);
      else errors++;
    }
    return loadResult(latencies, errors, options.seconds);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
