import { Code, ConnectError } from '@connectrpc/connect';
import { CredentialsCheckErrorSchema, ErrorDetailSchema } from '@zitadel/proto/zitadel/message_pb.js';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { UserState } from '@zitadel/proto/zitadel/user/v2/user_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { client, rest } from '../support/clients.js';
import type { TestServer } from '../support/test-server.js';
import { bootTestServer } from '../support/test-server.js';
import {
  PASSWORD,
  addHuman,
  appCode,
  defaultOrgOf,
  errorOf,
  loginClient,
  withTotp,
  wrongCode,
} from './support/sessions.js';
import { SESSION_ERRORS } from '../../src/sessions/sessions.errors.js';

let server: TestServer;
let loginPat: string;
let lockingOrg: string;

/** An org's own policy, set as admins do: ZITADEL's management v1 API over REST. */
async function orgPolicy(orgId: string, kind: 'lockout' | 'login', body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${server.baseUrl}/management/v1/policies/${kind}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${server.adminPat}`,
      'content-type': 'application/json',
      'x-zitadel-orgid': orgId,
    },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`setting the ${kind} policy answered ${res.status}: ${await res.text()}`);
}

beforeAll(async () => {
  server = await bootTestServer();
  loginPat = await loginClient(server);
  lockingOrg = (
    await client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat).createOrganization({ name: 'Locking Org' })
  ).id;
  await orgPolicy(lockingOrg, 'lockout', { maxPasswordAttempts: 3, maxOtpAttempts: 2 });
});
afterAll(() => server?.close());

const sessions = () => client(SessionService, 'grpc', server.baseUrl, loginPat);
const users = () => client(UserService, 'grpc', server.baseUrl, server.adminPat);
const attempts = (err: ConnectError) => err.findDetails(CredentialsCheckErrorSchema)[0]?.failedAttempts;
const passwordCheck = (userId: string, password: string) =>
  sessions().createSession({ checks: { user: { search: { case: 'userId', value: userId } }, password: { password } } });

describe('failed password checks with the default lockout policy (no limit)', () => {
  it('counts every failure in the error detail, never locks, and starts again after a success', async () => {
    const { userId } = await addHuman(server);
    for (let i = 1; i <= 5; i++) {
      const err = await errorOf(passwordCheck(userId, `wrong-${i}`));
      expect(err.code).toBe(Code.InvalidArgument);
      expect(err.rawMessage).toContain(SESSION_ERRORS.passwordInvalid);
      expect(attempts(err)).toBe(i);
      expect(err.findDetails(ErrorDetailSchema)[0]?.id).toBe(SESSION_ERRORS.passwordInvalid);
    }
    expect((await users().getUserByID({ userId })).user?.state).toBe(UserState.ACTIVE);
    await passwordCheck(userId, PASSWORD);
    expect(attempts(await errorOf(passwordCheck(userId, 'wrong-again')))).toBe(1);
  });
});

describe('an org lockout policy of 3 password and 2 OTP attempts', () => {
  it('locks the user on the third wrong password, refuses every check then, and counts again after an unlock', async () => {
    const { userId } = await addHuman(server, { orgId: lockingOrg });
    expect(attempts(await errorOf(passwordCheck(userId, 'x1')))).toBe(1);
    expect(attempts(await errorOf(passwordCheck(userId, 'x2')))).toBe(2);
    const third = await errorOf(passwordCheck(userId, 'x3'));
    expect(third.code).toBe(Code.InvalidArgument);
    expect(attempts(third)).toBe(3);
    expect((await users().getUserByID({ userId })).user?.state).toBe(UserState.LOCKED);
    const events = await server.database.dataSource.query(
      `SELECT event_type FROM events WHERE aggregate_id = $1 ORDER BY sequence`,
      [userId],
    );
    expect(events.map((e: { event_type: string }) => e.event_type).slice(-4)).toEqual([
      'user.human.password.check.failed',
      'user.human.password.check.failed',
      'user.human.password.check.failed',
      'user.locked',
    ]);

    // Locked: even the right password fails, without verifying it.
    const locked = await errorOf(passwordCheck(userId, PASSWORD));
    expect(locked.code).toBe(Code.FailedPrecondition);
    expect(locked.rawMessage).toContain(SESSION_ERRORS.userLocked);

    await users().unlockUser({ userId });
    expect(attempts(await errorOf(passwordCheck(userId, 'after-unlock')))).toBe(1);
    await passwordCheck(userId, PASSWORD);
  });

  it('locks the user on the second wrong TOTP code', async () => {
    const { userId } = await addHuman(server, { orgId: lockingOrg });
    const secret = await withTotp(server, userId);
    const created = await passwordCheck(userId, PASSWORD);
    const totp = (code: string) => sessions().setSession({ sessionId: created.sessionId, checks: { totp: { code } } });
    expect(attempts(await errorOf(totp(wrongCode(secret))))).toBe(1);
    // A success resets the count.
    await totp(appCode(secret));
    expect(attempts(await errorOf(totp(wrongCode(secret))))).toBe(1);
    expect(attempts(await errorOf(totp(wrongCode(secret))))).toBe(2);
    expect((await users().getUserByID({ userId })).user?.state).toBe(UserState.LOCKED);
    expect((await errorOf(totp(appCode(secret)))).code).toBe(Code.FailedPrecondition);
  });

  it('keeps the OTP count through a password success, which starts only the password count again', async () => {
    const { userId } = await addHuman(server, { orgId: lockingOrg });
    const secret = await withTotp(server, userId);
    const created = await passwordCheck(userId, PASSWORD);
    const totp = (code: string) => sessions().setSession({ sessionId: created.sessionId, checks: { totp: { code } } });
    expect(attempts(await errorOf(passwordCheck(userId, 'x1')))).toBe(1);
    expect(attempts(await errorOf(totp(wrongCode(secret))))).toBe(1);
    await passwordCheck(userId, PASSWORD);
    expect(attempts(await errorOf(passwordCheck(userId, 'x2')))).toBe(1);
    expect(attempts(await errorOf(totp(wrongCode(secret))))).toBe(2);
    expect((await users().getUserByID({ userId })).user?.state).toBe(UserState.LOCKED);
  });

  it('counts wrong OTP SMS codes too', async () => {
    const { userId } = await addHuman(server, { orgId: lockingOrg, phone: '+41795550000' });
    await users().addOTPSMS({ userId });
    const created = await sessions().createSession({
      checks: { user: { search: { case: 'userId', value: userId } } },
      challenges: { otpSms: { returnCode: true } },
    });
    const otp = (code: string) => sessions().setSession({ sessionId: created.sessionId, checks: { otpSms: { code } } });
    expect(attempts(await errorOf(otp('00000001')))).toBe(1);
    expect(attempts(await errorOf(otp('00000002')))).toBe(2);
    expect((await users().getUserByID({ userId })).user?.state).toBe(UserState.LOCKED);
  });

  it('shows the count over REST as a CredentialsCheckError detail', async () => {
    const { userId } = await addHuman(server, { orgId: lockingOrg });
    const res = await rest(server.baseUrl, 'POST', '/v2/sessions', {
      token: loginPat,
      body: { checks: { user: { userId }, password: { password: 'nope' } } },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(3);
    expect(res.body.details).toContainEqual({
      '@type': 'type.googleapis.com/zitadel.v1.CredentialsCheckError',
      id: SESSION_ERRORS.passwordInvalid,
      message: 'the password is invalid',
      failedAttempts: 1,
    });
  });
});

describe('ignoreUnknownUsernames', () => {
  it('answers an unknown login name with a password exactly like a wrong password', async () => {
    const known = await addHuman(server);
    const byName = (loginName: string, password: string) =>
      errorOf(
        sessions().createSession({
          checks: { user: { search: { case: 'loginName', value: loginName } }, password: { password } },
        }),
      );

    // Off (the default): an unknown name is NOT_FOUND.
    expect((await byName('ghost-user', 'whatever')).code).toBe(Code.NotFound);

    await orgPolicy(await defaultOrgOf(server), 'login', { allowUsernamePassword: true, ignoreUnknownUsernames: true });
    const unknown = await byName('ghost-user', 'whatever');
    const wrong = await byName(known.username, 'whatever');
    for (const err of [unknown, wrong]) {
      expect(err.code).toBe(Code.InvalidArgument);
      expect(err.rawMessage).toBe('the password is invalid (SESSION-pw1nv)');
      // A count would tell known from unknown names.
      expect(err.findDetails(CredentialsCheckErrorSchema)).toEqual([]);
    }
  });
});
