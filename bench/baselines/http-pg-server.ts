// The least an HTTP API over PostgreSQL can do for GetUserByID: node:http, a pg pool as large as the
// load, one primary-key select, the row as JSON. No authentication, routing, permission check or
// protobuf mapping. Run as its own process by bench/baselines/http-pg.ts (as Portcullis is); reads
// the database settings and instance id from argv, prints its port.
import { createServer } from 'node:http';
import pg from 'pg';

const [dbConfigJson, instanceId, poolSize] = process.argv.slice(2);
const pool = new pg.Pool({ ...(JSON.parse(dbConfigJson) as pg.PoolConfig), max: Number(poolSize) });

const server = createServer((req, res) => {
  const id = req.url!.slice(req.url!.lastIndexOf('/') + 1);
  pool.query('SELECT * FROM users WHERE instance_id = $1 AND id = $2', [instanceId, id]).then(
    ({ rows }) => {
      const body = JSON.stringify({ user: rows[0] ?? null });
      res.writeHead(rows.length ? 200 : 404, { 'content-type': 'application/json' }).end(body);
    },
    () => res.writeHead(500).end(),
  );
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`);
});
