import { Code, ConnectError } from '@connectrpc/connect';
import { ErrorDetailSchema } from '@zitadel/proto/zitadel/message_pb.js';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { CODE_CHECKS_RATE_LIMITED, CODE_INVALID, CODE_SPENT } from '../../src/users/users.errors.js';
import { MAX_CODE_ATTEMPTS } from '../../src/users/code-attempts.js';
import { CODE_CHECKS_PER_USER_PER_MINUTE as PER_USER_PER_MINUTE } from '../../src/users/user-codes.store.js';
import { client, rest } from '../support/clients.js';
import { uniquePhone } from '../support/receivers.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { addHuman, errorOf } from './mfa/support/users.js';

// Every kind of one-time code takes five wrong tries, counted in the code's row; then it is spent
// and even the right code fails until a new one is issued. Each wrong try (and the spending) is
// audited. Tries are limited per user and minute as well.

let server: TestServer;
beforeAll(async () => {
  server = await bootTestServer();
}, 60_000);
afterAll(() => server?.close());

const admin = () => client(UserService, 'grpc', server.baseUrl, server.adminPat);
const detailId = (err: ConnectError) => err.findDetails(ErrorDetailSchema)[0]?.id;

/** A code that differs from `code` in its last character (same length and alphabet). */
function wrong(code: string): string {
  const last = code.at(-1)!;
  return code.slice(0, -1) + (last === '0' ? '1' : '0');
}

interface CodeKindCase {
  /** A user with a pending code of the kind: the user and a way to issue a fresh code. */
  readonly user: () => Promise<string>;
  readonly issue: (userId: string) => Promise<string>;
  readonly check: (userId: string, code: string) => Promise<unknown>;
}

