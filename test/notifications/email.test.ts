import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import {
  enqueue,
  eventually,
  MailCatcher,
  outboxRows,
  SMTP_PASSWORD,
  SMTP_USER,
  uniqueEmail,
} from '../support/receivers.js';
import { NOTIFICATION_ERRORS } from '../../src/notifications/notifications.errors.js';

let smtp: MailCatcher;
let server: TestServer;

beforeAll(async () => {
  smtp = await new MailCatcher().start();
  server = await bootTestServer({
    PORTCULLIS_SMTP_HOST: '127.0.0.1',
    PORTCULLIS_SMTP_PORT: String(smtp.port),
    PORTCULLIS_SMTP_TLS: 'none',
    PORTCULLIS_SMTP_USER: SMTP_USER,
    PORTCULLIS_SMTP_PASSWORD: SMTP_PASSWORD,
    PORTCULLIS_SMTP_FROM: 'Acme Login <login@acme.test>',
    PORTCULLIS_NOTIFICATION_RETRY_SECONDS: '1',
    PORTCULLIS_NOTIFICATION_MAX_ATTEMPTS: '3',
  });
});
afterAll(async () => {
  await server?.close();
  await smtp?.stop();
});

const latestRow = async () => (await outboxRows(server)).at(-1)!;

describe('email notifications over SMTP', () => {
  it('sends the email once the transaction commits: subject, text, HTML and the rendered link', async () => {
    const to = uniqueEmail('ada');
    const instance = await server.app.get(InstanceResolver).resolve('127.0.0.1');
    await enqueue(server, {
      channel: 'email',
      to,
      template: 'passwordReset',
      data: { code: 'R3SET9', displayName: 'Ada <Admin>', loginName: 'ada@acme.test' },
      urlTemplate:
        'https://login.acme.test/reset?user={{.UserID}}&code={{.Code}}&org={{.OrgID}}&login={{ .LoginName }}',
    });

    const [mail] = await smtp.waitFor(to);
    const link = `https://login.acme.test/reset?user=300000000000000001&code=R3SET9&org=${instance.defaultOrgId}&login=ada%40acme.test`;
    expect(mail.subject).toBe('Reset your password');
    expect(mail.from?.value[0]).toMatchObject({ name: 'Acme Login', address: 'login@acme.test' });
    expect(mail.text).toContain('Hello Ada <Admin>,');
    expect(mail.text).toContain('R3SET9');
    expect(mail.text).toContain(`Reset your password: ${link}`);
    expect(mail.html).toContain('Hello Ada &#60;Admin&#62;,');
    expect(mail.html).toContain('>R3SET9</p>');
    expect(mail.html).toContain(`<a href="${link.replaceAll('&', '&#38;')}">Reset your password</a>`);
    expect(smtp.logins).toContain(`${SMTP_USER}:${SMTP_PASSWORD}`);

    // Sent rows keep no secret.
    await eventually(async () => ((await latestRow()).state === 'sent' ? true : undefined), 'the row marked sent');
    expect(await latestRow()).toMatchObject({
      state: 'sent',
      attempts: 1,
      payload: null,
      last_error: null,
      template: 'passwordReset',
    });
  });

  it('stores the pending notification sealed with the master key', async () => {
    const to = uniqueEmail('sealed');
    let payload = '';
    await enqueue(server, { channel: 'email', to, data: { code: 'S3ALED' } }, async (tx) => {
      [{ payload }] = await tx.query(`SELECT payload FROM notification_outbox ORDER BY id DESC LIMIT 1`);
    });
    expect(payload).toMatch(/^v1\./);
    expect(payload).not.toContain('S3ALED');
    expect(payload).not.toContain(to);
    await smtp.waitFor(to);
  });

  it('sends nothing when the transaction rolls back', async () => {
    const before = (await outboxRows(server)).length;
    const rolledBack = uniqueEmail('rolled-back');
    await expect(
      enqueue(server, { channel: 'email', to: rolledBack }, async () => {
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');

    // A later committed notification arrives: the worker ran after the rollback and had nothing else.
    const later = uniqueEmail('later');
    await enqueue(server, { channel: 'email', to: later });
    await smtp.waitFor(later);
    expect(smtp.to(rolledBack)).toHaveLength(0);
    expect(await outboxRows(server)).toHaveLength(before + 1);
  });

  it('retries a refused message with backoff and delivers it once the server accepts again', async () => {
    const to = uniqueEmail('retried');
    smtp.refuseNext = 1;
    const refusedBefore = smtp.refused;
    await enqueue(server, { channel: 'email', to });
    const [mail] = await smtp.waitFor(to);
    expect(mail.subject).toBe('Verify your email address');
    expect(smtp.refused).toBe(refusedBefore + 1);
    await eventually(async () => ((await latestRow()).state === 'sent' ? true : undefined), 'the row marked sent');
    expect(await latestRow()).toMatchObject({ state: 'sent', attempts: 2, payload: null });
    expect(smtp.to(to)).toHaveLength(1);
  });

  it('gives up after the configured attempts and keeps no secret in the row', async () => {
    const to = uniqueEmail('bounced');
    smtp.refuseNext = 100;
    try {
      await enqueue(server, { channel: 'email', to, data: { code: 'N0TL0GGED' } });
      const row = await eventually(async () => {
        const latest = await latestRow();
        return latest.state === 'failed' ? latest : undefined;
      }, 'the row marked failed');
      expect(row).toMatchObject({ attempts: 3, payload: null });
      expect(row.last_error).toContain('451');
      expect(row.last_error).not.toContain('N0TL0GGED');
      expect(row.last_error).not.toContain(SMTP_PASSWORD);
    } finally {
      smtp.refuseNext = 0;
    }
    expect(smtp.to(to)).toHaveLength(0);
  });

  it('queues SMS with no SMS channel (ZITADEL queues the notification and picks the provider when sending): each attempt fails naming the setting, then the row is marked failed without its code', async () => {
    const to = '+41790000001';
    await enqueue(server, { channel: 'sms', to, data: { code: 'SMS0NE' } });
    const row = await eventually(async () => {
      const latest = await latestRow();
      return latest.state === 'failed' ? latest : undefined;
    }, 'the SMS row marked failed');
    expect(row).toMatchObject({ channel: 'sms', attempts: 3, payload: null });
    expect(row.last_error).toContain('PORTCULLIS_SMS_WEBHOOK_URL');
    expect(row.last_error).not.toContain('SMS0NE');
    expect(row.last_error).not.toContain(to);
  });

  it('refuses a URL template with an unknown placeholder as INVALID_ARGUMENT', async () => {
    await expect(
      enqueue(server, { channel: 'email', to: uniqueEmail('bad-link'), urlTemplate: 'https://x.test/{{.Password}}' }),
    ).rejects.toMatchObject({ kind: 'InvalidArgument', id: NOTIFICATION_ERRORS.urlTemplateInvalid });
  });
});
