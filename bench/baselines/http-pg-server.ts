// The least an HTTP API over PostgreSQL can do, as references for the scenarios: node:http, a pg
// pool as large as the load, one statement, JSON back. No authentication, routing, permission
// check, protobuf mapping or audit event. Run as its own process by bench/baselines/http-pg.ts (as
// Portcullis is); reads the database settings and instance id from argv, prints its port.
//   GET /users/<id>  one primary-key select of a users row (GetUserByID's floor)
//   POST /token      one insert of an opaque token row into oidc_payloads (the floor of any token
//                    endpoint that keeps its tokens where every process can find and revoke them)
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';

const [dbConfigJson, instanceId, poolSize] = process.argv.slice(2);
const pool = new pg.Pool({ ...(JSON.parse(dbConfigJson) as pg.PoolConfig), max: Number(poolSize) });
const TOKEN_SECONDS = 3600;

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function user(req: IncomingMessage, res: ServerResponse): void {
  const id = req.url!.slice(req.url!.lastIndexOf('/') + 1);
  pool.query('SELECT * FROM users WHERE instance_id = $1 AND id = $2', [instanceId, id]).then(
    ({ rows }) => answer(res, rows.length ? 200 : 404, { user: rows[0] ?? null }),
    () => res.writeHead(500).end(),
  );
}

function token(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  req.on('end', () => {
    const id = randomBytes(32).toString('base64url');
    pool
      .query(
        `INSERT INTO oidc_payloads (instance_id, model, id, payload, expires_at)
         VALUES ($1, 'ClientCredentials', $2, $3, now() + make_interval(secs => $4))`,
        [instanceId, id, { jti: id, kind: 'ClientCredentials', clientId: 'bench', scope: 'openid' }, TOKEN_SECONDS],
      )
      .then(
        () => answer(res, 200, { access_token: id, expires_in: TOKEN_SECONDS, token_type: 'Bearer', scope: 'openid' }),
        () => res.writeHead(500).end(),
      );
  });
}

const server = createServer((req, res) => (req.method === 'POST' ? token(req, res) : user(req, res)));
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`);
});
