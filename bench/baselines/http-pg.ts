import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { hash } from '@node-rs/argon2';
import { type HttpLoad, httpLoad } from '../harness/load.js';
import { seededUserId } from '../harness/seed.js';
import type { Baseline, BenchTarget, LoadOptions, LoadResult } from '../harness/types.js';
import { BENCH_PASSWORD } from '../scenarios/create-session.js';
import { SERVER_ARGON2, SERVER_POOL } from './argon2.js';

/** Runs bench/baselines/http-pg-server.ts in its own process (as Portcullis is) and loads one of its routes. */
async function loadHttpPg(
  target: BenchTarget,
  options: LoadOptions,
  request: (baseUrl: string) => HttpLoad,
): Promise<LoadResult> {
  const proc = spawn(
    process.execPath,
    [
      resolve(import.meta.dirname, 'http-pg-server.js'),
      JSON.stringify(target.dbConfig),
      target.instanceId,
      String(options.connections),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, UV_THREADPOOL_SIZE: SERVER_POOL } },
  );
  try {
    const port = await new Promise<number>((res, rej) => {
      let out = '';
      proc.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening (\d+)/.exec(out);
        if (m) res(Number(m[1]));
      });
      proc.once('exit', (code) => rej(new Error(`http-pg baseline exited (${code})`)));
    });
    return await httpLoad(request(`http://127.0.0.1:${port}`), { ...options, cpuOf: [proc.pid!] });
  } finally {
    proc.kill('SIGTERM');
  }
}

/**
 * A reference rather than a goal's floor: the same select behind a bare node:http server in its
 * own process, loaded like GetUserByID (autocannon, keep-alive, 16 connections). What it loses
 * against the raw select is what any HTTP API on this machine loses: the load generator's CPU and
 * two more loopback round trips per request. It is also the ceiling of introspection here: one
 * look-up behind HTTP, with no client authentication and no claims.
 */
export const httpPgSelect: Baseline = {
  id: 'http-pg-select',
  name: 'bare node:http + pg: select one users row by id as JSON',
  run: (target, options) =>
    loadHttpPg(target, options, (baseUrl) => ({ method: 'GET', url: `${baseUrl}/users/${seededUserId(1)}` })),
};

/**
 * The ceiling of a token endpoint that keeps its tokens in PostgreSQL (every process must find and
 * revoke them): one insert of a token row behind a bare node:http server, loaded like the
 * client_credentials scenario. No client authentication, no audit event.
 */
export const httpPgToken: Baseline = {
  id: 'http-pg-token',
  name: 'bare node:http + pg: insert one token row, answer it as JSON',
  run: (target, options) =>
    loadHttpPg(target, options, (baseUrl) => ({
      method: 'POST',
      url: `${baseUrl}/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    })),
};

/** As many users as CreateSession's scenario signs in, taken from the bulk-seeded ones. */
const SESSION_USERS = 32;

/**
 * The ceiling of CreateSession with a password on this machine: behind a bare node:http server,
 * the user's hash by primary key, the argon2id verify (same parameters, same thread pool size as
 * the server), one insert of a sessions row. No authentication of the caller, no lockout count, no
 * audit event. Against the bare verify loop it shows what the HTTP round trip, the two statements
 * and the load generator cost beside argon2 on the same cores.
 */
export const httpPgSession: Baseline = {
  id: 'http-pg-session',
  name: 'bare node:http + pg + argon2id: read a hash, verify it, insert one sessions row',
  async run(target, options) {
    const ids = Array.from({ length: SESSION_USERS }, (_, i) => seededUserId(i + 1));
    await target.db.query('UPDATE users SET password_hash = $3 WHERE instance_id = $1 AND id = ANY($2)', [
      target.instanceId,
      ids,
      await hash(BENCH_PASSWORD, SERVER_ARGON2),
    ]);
    let n = 0;
    return loadHttpPg(target, options, (baseUrl) => ({
      method: 'POST',
      url: `${baseUrl}/session`,
      headers: { 'content-type': 'application/json' },
      body: () => JSON.stringify({ userId: ids[n++ % ids.length], password: BENCH_PASSWORD }),
    }));
  },
};
