import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { type HttpLoad, httpLoad } from '../harness/load.js';
import { seededUserId } from '../harness/seed.js';
import type { Baseline, BenchTarget, LoadOptions, LoadResult } from '../harness/types.js';

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
    { stdio: ['ignore', 'pipe', 'inherit'] },
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
    return await httpLoad(request(`http://127.0.0.1:${port}`), options);
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