const KINDS: Record<string, CodeKindCase> = {
  'email verification': {
    user: async () => (await addHuman(server)).userId,
    issue: async (userId) =>
      (
        await admin().setEmail({
          userId,
          email: `${userId}@example.com`,
          verification: { case: 'returnCode', value: {} },
        })
      ).verificationCode!,
    check: (userId, code) => admin().verifyEmail({ userId, verificationCode: code }),
  },
  'phone verification': {
    user: async () => (await addHuman(server)).userId,
    issue: async (userId) =>
      (await admin().setPhone({ userId, phone: uniquePhone(), verification: { case: 'returnCode', value: {} } }))
        .verificationCode!,
    check: (userId, code) => admin().verifyPhone({ userId, verificationCode: code }),
  },
  invite: {
    user: async () =>
      (
        await admin().addHumanUser({
          username: `inv${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
          profile: { givenName: 'In', familyName: 'Vite' },
          email: { email: 'invitee@example.com', verification: { case: 'returnCode', value: {} } },
        })
      ).userId,
    issue: async (userId) =>
      (await admin().createInviteCode({ userId, verification: { case: 'returnCode', value: {} } })).inviteCode!,
    check: (userId, code) => admin().verifyInviteCode({ userId, verificationCode: code }),
  },
  'password reset': {
    user: async () => (await addHuman(server)).userId,
    issue: async (userId) =>
      (await admin().passwordReset({ userId, medium: { case: 'returnCode', value: {} } })).verificationCode!,
    check: (userId, code) =>
      admin().setPassword({
        userId,
        newPassword: { password: 'N3w!passw0rd', changeRequired: false },
        verification: { case: 'verificationCode', value: code },
      }),
  },
};

async function eventCount(userId: string, type: string): Promise<number> {
  const [{ count }] = await server.database.dataSource.query(
    `SELECT count(*)::int AS count FROM events WHERE aggregate_type = 'user' AND aggregate_id = $1 AND event_type = $2`,
    [userId, type],
  );
  return count;
}

describe.each(Object.entries(KINDS))('%s codes', (_kind, k) => {
  it(`are spent after ${MAX_CODE_ATTEMPTS} wrong tries: then even the right code fails with a clear error, and each try and the spending are audited`, async () => {
    const userId = await k.user();
    const code = await k.issue(userId);
    for (let i = 1; i <= MAX_CODE_ATTEMPTS; i++) {
      const err = await errorOf(k.check(userId, wrong(code)));
      expect(err.code).toBe(Code.InvalidArgument);
      expect(detailId(err)).toBe(CODE_INVALID);
    }
    const spent = await errorOf(k.check(userId, code));
    expect(spent.code).toBe(Code.FailedPrecondition);
    expect(detailId(spent)).toBe(CODE_SPENT);
    expect(spent.rawMessage).toMatch(/request a new one/);
    expect(await eventCount(userId, 'user.code.check.failed')).toBe(MAX_CODE_ATTEMPTS);
    expect(await eventCount(userId, 'user.code.spent')).toBe(1);
  });

  it('a fresh code starts a fresh count and works', async () => {
    const userId = await k.user();
    const first = await k.issue(userId);
    for (let i = 0; i < MAX_CODE_ATTEMPTS; i++) await errorOf(k.check(userId, wrong(first)));
    const fresh = await k.issue(userId);
    await k.check(userId, fresh);
  });

  it(`the right code after ${MAX_CODE_ATTEMPTS - 1} wrong tries still works`, async () => {
    const userId = await k.user();
    const code = await k.issue(userId);
    for (let i = 0; i < MAX_CODE_ATTEMPTS - 1; i++) await errorOf(k.check(userId, wrong(code)));
    await k.check(userId, code);
  });
});

describe('the count of wrong tries', () => {
  it('is per code: wrong tries at the email code leave the phone code of the same user whole', async () => {
    const userId = await KINDS['email verification'].user();
    const email = await KINDS['email verification'].issue(userId);
    const phone = await KINDS['phone verification'].issue(userId);
    for (let i = 0; i < MAX_CODE_ATTEMPTS; i++) await errorOf(KINDS['email verification'].check(userId, wrong(email)));
    expect(detailId(await errorOf(KINDS['email verification'].check(userId, email)))).toBe(CODE_SPENT);
    await KINDS['phone verification'].check(userId, phone);
  });

  it("is per user: user B's wrong tries (even with A's code) do not spend user A's code", async () => {
    const a = await KINDS['email verification'].user();
    const b = await KINDS['email verification'].user();
    const codeA = await KINDS['email verification'].issue(a);
    await KINDS['email verification'].issue(b);
    for (let i = 0; i < MAX_CODE_ATTEMPTS; i++) await errorOf(KINDS['email verification'].check(b, codeA));
    expect(await eventCount(a, 'user.code.check.failed')).toBe(0);
    await KINDS['email verification'].check(a, codeA);
  });

  it("counts a wrong reset code given to UpdateHumanUser, and writes none of the request's other changes", async () => {
    const k = KINDS['password reset'];
    const userId = await k.user();
    const code = await k.issue(userId);
    const err = await errorOf(
      admin().updateHumanUser({
        userId,
        profile: { givenName: 'Changed', familyName: 'Name' },
        password: {
          passwordType: { case: 'password', value: { password: 'N3w!passw0rd', changeRequired: false } },
          verification: { case: 'verificationCode', value: wrong(code) },
        },
      }),
    );
    expect(detailId(err)).toBe(CODE_INVALID);
    expect(await eventCount(userId, 'user.code.check.failed')).toBe(1);
    const { user } = await admin().getUserByID({ userId });
    expect(user?.type.case === 'human' && user.type.value.profile?.givenName).toBe('Mia');
    await k.check(userId, code);
  });

  it('refuses the right code over REST once spent, with the same error', async () => {
    const userId = await KINDS['email verification'].user();
    const code = await KINDS['email verification'].issue(userId);
    for (let i = 0; i < MAX_CODE_ATTEMPTS; i++) {
      const res = await rest(server.baseUrl, 'POST', `/v2/users/${userId}/email/verify`, {
        token: server.adminPat,
        body: { verificationCode: wrong(code) },
      });
      expect(res.status).toBe(400);
    }
    const res = await rest(server.baseUrl, 'POST', `/v2/users/${userId}/email/verify`, {
      token: server.adminPat,
      body: { verificationCode: code },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(Code.FailedPrecondition);
    expect(res.body.details[0].id).toBe(CODE_SPENT);
  });
});

describe('OTP SMS and email codes of a session', () => {
  const sessions = () => client(SessionService, 'grpc', server.baseUrl, server.adminPat);

  async function challenged(channel: 'sms' | 'email') {
    const { userId } = await addHuman(server, { phone: uniquePhone() });
    if (channel === 'sms') await admin().addOTPSMS({ userId });
    else await admin().addOTPEmail({ userId });
    const challenge =
      channel === 'sms'
        ? { otpSms: { returnCode: true } }
        : { otpEmail: { deliveryType: { case: 'returnCode' as const, value: {} } } };
    const created = await sessions().createSession({
      checks: { user: { search: { case: 'userId', value: userId } }, password: { password: 'Secr3t!pass' } },
      challenges: challenge,
    });
    const code = channel === 'sms' ? created.challenges!.otpSms! : created.challenges!.otpEmail!;
    const check = (c: string) =>
      sessions().setSession({
        sessionId: created.sessionId,
        checks: channel === 'sms' ? { otpSms: { code: c } } : { otpEmail: { code: c } },
      });
    const rechallenge = async () => {
      const r = await sessions().setSession({ sessionId: created.sessionId, challenges: challenge });
      return channel === 'sms' ? r.challenges!.otpSms! : r.challenges!.otpEmail!;
    };
    return { userId, sessionId: created.sessionId, code, check, rechallenge };
  }

  it.each(['sms', 'email'] as const)(
    `OTP %s: ${MAX_CODE_ATTEMPTS} wrong tries spend the code, the right one then fails, a new challenge works`,
    async (channel) => {
      const s = await challenged(channel);
      for (let i = 0; i < MAX_CODE_ATTEMPTS; i++)
        expect((await errorOf(s.check(wrong(s.code)))).code).toBe(Code.InvalidArgument);
      const spent = await errorOf(s.check(s.code));
      expect(spent.code).toBe(Code.FailedPrecondition);
      expect(detailId(spent)).toBe(CODE_SPENT);
      expect(await eventCount(s.userId, 'user.code.check.failed')).toBe(MAX_CODE_ATTEMPTS);
      expect(await eventCount(s.userId, 'user.code.spent')).toBe(1);
      const { session: before } = await sessions().getSession({ sessionId: s.sessionId });
      expect(channel === 'sms' ? before?.factors?.otpSms : before?.factors?.otpEmail).toBeUndefined();
      await s.check(await s.rechallenge());
      const { session } = await sessions().getSession({ sessionId: s.sessionId });
      expect(
        channel === 'sms' ? session?.factors?.otpSms?.verifiedAt : session?.factors?.otpEmail?.verifiedAt,
      ).toBeDefined();
    },
  );

  it("counts per session: wrong tries in one session leave the code of the user's other session whole", async () => {
    const s = await challenged('sms');
    const other = await sessions().createSession({
      checks: { user: { search: { case: 'userId', value: s.userId } }, password: { password: 'Secr3t!pass' } },
      challenges: { otpSms: { returnCode: true } },
    });
    for (let i = 0; i < MAX_CODE_ATTEMPTS; i++) await errorOf(s.check(wrong(s.code)));
    await sessions().setSession({
      sessionId: other.sessionId,
      checks: { otpSms: { code: other.challenges!.otpSms! } },
    });
  });
});

describe('tries per user and minute', () => {
  it(`are limited to ${PER_USER_PER_MINUTE} (RESOURCE_EXHAUSTED after), for that user only`, async () => {
    const k = KINDS['email verification'];
    const userId = await k.user();
    let code = await k.issue(userId);
    for (let i = 0; i < PER_USER_PER_MINUTE; i++) {
      if (i === MAX_CODE_ATTEMPTS) code = await k.issue(userId);
      expect((await errorOf(k.check(userId, wrong(code)))).code).toBe(Code.InvalidArgument);
    }
    const limited = await errorOf(k.check(userId, code));
    expect(limited.code).toBe(Code.ResourceExhausted);
    expect(detailId(limited)).toBe(CODE_CHECKS_RATE_LIMITED);
    const other = await k.user();
    await k.check(other, await k.issue(other));
  });
});
