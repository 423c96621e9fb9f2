import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActionService } from '@zitadel/proto/zitadel/action/v2beta/action_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { UserState } from '@zitadel/proto/zitadel/user/v2/user_pb.js';
import type { TestServer } from '../support/test-server.js';
import { client, rest } from '../support/clients.js';
import {
  eventsOnceWritten,
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
  // The event execution's target listens on loopback, in this process.
  receiving = await startWithReceivers({ PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: '127.0.0.1/32' });
  ({ smtp, sms, server } = receiving);
});
afterAll(() => receiving?.stop());

const codeIn = (text: string | undefined) => /\b([A-Z0-9]{6})\b/.exec(text ?? '')?.[1];

/** The user's events of `types`, once at least `count` are written. */
const userEvents = (userId: string, types: string[], count = 1) => eventsOnceWritten(server, userId, types, count);

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

  it('an event execution on a receipt fires once the message is out (ZITADEL: executions follow the event log, `….sent` included)', async () => {
    const calls: { aggregateID: string; event_type: string; aggregateType: string }[] = [];
    const receiver = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      req.on('end', () => {
        calls.push(JSON.parse(raw));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const actions = client(ActionService, 'grpc', server.baseUrl, server.adminPat);
    const condition = {
      conditionType: { case: 'event', value: { condition: { case: 'event', value: 'user.human.email.code.sent' } } },
    } as never;
    try {
      const target = await actions.createTarget({
        name: `receipt-${Date.now()}`,
        endpoint: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/sent`,
        timeout: { seconds: 5n, nanos: 0 },
        targetType: { case: 'restAsync', value: {} },
      });
      await actions.setExecution({ condition, targets: [target.id] });
      const email = uniqueEmail('executed');
      const { userId } = await client(UserService, 'grpc', server.baseUrl, server.adminPat).addHumanUser({
        username: email,
        profile: { givenName: 'Ex', familyName: 'Ecuted' },
        email: { email, verification: { case: 'sendCode', value: {} } },
      });
      await smtp.waitFor(email);
      const call = await eventually(() => calls.find((c) => c.aggregateID === userId), 'the receipt at the target');
      expect(call).toMatchObject({ aggregateType: 'user', event_type: 'user.human.email.code.sent' });
      // Only the receipt: the execution is on that event type alone.
      expect(calls.filter((c) => c.aggregateID === userId).map((c) => c.event_type)).toEqual([
        'user.human.email.code.sent',
      ]);
    } finally {
      await actions.setExecution({ condition, targets: [] });
      receiver.close();
    }
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
