// The least an HTTP API over PostgreSQL can do, as references for the scenarios: node:http, a pg
// pool as large as the load, one statement, JSON back. No authentication, routing, permission
// check, protobuf mapping or audit event. Run as its own process by bench/baselines/http-pg.ts (as
// Portcullis is); reads the database settings and instance id from argv, prints its port.
//   GET /users/<id>  one primary-key select of a users row (GetUserByID's floor)
//   POST /token      one insert of an opaque token row into oidc_payloads (the floor of any token
//                    endpoint that keeps its tokens where every process can find and revoke them)
//   POST /session    {userId, password}: the user's password hash by primary key, an argon2id verify
//                    on libuv's pool, one insert of a sessions row (CreateSession's floor)
import { hash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { verify } from '@node-rs/argon2';
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

async function createSession(body: string): Promise<{ sessionId: string; sessionToken: string } | undefined> {
  const { userId, password } = JSON.parse(body) as { userId: string; password: string };
  const { rows } = await pool.query({
    name: 'user-hash',
    text: 'SELECT password_hash, resource_owner FROM users WHERE instance_id = $1 AND id = $2',
    values: [instanceId, userId],
  });
  if (!rows.length || !(await verify(rows[0].password_hash, password))) return undefined;
  const id = randomBytes(16).toString('hex');
  const sessionToken = randomBytes(32).toString('base64url');
  await pool.query({
    name: 'session-insert',
    text: `INSERT INTO sessions (instance_id, id, token_hash, creator, user_id, user_resource_owner,
                                 user_checked_at, password_checked_at, created_at, changed_at, sequence)
           VALUES ($1, $2, $3, $4, $4, $5, now(), now(), now(), now(), 1)`,
    values: [instanceId, id, hash('sha256', sessionToken, 'base64url'), userId, rows[0].resource_owner],
  });
  return { sessionId: id, sessionToken };
}

function session(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
  req.on('end', () =>
    createSession(body).then(
      (created) => (created ? answer(res, 201, created) : answer(res, 401, { error: 'wrong password' })),
      () => res.writeHead(500).end(),
    ),
  );
}

const server = createServer((req, res) => {
  if (req.method !== 'POST') user(req, res);
  else if (req.url === '/session') session(req, res);
  else token(req, res);
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`);
});
