import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { UserState } from '@zitadel/proto/zitadel/user/v2/user_pb.js';
import type { TestServer } from '../support/test-server.js';
import { client, rest } from '../support/clients.js';
import { adminV1 } from '../support/v1-clients.js';
import {
  eventually,
  startWithReceivers,
  uniqueEmail,
  uniquePhone,
  type MailCatcher,
  type ReceivingServer,
  type SmsWebhook,
} from '../support/receivers.js';

let smtp: MailCatcher;
let sms: SmsWebhook;
let server: TestServer;

let receiving: ReceivingServer | undefined;

beforeAll(async () => {
  receiving = await startWithReceivers();
  ({ smtp, sms, server } = receiving);
});
afterAll(() => receiving?.stop());

const codeIn = (text: string | undefined) => /\b([A-Z0-9]{6})\b/.exec(text ?? '')?.[1];

/** The user's events of `types` (admin v1 ListEvents), once as many as `count` are there. */
const userEvents = (userId: string, types: string[], count = 1) =>
  eventually(
    async () => {
      const { events } = await adminV1(server.baseUrl, server.adminPat).listEvents({
        aggregateId: userId,
        eventTypes: types,
        asc: true,
      });
      return events.length >= count ? events : undefined;
    },
    `${types.join(', ')} of ${userId}`,
  );

describe('user codes delivered over real channels', () => {
  it('emails the verification code of a new user, which then verifies the email (gRPC)', async () => {
    const email = uniqueEmail('newuser');
    const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
    const created = await users.addHumanUser({
      username: email,
      profile: { givenName: 'Mail', familyName: 'Box' },
      email: {
        email,
        verification: {
          case: 'sendCode',
          value: { urlTemplate: 'https://app.example.com/verify?user={{.UserID}}&code={{.Code}}' },
        },
      },
    });
    expect(created.emailCode).toBeUndefined();
    const [mail] = await smtp.waitFor(email);
    const code = codeIn(mail.text);
    expect(code).toBeDefined();
    expect(mail.text).toContain(`https://app.example.com/verify?user=${created.userId}&code=${code}`);
    expect(mail.html || '').toContain(`https://app.example.com/verify?user=${created.userId}&#38;code=${code}`);
    await users.verifyEmail({ userId: created.userId, verificationCode: code! });
    expect((await users.getUserByID({ userId: created.userId })).user?.state).toBe(UserState.ACTIVE);
  });

  it("writes a receipt for each delivered message, as ZITADEL's notifier does (`user.human.email.code.sent` after the code, editor NOTIFICATION, in the user's org)", async () => {
    const email = uniqueEmail('receipt');
    const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
    const { userId } = await users.addHumanUser({
      username: email,
      profile: { givenName: 'Re', familyName: 'Ceipt' },
      email: { email, verification: { case: 'sendCode', value: {} } },
    });
    await smtp.waitFor(email);
    const [receipt] = await userEvents(userId, ['user.human.email.code.sent']);
    const { user } = await users.getUserByID({ userId });
    expect(receipt).toMatchObject({
      editor: { userId: 'NOTIFICATION' },
      aggregate: { id: userId, type: { type: 'user' }, resourceOwner: user?.details?.resourceOwner },
    });
    const [added] = await userEvents(userId, ['user.human.email.code.added']);
    expect(Number(receipt.sequence)).toBeGreaterThan(Number(added.sequence));
    // A code handed back is not delivered: no receipt for it.
    await users.resendEmailCode({ userId, verification: { case: 'returnCode', value: {} } });
    await users.resendEmailCode({ userId, verification: { case: 'sendCode', value: {} } });
    await smtp.waitFor(email, 2);
    expect(await userEvents(userId, ['user.human.email.code.sent'], 2)).toHaveLength(2);
    expect(await userEvents(userId, ['user.human.email.code.added'], 3)).toHaveLength(3);
  });

  it('texts the phone verification code through the SMS webhook (Connect)', async () => {
    const users = client(UserService, 'connect-h1', server.baseUrl, server.adminPat);
    const { userId } = await users.addHumanUser({
      username: uniqueEmail('phone'),
      profile: { givenName: 'P', familyName: 'H' },
      email: { email: uniqueEmail('p'), verification: { case: 'isVerified', value: true } },
    });
    const phone = uniquePhone();
    await users.setPhone({ userId, phone });
    const received = await sms.waitFor(phone);
    const code = codeIn(received[0].body.text);
    await userEvents(userId, ['user.human.phone.code.sent']);
    await users.verifyPhone({ userId, verificationCode: code! });
    const got = await users.getUserByID({ userId });
    expect(got.user?.type.case === 'human' && got.user.type.value.phone?.isVerified).toBe(true);
  });

  it('sends a new email code on request and an invite code by REST', async () => {
    const email = uniqueEmail('invite');
    const created = await rest(server.baseUrl, 'POST', '/v2/users/human', {
      token: server.adminPat,
      body: { username: email, profile: { givenName: 'In', familyName: 'Vite' }, email: { email, returnCode: {} } },
    });
    const userId = created.body.userId;
    expect(
      (
        await rest(server.baseUrl, 'POST', `/v2/users/${userId}/email/resend`, {
          token: server.adminPat,
          body: { sendCode: {} },
        })
      ).status,
    ).toBe(200);
    const invite = await rest(server.baseUrl, 'POST', `/v2/users/${userId}/invite_code`, {
      token: server.adminPat,
      body: { sendCode: {} },
    });
    expect(invite.status).toBe(200);
    const mails = await smtp.waitFor(email, 2);
    const inviteCode = codeIn(mails.find((m) => /invit/i.test(m.subject ?? ''))?.text);
    expect(inviteCode).toBeDefined();
    const verified = await rest(server.baseUrl, 'POST', `/v2/users/${userId}/invite_code/verify`, {
      token: server.adminPat,
      body: { verificationCode: inviteCode },
    });
    expect(verified.status).toBe(200);
    const receipts = await userEvents(userId, ['user.human.email.code.sent', 'user.human.invite.code.sent'], 2);
    expect(receipts.map((e) => e.type?.type).sort()).toEqual([
      'user.human.email.code.sent',
      'user.human.invite.code.sent',
    ]);
  });
});
