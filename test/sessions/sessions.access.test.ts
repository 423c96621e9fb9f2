import { Code } from '@connectrpc/connect';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { client, type TransportName } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { PASSWORD, addHuman, codeOf, errorOf, loginClient, patFor } from './support/sessions.js';

let server: TestServer;
let loginPat: string;
let orgA: string;
/** A user of another org with no role on sessions. */
let nobody: string;

beforeAll(async () => {
  server = await bootTestServer();
  loginPat = await loginClient(server);
  const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
  orgA = (await orgs.createOrganization({ name: 'Session Org A' })).id;
  const orgB = (await orgs.createOrganization({ name: 'Session Org B' })).id;
  nobody = (await machineWithRoles(server, orgB, { level: 'org', resourceId: orgB, roles: ['ORG_USER_SELF_MANAGER'] }))
    .pat;
});
afterAll(() => server?.close());

const sessionsAs = (token: string, transport: TransportName = 'grpc') =>
  client(SessionService, transport, server.baseUrl, token);

/** A session of a new user of org A, with user and password checked. */
async function sessionInA(): Promise<{ userId: string; sessionId: string; sessionToken: string }> {
  const { userId } = await addHuman(server, { orgId: orgA });
  const created = await sessionsAs(loginPat).createSession({
    checks: { user: { search: { case: 'userId', value: userId } }, password: { password: PASSWORD } },
    userAgent: { fingerprintId: `fp-${userId}` },
  });
  return { userId, ...created };
}

describe.each(['grpc', 'connect-h1'] as const)('session tokens as Bearer tokens over %s', (transport) => {
  it('reads its own session, lists it by its user agent, and is refused once the session is deleted', async () => {
    const { sessionId, sessionToken } = await sessionInA();
    const asSession = sessionsAs(sessionToken, transport);
    const { session } = await asSession.getSession({ sessionId });
    expect(session?.id).toBe(sessionId);
    // Empty fingerprint: the user agent of the call, i.e. of this session.
    const listed = await asSession.listSessions({ queries: [{ query: { case: 'userAgentQuery', value: {} } }] });
    expect(listed.sessions.map((s) => s.id)).toEqual([sessionId]);

    // Another user's session is none of its business.
    const other = await sessionInA();
    expect(await codeOf(asSession.getSession({ sessionId: other.sessionId }))).toBe(Code.NotFound);

    await asSession.deleteSession({ sessionId });
    const refused = await errorOf(asSession.getSession({ sessionId }));
    expect(refused.code).toBe(Code.Unauthenticated);
  });

  it('is not accepted before a password or passkey was checked, once expired, or for a locked user', async () => {
    const { userId } = await addHuman(server, { orgId: orgA });
    const userOnly = await sessionsAs(loginPat).createSession({
      checks: { user: { search: { case: 'userId', value: userId } } },
    });
    expect(
      await codeOf(sessionsAs(userOnly.sessionToken, transport).getSession({ sessionId: userOnly.sessionId })),
    ).toBe(Code.Unauthenticated);

    const { sessionId, sessionToken } = await sessionInA();
    await server.database.dataSource.query(
      `UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [sessionId],
    );
    const expired = await errorOf(sessionsAs(sessionToken, transport).getSession({ sessionId }));
    expect(expired.code).toBe(Code.Unauthenticated);
    expect(expired.rawMessage).toMatch(/expired/);
    // An expired session can still be read by the login client, but no longer changed.
    expect((await sessionsAs(loginPat).getSession({ sessionId })).session?.expirationDate).toBeDefined();
    expect(await codeOf(sessionsAs(loginPat).setSession({ sessionId, metadata: { a: new Uint8Array([1]) } }))).toBe(
      Code.FailedPrecondition,
    );

    const locked = await sessionInA();
    await client(UserService, 'grpc', server.baseUrl, server.adminPat).lockUser({ userId: locked.userId });
    expect(await codeOf(sessionsAs(locked.sessionToken, transport).getSession({ sessionId: locked.sessionId }))).toBe(
      Code.Unauthenticated,
    );
  });
});

describe('the session token in the request', () => {
  it('lets a caller without session permissions read, change and delete that session only', async () => {
    const { sessionId, sessionToken } = await sessionInA();
    const stranger = sessionsAs(nobody);
    expect(await codeOf(stranger.getSession({ sessionId }))).toBe(Code.NotFound);
    expect((await stranger.getSession({ sessionId, sessionToken })).session?.id).toBe(sessionId);
    expect(await codeOf(stranger.setSession({ sessionId, metadata: { a: new Uint8Array([1]) } }))).toBe(Code.NotFound);
    const set = await stranger.setSession({ sessionId, sessionToken, metadata: { a: new Uint8Array([1]) } });
    expect(await codeOf(stranger.getSession({ sessionId, sessionToken: 'not-the-token' }))).toBe(Code.PermissionDenied);
    expect(await codeOf(stranger.deleteSession({ sessionId }))).toBe(Code.NotFound);
    expect(await codeOf(stranger.deleteSession({ sessionId, sessionToken }))).toBe(Code.PermissionDenied); // replaced by Set
    await stranger.deleteSession({ sessionId, sessionToken: set.sessionToken });
    expect(await codeOf(sessionsAs(loginPat).getSession({ sessionId }))).toBe(Code.NotFound);
  });

  it("is not needed by the login client (session.delete) nor by the session's own user", async () => {
    const first = await sessionInA();
    await sessionsAs(loginPat).deleteSession({ sessionId: first.sessionId });
    const second = await sessionInA();
    const ownPat = await patFor(server, { userId: second.userId, orgId: orgA });
    await sessionsAs(ownPat).deleteSession({ sessionId: second.sessionId });
    expect(await codeOf(sessionsAs(loginPat).deleteSession({ sessionId: second.sessionId }))).toBe(Code.NotFound);
  });
});

/** Who may do what without the session's token is a medium test: test/medium/sessions/sessions.permissions.test.ts. */
describe('session permissions', () => {
  it('needs authentication', async () => {
    const anonymous = client(SessionService, 'connect-h1', server.baseUrl);
    expect(await codeOf(anonymous.createSession({}))).toBe(Code.Unauthenticated);
    expect(await codeOf(anonymous.getSession({ sessionId: '1', sessionToken: 'x' }))).toBe(Code.Unauthenticated);
  });
});
