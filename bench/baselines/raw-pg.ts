import pg from 'pg';
import { loopLoad } from '../harness/load.js';
import { seededUserId } from '../harness/seed.js';
import type { Baseline, BenchTarget, LoadOptions, LoadResult } from '../harness/types.js';

/** A pool as large as the load, on the server's own database, running one statement per call. */
async function withPool(
  target: BenchTarget,
  options: LoadOptions,
  op: (pool: pg.Pool, n: number) => Promise<unknown>,
): Promise<LoadResult> {
  const pool = new pg.Pool({ ...target.dbConfig, max: options.connections });
  try {
    await Promise.all(Array.from({ length: options.connections }, () => pool.query('SELECT 1'))); // connect up front
    return await loopLoad((_w, n) => op(pool, n), { ...options, cpuOf: [] });
  } finally {
    await pool.end();
  }
}

/** The floor under GetUserByID: one primary-key select of a users row. */
export const pgSelect: Baseline = {
  id: 'pg-select',
  name: 'raw pg: select one users row by id',
  run: (target, options) =>
    withPool(target, options, (pool, n) =>
      pool.query('SELECT * FROM users WHERE instance_id = $1 AND id = $2', [
        target.instanceId,
        seededUserId(1 + (n % 1000)),
      ]),
    ),
};

let inserted = 0;

/** The floor under AddHumanUser: one single-row insert into users (no event, no checks). */
export const pgInsert: Baseline = {
  id: 'pg-insert',
  name: 'raw pg: insert one users row',
  run: (target, options) => {
    const base = `${Date.now().toString(36)}${process.pid}`;
    return withPool(target, options, (pool) => {
      const i = inserted++;
      return pool.query(
        `INSERT INTO users (instance_id, id, resource_owner, type, state, username, username_scope, given_name, family_name, display_name,
                            email, email_verified, created_at, changed_at, sequence)
         VALUES ($1, $2, $3, 'human', 'active', $4, '', 'Bench', 'User', 'Bench User', $5, true, now(), now(), 1)`,
        [
          target.instanceId,
          (900000000000000000n + BigInt(i)).toString() + '',
          target.orgId,
          `raw-${base}-${i}`,
          `raw-${base}-${i}@example.com`,
        ],
      );
    });
  },
};

/** The floor under ListUsers with a name filter: the same filter, page and count in plain SQL. */
export const pgList: Baseline = {
  id: 'pg-list',
  name: 'raw pg: filtered page of 100 users + count',
  run: (target, options) =>
    withPool(target, options, async (pool) => {
      const where = `instance_id = $1 AND resource_owner = $2 AND lower(username) LIKE 'bench-999%'`;
      await pool.query(`SELECT * FROM users WHERE ${where} ORDER BY username LIMIT 100`, [
        target.instanceId,
        target.orgId,
      ]);
      await pool.query(`SELECT count(*) FROM users WHERE ${where}`, [target.instanceId, target.orgId]);
    }),
};
