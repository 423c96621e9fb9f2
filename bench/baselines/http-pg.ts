import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { httpLoad } from '../harness/load.js';
import { seededUserId } from '../harness/seed.js';
import type { Baseline } from '../harness/types.js';

/**
 * A reference rather than a goal's floor: the same select behind a bare node:http server in its
 * own process, loaded like GetUserByID (autocannon, keep-alive, 16 connections). What it loses
 * against the raw select is what any HTTP API on this machine loses: the load generator's CPU and
 * two more loopback round trips per request.
 */
export const httpPgSelect: Baseline = {
  id: 'http-pg-select',
  name: 'bare node:http + pg: select one users row by id as JSON',
  async run(target, options) {
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
      return await httpLoad({ method: 'GET', url: `http://127.0.0.1:${port}/users/${seededUserId(1)}` }, options);
    } finally {
      proc.kill('SIGTERM');
    }
  },
};
