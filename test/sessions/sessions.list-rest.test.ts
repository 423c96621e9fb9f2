import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { TimestampQueryMethod } from '@zitadel/proto/zitadel/object_pb.js';
import { SessionFieldName } from '@zitadel/proto/zitadel/session/v2/session_pb.js';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { Code } from '@connectrpc/connect';
import { client, rest } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { PASSWORD, addHuman, codeOf, defaultOrgOf, loginClient } from './support/sessions.js';

let server: TestServer;
let loginPat: string;
let loginClientId: string;
beforeAll(async () => {
  server = await bootTestServer();
  loginPat = await loginClient(server);
  const [{ user_id }] = await server.database.dataSource.query(
    `SELECT t.user_id FROM personal_access_tokens t JOIN memberships m ON m.user_id = t.user_id WHERE 'IAM_LOGIN_CLIENT' = ANY(m.roles)`,
  );
  loginClientId = user_id;
});
afterAll(() => server?.close());

describe('ListSessions', () => {
  it('filters by ids, user, creation date, creator and user agent, sorts and pages', async () => {
    const sessions = client(SessionService, 'connect-h1', server.baseUrl, loginPat);
    const { userId } = await addHuman(server);
    const fingerprint = `fp-${Date.now()}`;
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await sessions.createSession({
        checks: { user: { search: { case: 'userId', value: userId } }, password: { password: PASSWORD } },
        userAgent: { fingerprintId: i < 2 ? fingerprint : 'other' },
      });
      made.push(s.sessionId);
    }
    const byUser = { query: { case: 'userIdQuery' as const, value: { id: userId } } };
    const ids = async (req: Parameters<typeof sessions.listSessions>[0]) =>
      (await sessions.listSessions(req)).sessions.map((s) => s.id);

    expect(
      await ids({ queries: [byUser], sortingColumn: SessionFieldName.CREATION_DATE, query: { asc: true } }),
    ).toEqual(made);
    expect(await ids({ queries: [byUser], sortingColumn: SessionFieldName.CREATION_DATE })).toEqual(
      [...made].reverse(),
    );
    expect(await ids({ queries: [byUser], query: { asc: true, limit: 2, offset: 1n } })).toEqual(made.slice(1));
    const paged = await sessions.listSessions({ queries: [byUser], query: { limit: 1 } });
    expect(paged.details?.totalResult).toBe(3n);
    expect(paged.sessions).toHaveLength(1);

    expect(
      await ids({
        queries: [{ query: { case: 'idsQuery', value: { ids: [made[0], made[2]] } } }],
        query: { asc: true },
      }),
    ).toEqual([made[0], made[2]]);
    expect(
      await ids({
        queries: [byUser, { query: { case: 'userAgentQuery', value: { fingerprintId: fingerprint } } }],
        query: { asc: true },
      }),
    ).toEqual(made.slice(0, 2));
    // An empty creator means the caller: the login client made them all.
    expect(
      await ids({ queries: [byUser, { query: { case: 'creatorQuery', value: {} } }], query: { asc: true } }),
    ).toEqual(made);
    expect(
      await ids({
        queries: [byUser, { query: { case: 'creatorQuery', value: { id: loginClientId } } }],
        query: { asc: true },
      }),
    ).toEqual(made);
    expect(await ids({ queries: [byUser, { query: { case: 'creatorQuery', value: { id: '1' } } }] })).toEqual([]);

    const { session: second } = await sessions.getSession({ sessionId: made[1] });
    const at = (method: TimestampQueryMethod) => ({
      query: { case: 'creationDateQuery' as const, value: { creationDate: second!.creationDate, method } },
    });
    expect(await ids({ queries: [byUser, at(TimestampQueryMethod.EQUALS)] })).toEqual([made[1]]);
    expect(await ids({ queries: [byUser, at(TimestampQueryMethod.GREATER)], query: { asc: true } })).toEqual([made[2]]);
    expect(await ids({ queries: [byUser, at(TimestampQueryMethod.GREATER_OR_EQUALS)], query: { asc: true } })).toEqual(
      made.slice(1),
    );
    expect(await ids({ queries: [byUser, at(TimestampQueryMethod.LESS)] })).toEqual([made[0]]);
    expect(await ids({ queries: [byUser, at(TimestampQueryMethod.LESS_OR_EQUALS)], query: { asc: true } })).toEqual(
      made.slice(0, 2),
    );
    const future = {
      query: {
        case: 'creationDateQuery' as const,
        value: { creationDate: timestampFromDate(new Date(Date.now() + 60_000)), method: TimestampQueryMethod.GREATER },
      },
    };
    expect(await ids({ queries: [byUser, future] })).toEqual([]);

    // Without a session token, the call has no user agent to stand in for an empty fingerprint.
    expect(await codeOf(sessions.listSessions({ queries: [{ query: { case: 'userAgentQuery', value: {} } }] }))).toBe(
      Code.InvalidArgument,
    );
    expect(await codeOf(sessions.listSessions({ query: { limit: 1001 } }))).toBe(Code.InvalidArgument);
  });
});

