import { Code } from '@connectrpc/connect';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { client } from '../support/clients.js';
import {
  startWithReceivers,
  uniquePhone,
  type MailCatcher,
  type ReceivingServer,
  type SmsWebhook,
} from '../support/receivers.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
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
