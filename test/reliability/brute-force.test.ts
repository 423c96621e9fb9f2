// Brute force: password guessing beyond the lockout policy locks the user, also when the guesses
// arrive concurrently; and a per-IP rate limit on the session endpoints answers
// RESOURCE_EXHAUSTED (REST 429 + Retry-After) on every transport.
import { request } from 'node:http';
import { Code, ConnectError } from '@connectrpc/connect';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { UserState } from '@zitadel/proto/zitadel/user/v2/user_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { client, TRANSPORTS, type TransportName } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { PASSWORD, addHuman, errorOf, loginClient } from '../sessions/support/sessions.js';

/** A REST call from a chosen loopback address (127.0.0.0/8 all reach the server on 127.0.0.1). */
function restFrom(
  server: TestServer,
  localAddress: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }> {
  const url = new URL(path, server.baseUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method,
        localAddress,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode!, headers: res.headers, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('the lockout policy against password guessing', () => {
  let server: TestServer;
  let loginPat: string;
  let orgId: string;

  beforeAll(async () => {
    server = await bootTestServer();
    loginPat = await loginClient(server);
    orgId = (
      await client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat).createOrganization({ name: 'Brute Force Org' })
    ).id;
    const res = await fetch(`${server.baseUrl}/management/v1/policies/lockout`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${server.adminPat}`,
        'content-type': 'application/json',
        'x-zitadel-orgid': orgId,
      },
      body: JSON.stringify({ maxPasswordAttempts: 3 }),
    });
    expect(res.status).toBe(200);
  });
  afterAll(() => server?.close());

  const sessions = (t: TransportName = 'grpc') => client(SessionService, t, server.baseUrl, loginPat);
  const users = () => client(UserService, 'grpc', server.baseUrl, server.adminPat);
  const failedChecks = async (userId: string): Promise<number> =>
    Number(
      (
        await server.database.dataSource.query(
          `SELECT count(*) AS n FROM events WHERE aggregate_id = $1 AND event_type = 'user.human.password.check.failed'`,
          [userId],
        )
      )[0].n,
    );

  it('locks after the allowed attempts through CreateSession then SetSession, and the right password no longer helps', async () => {
    const { userId } = await addHuman(server, { orgId });
    // First guess opens a session with the user check; the next ones reuse it through SetSession.
    const created = await sessions().createSession({ checks: { user: { search: { case: 'userId', value: userId } } } });
    expect(
      (
        await errorOf(
          sessions().setSession({ sessionId: created.sessionId, checks: { password: { password: 'guess-1' } } }),
        )
      ).code,
    ).toBe(Code.InvalidArgument);
    expect(
      (
        await errorOf(
          sessions('connect-h1').createSession({
            checks: { user: { search: { case: 'userId', value: userId } }, password: { password: 'guess-2' } },
          }),
        )
      ).code,
    ).toBe(Code.InvalidArgument);
    expect(
      (
        await errorOf(
          sessions('grpc-web-h1').setSession({
            sessionId: created.sessionId,
            checks: { password: { password: 'guess-3' } },
          }),
        )
      ).code,
    ).toBe(Code.InvalidArgument);
    expect((await users().getUserByID({ userId })).user?.state).toBe(UserState.LOCKED);
    for (const t of TRANSPORTS) {
      const err = await errorOf(
        sessions(t).createSession({
          checks: { user: { search: { case: 'userId', value: userId } }, password: { password: PASSWORD } },
        }),
      );
      expect([t, err.code]).toEqual([t, Code.FailedPrecondition]);
    }
    expect(await failedChecks(userId)).toBe(3);
  });

  // Guesses in flight together all read the user as unlocked before argon2 runs (as in ZITADEL),
  // so a burst gets up to (max attempts + concurrency) guesses; the per-IP rate limit bounds the
  // burst. What must hold: no deadlock, no server fault, the user ends up locked, and from then
  // on even the right password is refused.
  it('locks when 30 guesses arrive at once, without a deadlock or a server fault', async () => {
    const { userId } = await addHuman(server, { orgId });
    const guesses = Array.from({ length: 30 }, (_, i) =>
      errorOf(
        sessions(TRANSPORTS[i % TRANSPORTS.length]).createSession({
          checks: { user: { search: { case: 'userId', value: userId } }, password: { password: `guess-${i}` } },
        }),
      ),
    );
    const codes = (await Promise.all(guesses)).map((e) => e.code);
    expect(codes.filter((c) => c === Code.InvalidArgument).length).toBeGreaterThanOrEqual(3);
    expect(codes.every((c) => c === Code.InvalidArgument || c === Code.FailedPrecondition)).toBe(true);
    expect(await failedChecks(userId)).toBe(codes.filter((c) => c === Code.InvalidArgument).length);
    expect((await users().getUserByID({ userId })).user?.state).toBe(UserState.LOCKED);
    const right = await errorOf(
      sessions().createSession({
        checks: { user: { search: { case: 'userId', value: userId } }, password: { password: PASSWORD } },
      }),
    );
    expect(right.code).toBe(Code.FailedPrecondition);
  });
});

describe('the per-IP rate limit on CreateSession and SetSession', () => {
  const LIMIT = 6;
  let server: TestServer;
  let loginPat: string;
  let userId: string;

  beforeAll(async () => {
    server = await bootTestServer({ PORTCULLIS_RATE_LIMIT_PER_MINUTE: String(LIMIT) });
    loginPat = await loginClient(server);
    ({ userId } = await addHuman(server));
  });
  afterAll(() => server?.close());

  const userCheck = () => ({ checks: { user: { search: { case: 'userId' as const, value: userId } } } });
  const restUserCheck = () => ({ checks: { user: { userId } } });

  it('answers RESOURCE_EXHAUSTED with Retry-After on every transport once the IP is over the limit', async () => {
    // The burst: LIMIT calls from 127.0.0.1 pass (over REST, whose peer is the socket's).
    for (let i = 0; i < LIMIT; i++) {
      const ok = await restFrom(server, '127.0.0.1', 'POST', '/v2/sessions', loginPat, restUserCheck());
      expect(ok.status).toBe(201); // CreateSession: 201 Created, as ZITADEL's gateway
    }
    const refused = await restFrom(server, '127.0.0.1', 'POST', '/v2/sessions', loginPat, restUserCheck());
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.body).toMatchObject({ code: Code.ResourceExhausted, message: expect.stringMatching(/RATE-l1m1t/) });

    // Same address over every RPC transport (h2c included: its peer is the sniffed socket's).
    for (const t of TRANSPORTS) {
      const sessions = client(SessionService, t, server.baseUrl, loginPat);
      const err = await errorOf(sessions.createSession(userCheck()));
      expect([t, err.code]).toEqual([t, Code.ResourceExhausted]);
      const set = await errorOf(sessions.setSession({ sessionId: '1', sessionToken: 'x' }));
      expect([t, set.code]).toEqual([t, Code.ResourceExhausted]);
    }
    // Connect's own JSON error, with the header.
    const connect = await fetch(`${server.baseUrl}/zitadel.session.v2.SessionService/CreateSession`, {
      method: 'POST',
      headers: { authorization: `Bearer ${loginPat}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(connect.status).toBe(429);
    expect(Number(connect.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await connect.json()).toMatchObject({ code: 'resource_exhausted' });

    // Another address has its own bucket; other methods are not limited.
    const other = await restFrom(server, '127.0.0.2', 'POST', '/v2/sessions', loginPat, restUserCheck());
    expect(other.status).toBe(201);
    const list = await client(SessionService, 'grpc', server.baseUrl, loginPat).listSessions({});
    expect(list.sessions.length).toBeGreaterThan(0);
  });

  it('never lets the limit answer as a server fault', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        client(SessionService, 'connect-h2', server.baseUrl, loginPat)
          .createSession(userCheck())
          .then(
            () => 'ok',
            (e) => ConnectError.from(e).code,
          ),
      ),
    );
    expect(results.every((r) => r === 'ok' || r === Code.ResourceExhausted)).toBe(true);
  });
});