describe('every REST path of SessionService', () => {
  it("creates, reads, searches, changes and deletes a session over REST with ZITADEL's JSON", async () => {
    const { userId, username } = await addHuman(server);
    const token = loginPat;
    const created = await rest(server.baseUrl, 'POST', '/v2/sessions', {
      token,
      body: {
        checks: { user: { loginName: username }, password: { password: PASSWORD } },
        metadata: { app: Buffer.from('portal').toString('base64') },
        userAgent: { fingerprintId: 'rest-fp', header: { 'user-agent': { values: ['curl'] } } },
        lifetime: '600s',
      },
    });
    expect(created.status).toBe(201); // as ZITADEL: the descriptor's http_response.success_code
    expect(created.body).toMatchObject({
      sessionId: expect.stringMatching(/^\d{18}$/),
      sessionToken: expect.any(String),
    });
    expect(typeof created.body.details.sequence).toBe('string');
    const { sessionId, sessionToken } = created.body;

    const got = await rest(server.baseUrl, 'GET', `/v2/sessions/${sessionId}`, { token });
    expect(got.status).toBe(200);
    expect(got.body.session).toMatchObject({
      id: sessionId,
      metadata: { app: Buffer.from('portal').toString('base64') },
      userAgent: { fingerprintId: 'rest-fp', header: { 'user-agent': { values: ['curl'] } } },
      factors: {
        user: { id: userId, loginName: username, displayName: 'Mia Factor' },
        password: { verifiedAt: expect.any(String) },
      },
    });
    expect(Date.parse(got.body.session.expirationDate)).toBeGreaterThan(Date.now());

    // The session token as a query parameter, by a caller without any session permission.
    const stranger = (
      await machineWithRoles(server, await defaultOrgOf(server), {
        level: 'org',
        resourceId: await defaultOrgOf(server),
        roles: ['ORG_USER_SELF_MANAGER'],
      })
    ).pat;
    expect((await rest(server.baseUrl, 'GET', `/v2/sessions/${sessionId}`, { token: stranger })).status).toBe(404);
    const withToken = await rest(
      server.baseUrl,
      'GET',
      `/v2/sessions/${sessionId}?sessionToken=${encodeURIComponent(sessionToken)}`,
      { token: stranger },
    );
    expect(withToken.status).toBe(200);

    const searched = await rest(server.baseUrl, 'POST', '/v2/sessions/search', {
      token,
      body: {
        query: { limit: 10 },
        queries: [{ userIdQuery: { id: userId } }],
        sortingColumn: 'SESSION_FIELD_NAME_CREATION_DATE',
      },
    });
    expect(searched.status).toBe(200);
    expect(searched.body.sessions.map((s: { id: string }) => s.id)).toEqual([sessionId]);
    expect(searched.body.details.totalResult).toBe('1');

    const patched = await rest(server.baseUrl, 'PATCH', `/v2/sessions/${sessionId}`, {
      token: stranger,
      body: { sessionToken, metadata: { app: '' }, challenges: { otpEmail: { sendCode: {} } } },
    });
    // OTP email is not enabled for the user: nothing changes.
    expect(patched.status).toBe(400);
    expect(patched.body.code).toBe(9);
    const patchedOk = await rest(server.baseUrl, 'PATCH', `/v2/sessions/${sessionId}`, {
      token: stranger,
      body: { sessionToken, metadata: { app: '' } },
    });
    expect(patchedOk.status).toBe(200);
    expect(patchedOk.body.sessionToken).not.toBe(sessionToken);
    expect(
      (await rest(server.baseUrl, 'GET', `/v2/sessions/${sessionId}`, { token })).body.session.metadata ?? {},
    ).toEqual({});

    const stale = await rest(server.baseUrl, 'DELETE', `/v2/sessions/${sessionId}`, {
      token: stranger,
      body: { sessionToken },
    });
    expect(stale.status).toBe(403);
    expect(stale.body.code).toBe(7);
    const deleted = await rest(server.baseUrl, 'DELETE', `/v2/sessions/${sessionId}`, {
      token: stranger,
      body: { sessionToken: patchedOk.body.sessionToken },
    });
    expect(deleted.status).toBe(200);
    expect(typeof deleted.body.details.changeDate).toBe('string');
    const gone = await rest(server.baseUrl, 'GET', `/v2/sessions/${sessionId}`, { token });
    expect(gone.status).toBe(404);
    expect(gone.body.message).toMatch(/\(SESSION-n0t4d\)$/);
  });

  it('answers a wrong password with HTTP 400 and an unknown session with 404', async () => {
    const { userId } = await addHuman(server);
    const wrong = await rest(server.baseUrl, 'POST', '/v2/sessions', {
      token: loginPat,
      body: { checks: { user: { userId }, password: { password: 'nope' } } },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toBe('the password is invalid (SESSION-pw1nv)');
    const unknown = await rest(server.baseUrl, 'PATCH', '/v2/sessions/999999999999999999', {
      token: loginPat,
      body: {},
    });
    expect(unknown.status).toBe(404);
  });
});
