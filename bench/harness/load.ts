import autocannon from 'autocannon';
import { cpuBudget, sampleCpu } from './cpu.js';
import type { LoadOptions, LoadResult } from './types.js';

export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

/** A run's result from its successful requests' latencies (ms, any order). */
export function loadResult(latencies: number[], errors: number, seconds: number): LoadResult {
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    seconds,
    throughput: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors,
  };
}

/** Runs `load` for `options.warmupSeconds` first, if any (see LoadOptions). */
async function warmUp(options: LoadOptions, load: (warmup: LoadOptions) => Promise<LoadResult>): Promise<void> {
  if (options.warmupSeconds) await load({ ...options, seconds: options.warmupSeconds, warmupSeconds: 0 });
}

/** Starts splitting the CPU of `options.cpuOf`'s processes; the result gets the split when the load ends. */
function meterCpu(options: LoadOptions): (result: LoadResult) => LoadResult {
  if (!options.cpuOf) return (result) => result;
  const pids = options.cpuOf;
  const before = sampleCpu(pids);
  return (result) => ({ ...result, cpu: cpuBudget(before, sampleCpu(pids), result.requests) });
}

export interface HttpLoad {
  readonly url: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly headers?: Record<string, string>;
  /** A fixed body, or one per request (unique usernames, rotating users). */
  readonly body?: string | (() => string);
}

/**
 * HTTP/1.1 keep-alive load with autocannon (closed loop, `connections` in flight). Latencies are
 * taken per response, so any percentile can be read (autocannon's summary has no p95).
 */
export async function httpLoad(load: HttpLoad, options: LoadOptions): Promise<LoadResult> {
  await warmUp(options, (warmup) => httpLoad(load, warmup));
  const measured = meterCpu(options);
  const latencies: number[] = [];
  let errors = 0;
  const { body } = load;
  const opts = {
    url: load.url,
    method: load.method,
    headers: { 'content-type': 'application/json', ...load.headers },
    connections: options.connections,
    duration: options.seconds,
    ...(typeof body === 'function'
      ? { requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, body: body() }) }] }
      : body !== undefined
        ? { body }
        : {}),
  } as autocannon.Options;
  const summary = await new Promise<autocannon.Result>((res, rej) => {
    const instance = autocannon(opts, (err, r) => (err ? rej(err) : res(r)));
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      else errors++;
    });
  });
  return measured(loadResult(latencies, errors + summary.errors + summary.timeouts, options.seconds));
}

/**
 * Closed-loop load for anything that is not plain HTTP/1.1 (gRPC calls, raw pg, argon2 loops):
 * `connections` workers call `op` back to back for the duration.
 */
export async function loopLoad(
  op: (worker: number, n: number) => Promise<unknown>,
  options: LoadOptions,
): Promise<LoadResult> {
  await warmUp(options, (warmup) => loopLoad(op, warmup));
  const measured = meterCpu(options);
  const latencies: number[] = [];
  let errors = 0;
  const started = process.hrtime.bigint();
  const end = Date.now() + options.seconds * 1000;
  let firstError: unknown;
  await Promise.all(
    Array.from({ length: options.connections }, async (_, worker) => {
      for (let n = 0; Date.now() < end; n++) {
        const t = process.hrtime.bigint();
        try {
          await op(worker, n);
          latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
        } catch (err) {
          firstError ??= err;
          errors++;
        }
      }
    }),
  );
  if (firstError && errors > latencies.length)
    process.stderr.write(`  first error: ${(firstError as Error).message}\n`);
  return measured(loadResult(latencies, errors, Number(process.hrtime.bigint() - started) / 1e9));
}
