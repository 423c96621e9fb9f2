// Attack replay against two server processes on one database (as behind a load balancer): a plain
// user, with its own session token, tries to give itself an email address it does not hold,
// first by marking it verified or taking the code back (refused), then by guessing the code that
// went to the real mailbox, concurrently on both processes. Five wrong tries spend the code in
// PostgreSQL whatever process counted them; the right code then fails too; tries per user and
// minute run out on each process.
import { Code, ConnectError } from '@connectrpc/connect';
import { ErrorDetailSchema } from '@zitadel/proto/zitadel/message_pb.js';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { MAX_CODE_ATTEMPTS } from '../../../src/users/code-attempts.js';
import {
  CODE_CHECKS_RATE_LIMITED,
  CODE_INVALID,
  CODE_SPENT,
  CONTACT_PROOF_DENIED,
} from '../../../src/users/users.errors.js';
import { client, codeOf, rest } from '../../support/clients.js';
import { MailCatcher, deliveryEnv, uniqueEmail } from '../../support/receivers.js';
import { freshData, startChild, stopChild, type ChildServer } from '../support/child-server.js';

let smtp: MailCatcher;
let a: ChildServer;
let b: ChildServer;

beforeAll(async () => {
  smtp = await new MailCatcher().start();
  const data = await freshData();
  // The children default to no rate limits; these attacks are what the limits are for.
  const env = { ...deliveryEnv(smtp), PORTCULLIS_RATE_LIMIT_PER_MINUTE: '600' };
  a = await startChild(data, env);
  b = await startChild(data, env);
}, 120_000);
afterAll(async () => {
  await Promise.all([stopChild(a), stopChild(b)]);
  await smtp?.stop();
});

const idOf = (err: unknown) => ConnectError.from(err).findDetails(ErrorDetailSchema)[0]?.id;

/** An attacker: a plain human of the default org (no roles) and its own session token. */
async function attacker(): Promise<{ userId: string; token: string }> {
  const username = `eve${Date.now().toString(36)}`;
  const { userId } = await client(UserService, 'grpc', a.baseUrl, a.adminPat).addHumanUser({
    username,
    profile: { givenName: 'Eve', familyName: 'Dropper' },
    email: { email: `${username}@attacker.example.test`, verification: { case: 'isVerified', value: true } },
    passwordType: { case: 'password', value: { password: 'Secr3t!pass', changeRequired: false } },
  });
  const { sessionToken } = await client(SessionService, 'grpc', a.baseUrl, a.adminPat).createSession({
    checks: { user: { search: { case: 'userId', value: userId } }, password: { password: 'Secr3t!pass' } },
  });
  return { userId, token: sessionToken };
}

it("refuses a user marking a victim's address verified on itself, or taking its code back, over gRPC and REST", async () => {
  const eve = await attacker();
  const asEve = client(UserService, 'grpc', b.baseUrl, eve.token);
  const victim = uniqueEmail('victim');
  for (const call of [
    asEve.setEmail({ userId: eve.userId, email: victim, verification: { case: 'isVerified', value: true } }),
    asEve.setEmail({ userId: eve.userId, email: victim, verification: { case: 'returnCode', value: {} } }),
    asEve.updateHumanUser({
      userId: eve.userId,
      email: { email: victim, verification: { case: 'isVerified', value: true } },
    }),
  ]) {
    expect(await codeOf(call)).toBe(Code.PermissionDenied);
  }
  const res = await rest(a.baseUrl, 'POST', `/v2/users/${eve.userId}/email`, {
    token: eve.token,
    body: { email: victim, isVerified: true },
  });
  expect(res.status).toBe(403);
  expect(res.body.details[0].id).toBe(CONTACT_PROOF_DENIED);
  const { user } = await client(UserService, 'grpc', a.baseUrl, a.adminPat).getUserByID({ userId: eve.userId });
  expect(user?.type.case === 'human' && user.type.value.email?.email).not.toBe(victim);
});

it(`counts ${MAX_CODE_ATTEMPTS} wrong guesses across both processes, however concurrent, then refuses even the right code`, async () => {
  const eve = await attacker();
  const victim = uniqueEmail('victim');
  // The code goes to the victim's mailbox, which the attacker does not read.
  await client(UserService, 'grpc', a.baseUrl, eve.token).setEmail({
    userId: eve.userId,
    email: victim,
    verification: { case: 'sendCode', value: {} },
  });
  const [mail] = await smtp.waitFor(victim);
  const code = /\b([A-Z0-9]{6})\b/.exec(mail.text ?? '')![1];

  const guesses = Array.from({ length: 16 }, (_, i) => {
    const server = i % 2 ? a : b;
    const guess = String(100000 + i) === code ? '999999' : String(100000 + i);
    return client(UserService, i % 4 < 2 ? 'grpc' : 'connect-h1', server.baseUrl, eve.token)
      .verifyEmail({ userId: eve.userId, verificationCode: guess })
      .then(() => 'verified', idOf);
  });
  const answers = await Promise.all(guesses);
  expect(answers.filter((x) => x === CODE_INVALID)).toHaveLength(MAX_CODE_ATTEMPTS);
  expect(answers.filter((x) => x !== CODE_INVALID && x !== CODE_SPENT && x !== CODE_CHECKS_RATE_LIMITED)).toEqual([]);

  for (const server of [a, b]) {
    const right = client(UserService, 'grpc', server.baseUrl, eve.token).verifyEmail({
      userId: eve.userId,
      verificationCode: code,
    });
    expect(await right.then(() => 'verified', idOf)).toBe(CODE_SPENT);
  }
  const { user } = await client(UserService, 'grpc', b.baseUrl, b.adminPat).getUserByID({ userId: eve.userId });
  expect(user?.type.case === 'human' && user.type.value.email?.isVerified).toBe(false);

  // Each process allows a user a handful of tries a minute; the next ones are refused outright.
  const more = await Promise.all(
    Array.from({ length: 6 }, () =>
      client(UserService, 'grpc', a.baseUrl, eve.token)
        .verifyEmail({ userId: eve.userId, verificationCode: code })
        .then(() => 'verified', idOf),
    ),
  );
  expect(more).toContain(CODE_CHECKS_RATE_LIMITED);
  expect(more).not.toContain('verified');
});
