import { Code } from '@connectrpc/connect';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { client } from '../support/clients.js';
import {
  eventsOnceWritten,
  eventually,
  MailCatcher,
  SmsWebhook,
  smtpProviderFor,
  startWithReceivers,
  uniquePhone,
  type ReceivingServer,
} from '../support/receivers.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { adminV1 } from '../support/v1-clients.js';
import { PASSWORD, addHuman, errorOf, loginClient } from './support/sessions.js';

let smtp: MailCatcher;
let sms: SmsWebhook;
let server: TestServer;
let loginPat: string;

let receiving: ReceivingServer | undefined;

beforeAll(async () => {
  receiving = await startWithReceivers();
  ({ smtp, sms, server } = receiving);
  loginPat = await loginClient(server);
});
afterAll(() => receiving?.stop());

const codeIn = (text: string | undefined) => /\b(\d{8})\b/.exec(text ?? '')?.[1];

/** The session's receipts of `type`, once one is written. */
const sessionReceipts = (sessionId: string, type: string) => eventsOnceWritten(server, sessionId, [type]);

describe('OTP codes delivered over real channels', () => {
  it('emails an OTP code (with the link template) that then checks the session', async () => {
    const { userId, username } = await addHuman(server);
    await client(UserService, 'grpc', server.baseUrl, server.adminPat).addOTPEmail({ userId });
    const sessions = client(SessionService, 'grpc', server.baseUrl, loginPat);
    const created = await sessions.createSession({
      checks: { user: { search: { case: 'userId', value: userId } }, password: { password: PASSWORD } },
      challenges: {
        otpEmail: {
          deliveryType: {
            case: 'sendCode',
            value: { urlTemplate: 'https://login.example.com/otp?user={{.UserID}}&code={{.Code}}' },
          },
        },
      },
    });
    expect(created.challenges?.otpEmail).toBeUndefined();
    const [mail] = await smtp.waitFor(`${username}@example.com`);
    expect(mail.subject).toBe('Your one-time sign-in code');
    const code = codeIn(mail.text);
    expect(code).toBeDefined();
    expect(mail.text).toContain(`https://login.example.com/otp?user=${userId}&code=${code}`);

    const set = await sessions.setSession({
      sessionId: created.sessionId,
      sessionToken: created.sessionToken,
      checks: { otpEmail: { code: code! } },
    });
    const { session } = await sessions.getSession({ sessionId: created.sessionId, sessionToken: set.sessionToken });
    expect(session?.factors?.otpEmail?.verifiedAt).toBeDefined();
    // ZITADEL's notifier receipts the challenge on the session once the mail is out.
    const [receipt] = await sessionReceipts(created.sessionId, 'session.otp.email.sent');
    expect(receipt).toMatchObject({ editor: { userId: 'NOTIFICATION' }, aggregate: { type: { type: 'session' } } });
  });

  it('accepts every placeholder ZITADEL documents for the OTP email link (Code, UserID, LoginName, DisplayName, PreferredLanguage, SessionID), as Login V2 sends them', async () => {
    const { userId, username } = await addHuman(server);
    await client(UserService, 'grpc', server.baseUrl, server.adminPat).addOTPEmail({ userId });
    await server.database.dataSource.query(`UPDATE users SET preferred_language = 'de' WHERE id = $1`, [userId]);
    const sessions = client(SessionService, 'grpc', server.baseUrl, loginPat);
    const created = await sessions.createSession({
      checks: { user: { search: { case: 'userId', value: userId } }, password: { password: PASSWORD } },
    });
    const template =
      'https://login.example.com/otp/email?code={{.Code}}&user={{.UserID}}&name={{.LoginName}}&dn={{.DisplayName}}&lang={{.PreferredLanguage}}&session={{.SessionID}}';
    await sessions.setSession({
      sessionId: created.sessionId,
      sessionToken: created.sessionToken,
      challenges: { otpEmail: { deliveryType: { case: 'sendCode', value: { urlTemplate: template } } } },
    });
    const [mail] = await smtp.waitFor(`${username}@example.com`);
    const link = new URL(/https:\/\/login\.example\.com\/otp\/email\S+/.exec(mail.text ?? '')![0]);
    expect(link.searchParams.get('code')).toBe(codeIn(mail.text));
    expect(link.searchParams.get('user')).toBe(userId);
    expect(link.searchParams.get('session')).toBe(created.sessionId);
    expect(link.searchParams.get('name')).toContain(username);
    expect(link.searchParams.get('dn')).toBeTruthy();
    expect(link.searchParams.get('lang')).toBe('de');
  });

  it('texts an OTP SMS code that is not to be returned, which then checks the session', async () => {
    const phone = uniquePhone();
    const { userId } = await addHuman(server, { phone });
    await client(UserService, 'grpc', server.baseUrl, server.adminPat).addOTPSMS({ userId });
    const sessions = client(SessionService, 'connect-h1', server.baseUrl, loginPat);
    const created = await sessions.createSession({
      checks: { user: { search: { case: 'userId', value: userId } } },
      challenges: { otpSms: { returnCode: false } },
    });
    const [message] = await sms.waitFor(phone);
    expect(message.body.template).toBe('otp');
    const code = codeIn(message.body.text);
    await sessions.setSession({ sessionId: created.sessionId, checks: { otpSms: { code: code! } } });
    expect(
      (await sessions.getSession({ sessionId: created.sessionId })).session?.factors?.otpSms?.verifiedAt,
    ).toBeDefined();
    expect(await sessionReceipts(created.sessionId, 'session.otp.sms.sent')).toHaveLength(1);
  });

  it('refuses an unknown link placeholder before writing anything', async () => {
    const { userId } = await addHuman(server);
    await client(UserService, 'grpc', server.baseUrl, server.adminPat).addOTPEmail({ userId });
    const err = await errorOf(
      client(SessionService, 'grpc', server.baseUrl, loginPat).createSession({
        checks: { user: { search: { case: 'userId', value: userId } } },
        challenges: {
          otpEmail: { deliveryType: { case: 'sendCode', value: { urlTemplate: 'https://x.example.com/{{.Nope}}' } } },
        },
      }),
    );
    expect(err.code).toBe(Code.InvalidArgument);
    expect(
      (
        await server.database.dataSource.query('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [userId])
      )[0].n,
    ).toBe(0);
  });
});

describe('OTP codes without a channel', () => {
  it('creates the session and queues the SMS all the same (ZITADEL writes the challenge and picks the provider when sending)', async () => {
    const bare = await bootTestServer();
    try {
      const pat = await loginClient(bare);
      const { userId } = await addHuman(bare, { phone: '+41790000001' });
      await client(UserService, 'grpc', bare.baseUrl, bare.adminPat).addOTPSMS({ userId });
      const created = await client(SessionService, 'grpc', bare.baseUrl, pat).createSession({
        checks: { user: { search: { case: 'userId', value: userId } } },
        challenges: { otpSms: { returnCode: false } },
      });
      expect(created.challenges?.otpSms).toBeUndefined();
      expect(
        (
          await bare.database.dataSource.query('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [userId])
        )[0].n,
      ).toBe(1);
      expect(
        await bare.database.dataSource.query(
          `SELECT channel, template FROM notification_outbox WHERE user_id = $1 AND template = 'otp'`,
          [userId],
        ),
      ).toEqual([{ channel: 'sms', template: 'otp' }]);
    } finally {
      await bare.close();
    }
  });
});

describe("OTP codes through the instance's own providers", () => {
  it("an instance whose active email and SMS providers were set through the admin API, on a server with no email or SMS settings, sends OTP email and SMS codes that check the session (ZITADEL sends through the instance's active provider)", async () => {
    const mails = await new MailCatcher().start();
    const gateway = await new SmsWebhook().start();
    // Only the instance's providers: the server has no PORTCULLIS_SMTP_HOST or SMS webhook.
    const bare = await bootTestServer({
      PORTCULLIS_NOTIFICATION_RETRY_SECONDS: '1',
      PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: 'true',
    });
    try {
      const admin = adminV1(bare.baseUrl, bare.adminPat);
      const sender = { senderAddress: 'login@instance.test', senderName: 'Instance', replyToAddress: '' };
      await admin.activateEmailProvider({ id: (await admin.addEmailProviderSMTP(smtpProviderFor(mails, sender))).id });
      await admin.activateSMSProvider({
        id: (await admin.addSMSProviderHTTP({ endpoint: gateway.url, description: 'instance SMS' })).id,
      });
      const phone = uniquePhone();
      const { userId, username } = await addHuman(bare, { phone });
      const users = client(UserService, 'grpc', bare.baseUrl, bare.adminPat);
      await users.addOTPEmail({ userId });
      await users.addOTPSMS({ userId });

      const sessions = client(SessionService, 'grpc', bare.baseUrl, await loginClient(bare));
      const created = await sessions.createSession({
        checks: { user: { search: { case: 'userId', value: userId } }, password: { password: PASSWORD } },
        challenges: { otpEmail: { deliveryType: { case: 'sendCode', value: {} } }, otpSms: { returnCode: false } },
      });
      const [mail] = await mails.waitFor(`${username}@example.com`);
      expect(mail.from?.value[0]?.address).toBe('login@instance.test');
      const texted = await eventually(
        () => gateway.received.find((s) => JSON.stringify(s.body).includes(phone)),
        'the OTP SMS through the instance provider',
      );
      const smsCode = (texted.body as unknown as { args: { code: string } }).args.code;

      const set = await sessions.setSession({
        sessionId: created.sessionId,
        checks: { otpEmail: { code: codeIn(mail.text)! }, otpSms: { code: smsCode } },
      });
      const { session } = await sessions.getSession({ sessionId: created.sessionId, sessionToken: set.sessionToken });
      expect(session?.factors?.otpEmail?.verifiedAt).toBeDefined();
      expect(session?.factors?.otpSms?.verifiedAt).toBeDefined();
    } finally {
      await bare.close();
      await Promise.all([mails.stop(), gateway.stop()]);
    }
  });
});
