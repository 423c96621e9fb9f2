import { DomainError } from '../../platform/errors/domain-error.js';
import {
  httpConfig,
  providerEventType,
  sameConfig,
  smtpConfig,
  splitHostPort,
  type SmtpConfig,
} from './provider-rules.js';
import { httpProviderBody, smtpOptions, twilioMessagesUrl } from './provider-senders.js';

const SMTP: SmtpConfig = {
  senderAddress: 'login@acme.test',
  senderName: 'Acme',
  tls: true,
  host: 'smtp.acme.test:587',
  user: 'u',
  replyToAddress: '',
};

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as DomainError).fieldViolations[0]?.field;
  }
  return undefined;
}

describe('provider rules', () => {
  it.each([
    ['smtp.acme.test:587', 'smtp.acme.test', 587],
    ['[::1]:25', '::1', 25],
    ['10.0.0.1:465', '10.0.0.1', 465],
  ])('ZITADEL keeps the SMTP port in the host: %s', (value, host, port) => {
    expect(splitHostPort(value)).toEqual({ host, port });
  });

  it.each(['smtp.acme.test', 'smtp.acme.test:0', 'smtp.acme.test:70000', ':25', 'a b:25'])(
    'refuses host %s naming the field',
    (host) => {
      expect(fieldOf(() => smtpConfig({ ...SMTP, host }))).toBe('host');
    },
  );

  it('requires a sender address and name; the reply-to address is optional but must be one', () => {
    expect(fieldOf(() => smtpConfig({ ...SMTP, senderAddress: 'acme' }))).toBe('sender_address');
    expect(fieldOf(() => smtpConfig({ ...SMTP, senderName: ' ' }))).toBe('sender_name');
    expect(fieldOf(() => smtpConfig({ ...SMTP, replyToAddress: 'x' }))).toBe('reply_to_address');
    expect(smtpConfig({ ...SMTP, senderName: ' Acme ' }).senderName).toBe('Acme');
  });

  it('accepts http(s) endpoints without credentials only', () => {
    expect(httpConfig('https://hooks.acme.test/mail').endpoint).toBe('https://hooks.acme.test/mail');
    for (const bad of ['', 'ftp://x.test', 'https://u:p@x.test', 'not a url']) {
      expect(fieldOf(() => httpConfig(bad))).toBe('endpoint');
    }
  });

  it("names ZITADEL's instance event types", () => {
    expect(providerEventType('email', 'smtp', 'added')).toBe('instance.smtp.config.added');
    expect(providerEventType('email', 'smtp', 'secretChanged')).toBe('instance.smtp.config.password.changed');
    expect(providerEventType('email', 'http', 'changed')).toBe('instance.smtp.config.http.changed');
    expect(providerEventType('email', 'http', 'activated')).toBe('instance.smtp.config.activated');
    expect(providerEventType('sms', 'twilio', 'added')).toBe('instance.sms.configtwilio.added');
    expect(providerEventType('sms', 'twilio', 'secretChanged')).toBe('instance.sms.configtwilio.token.changed');
    expect(providerEventType('sms', 'http', 'added')).toBe('instance.sms.confighttp.added');
    expect(providerEventType('sms', 'http', 'removed')).toBe('instance.sms.config.removed');
  });

  it('compares configurations whatever the order of their keys (jsonb reorders them)', () => {
    const a = { kind: 'smtp', smtp: SMTP } as const;
    const reordered = JSON.parse('{"smtp":' + JSON.stringify({ ...SMTP }) + ',"kind":"smtp"}');
    expect(sameConfig(a, reordered)).toBe(true);
    expect(sameConfig(a, { kind: 'smtp', smtp: { ...SMTP, tls: false } })).toBe(false);
  });

  it('maps the tls flag: implicit TLS on 465, STARTTLS elsewhere, plain when off', () => {
    expect(smtpOptions({ ...SMTP, host: 'h:465' }, 'pw').tls).toBe('tls');
    expect(smtpOptions(SMTP, 'pw')).toMatchObject({ tls: 'starttls', port: 587, password: 'pw' });
    expect(smtpOptions({ ...SMTP, tls: false }, undefined).tls).toBe('none');
  });

  it("builds Twilio's Messages URL with the sid escaped", () => {
    expect(twilioMessagesUrl('https://api.twilio.com/', 'AC1/..')).toBe(
      'https://api.twilio.com/2010-04-01/Accounts/AC1%2F../Messages.json',
    );
  });

  it('posts the context, the rendered texts and the arguments to HTTP providers', () => {
    const body = JSON.parse(
      httpProviderBody(
        { id: 'p1', description: 'hook' },
        { channel: 'sms', to: '+41790000000', template: 'otp', userId: 'u1', orgId: 'o1', data: { code: '123456' } },
      ),
    );
    expect(body).toMatchObject({
      contextInfo: {
        eventType: 'otp',
        provider: { id: 'p1', description: 'hook' },
        recipientPhoneNumber: '+41790000000',
      },
      args: { code: '123456', userId: 'u1', orgId: 'o1' },
    });
    expect(body.templateData.text).toContain('123456');
  });
});
