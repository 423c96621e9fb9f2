import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadConfig } from '../../src/platform/config/config.js';
import { LogSmsProvider, smsProviderFrom, WebhookSmsProvider } from '../../src/notifications/sms.js';
import { OutboundHttp } from '../../src/platform/http/outbound.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { enqueue, eventually, outboxRows, SmsWebhook, uniqueEmail, uniquePhone } from '../support/receivers.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { client } from '../support/clients.js';
import { managementV1 } from '../support/v1-clients.js';

const TOKEN = 'webhook-token-3kq9';
let webhook: SmsWebhook;
let server: TestServer;

beforeAll(async () => {
  webhook = await new SmsWebhook().start();
  server = await bootTestServer({
    PORTCULLIS_SMS_WEBHOOK_URL: webhook.url,
    PORTCULLIS_SMS_WEBHOOK_TOKEN: TOKEN,
    PORTCULLIS_NOTIFICATION_RETRY_SECONDS: '1',
  });
});
afterAll(async () => {
  await server?.close();
  await webhook?.stop();
});

describe('SMS notifications through the webhook', () => {
  it('POSTs to, text and template as JSON with the bearer token', async () => {
    const to = uniquePhone();
    await enqueue(server, {
      channel: 'sms',
      to,
      template: 'verifyPhone',
      data: { code: 'P40NE7' },
      urlTemplate: 'https://login.acme.test/phone?user={{.UserID}}&code={{.Code}}',
    });
    const [sms] = await webhook.waitFor(to);
    expect(sms.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(sms.headers['content-type']).toBe('application/json');
    expect(sms.body).toEqual({
      to,
      template: 'verifyPhone',
      text: 'Your phone verification code: P40NE7\nhttps://login.acme.test/phone?user=300000000000000001&code=P40NE7',
    });
  });

  it('retries when the webhook answers non-2xx and delivers once it recovers', async () => {
    const to = uniquePhone();
    webhook.failNext = 1;
    await enqueue(server, { channel: 'sms', to, template: 'otp', data: { code: '918273' } });
    const [sms] = await webhook.waitFor(to);
    expect(sms.body.text).toBe('Your one-time sign-in code: 918273');
    expect(webhook.failed).toBe(1);
    const row = await eventually(async () => {
      const latest = (await outboxRows(server)).at(-1)!;
      return latest.state === 'sent' ? latest : undefined;
    }, 'the row marked sent');
    expect(row).toMatchObject({ channel: 'sms', attempts: 2, payload: null });
    expect(webhook.to(to)).toHaveLength(1);
  });

  it('AddHumanUser (v2 and management v1) and SetEmail succeed with no email channel: ZITADEL writes the code and queues its notification, which waits in the outbox and fails its attempts naming PORTCULLIS_SMTP_HOST', async () => {
    const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
    const v2 = await users.addHumanUser({
      username: uniqueEmail('v2-queued'),
      profile: { givenName: 'Q', familyName: 'Ueued' },
      email: { email: uniqueEmail('v2-queued'), verification: { case: 'sendCode', value: {} } },
    });
    expect(v2.emailCode).toBeUndefined();
    const v1 = await managementV1(server.baseUrl, server.adminPat).addHumanUser({
      userName: uniqueEmail('v1-queued'),
      profile: { firstName: 'Q', lastName: 'Ueued' },
      email: { email: uniqueEmail('v1-queued'), isEmailVerified: false },
      initialPassword: 'Initial-Passw0rd!',
    });
    await users.setEmail({ userId: v2.userId, email: uniqueEmail('v2-changed') });

    const rowsOf = (userId: string): Promise<{ state: string; attempts: number; last_error: string | null }[]> =>
      server.database.dataSource.query(
        `SELECT state, attempts, last_error FROM notification_outbox WHERE user_id = $1 AND channel = 'email' ORDER BY id`,
        [userId],
      );
    const failedOnce = async (userId: string, count: number) => {
      const rows = await rowsOf(userId);
      return rows.length === count && rows.every((r) => r.attempts >= 1) ? rows : undefined;
    };
    for (const [userId, count] of [
      [v2.userId, 2],
      [v1.userId, 1],
    ] as const) {
      const rows = await eventually(() => failedOnce(userId, count), `the queued email of ${userId} attempted`);
      for (const row of rows) {
        expect(row.state).toBe('pending');
        expect(row.last_error).toContain('PORTCULLIS_SMTP_HOST');
      }
    }
  });
});

describe('channel settings', () => {
  it('defaults email to STARTTLS on port 587 and validates the TLS mode', () => {
    const config = loadConfig({ PORTCULLIS_SMTP_HOST: 'smtp.acme.test' });
    expect(config).toMatchObject({ smtpPort: 587, smtpTls: 'starttls', smtpFrom: 'Portcullis <no-reply@localhost>' });
    expect(loadConfig({ PORTCULLIS_SMTP_PORT: '465', PORTCULLIS_SMTP_TLS: 'tls' })).toMatchObject({
      smtpPort: 465,
      smtpTls: 'tls',
    });
    expect(() => loadConfig({ PORTCULLIS_SMTP_TLS: 'ssl' })).toThrow(/PORTCULLIS_SMTP_TLS/);
    expect(() => loadConfig({ PORTCULLIS_SMS_WEBHOOK_URL: 'not a url' })).toThrow(/PORTCULLIS_SMS_WEBHOOK_URL/);
  });

  it('has none unless the webhook URL is set or the provider is log', () => {
    const from = (env: Record<string, string>) =>
      smsProviderFrom(loadConfig(env), pino({ level: 'silent' }), OutboundHttp.fromConfig(loadConfig(env)));
    expect(from({})).toBeUndefined();
    expect(from({ PORTCULLIS_SMS_WEBHOOK_URL: 'https://sms.test/hook' })).toBeInstanceOf(WebhookSmsProvider);
    expect(from({ PORTCULLIS_SMS_PROVIDER: 'log' })).toBeInstanceOf(LogSmsProvider);
    expect(() => loadConfig({ PORTCULLIS_SMS_PROVIDER: 'carrier-pigeon' })).toThrow(/PORTCULLIS_SMS_PROVIDER/);
  });

  it('the log provider logs a masked number and never the text', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    await new LogSmsProvider(pino({ level: 'info' }, sink)).send(
      '+41791234567',
      'Your one-time sign-in code: 918273',
      'otp',
    );
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ to: '+41*******67', template: 'otp' });
    expect(lines[0]).not.toContain('918273');
    expect(lines[0]).not.toContain('1234');
  });

  it('a webhook that cannot be reached fails with the reason, not the message', async () => {
    const provider = new WebhookSmsProvider('http://127.0.0.1:9/sms', TOKEN, OutboundHttp.fromConfig(loadConfig({})));
    const failure = provider.send('+41791234567', 'code 918273', 'otp');
    await expect(failure).rejects.toThrow(/SMS webhook unreachable/);
    await expect(failure).rejects.not.toThrow(/918273|webhook-token/);
  });
});
