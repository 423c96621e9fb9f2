import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Baseline, LoadResult } from '../harness/types.js';

/** The thread pool the server's CLI sets up when UV_THREADPOOL_SIZE is unset (src/cli.cts). */
export const SERVER_POOL = process.env.UV_THREADPOOL_SIZE ?? String(Math.max(2, availableParallelism()));

/** Portcullis's default argon2id parameters (PORTCULLIS_PASSWORD_HASH_*): 19 MiB, t=2, p=1. */
export const SERVER_ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

/**
 * The floor under CreateSession with a password check: argon2id verifications back to back, as
 * many in flight as the load, in a process of its own with the server's thread pool size.
 */
export const argon2Verify: Baseline = {
  id: 'argon2-verify',
  name: 'bare argon2id verify loop (@node-rs/argon2, 19 MiB, t=2, p=1, pool as the server)',
  async run(_target, options) {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        resolve(import.meta.dirname, 'argon2-loop.js'),
        String(options.seconds),
        String(options.connections),
        String(options.warmupSeconds ?? 0),
      ],
      { env: { ...process.env, UV_THREADPOOL_SIZE: SERVER_POOL } },
    );
    return JSON.parse(stdout) as LoadResult;
  },
};
