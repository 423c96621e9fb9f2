// What sits at the other end of the delivery channels in the tests: a real SMTP server
// (smtp-server, messages parsed with mailparser) and an HTTP SMS webhook, both on loopback.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { EntityManager } from 'typeorm';
import { Transactions } from '../../src/platform/database/transactions.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { Notifier, type OutboundNotification } from '../../src/notifications/notifier.js';
import { bootTestServer, type TestServer } from './test-server.js';
import { adminV1 } from './v1-clients.js';

export const SMTP_USER = 'portcullis';
export const SMTP_PASSWORD = 'smtp-secret-9f2k';

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * An aggregate's events of `types` (admin v1 ListEvents, oldest first), once at least `count` are
 * written: events written after a request answers (a delivery's receipt) are waited for.
 */
export function eventsOnceWritten(server: TestServer, aggregateId: string, types: string[], count = 1) {
  return eventually(
    async () => {
      const { events } = await adminV1(server.baseUrl, server.adminPat).listEvents({
        aggregateId,
        eventTypes: types,
        asc: true,
      });
      return events.length >= count ? events : undefined;
    },
    `${types.join(', ')} of ${aggregateId}`,
  );
}

export class MailCatcher {
  readonly messages: ParsedMail[] = [];
  /** Logins the server accepted, as `user:password`. */
  readonly logins: string[] = [];
  /** Refuse this many more messages with a temporary failure (451). */
  refuseNext = 0;
  refused = 0;
  private server!: SMTPServer;
  port = 0;

  async start(port = 0): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth: (auth, _session, callback) => {
        this.logins.push(`${auth.username}:${auth.password}`);
        if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) callback(null, { user: auth.username });
        else callback(new Error('invalid login'));
      },
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            if (this.refuseNext > 0) {
              this.refuseNext--;
              this.refused++;
              callback(Object.assign(new Error('mailbox busy, try again later'), { responseCode: 451 }));
              return;
            }
            this.messages.push(mail);
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  /** The messages to one recipient. */
  to(address: string): ParsedMail[] {
    return this.messages.filter((m) => recipients(m).includes(address));
  }

  waitFor(address: string, count = 1, timeoutMs?: number): Promise<ParsedMail[]> {
    return eventually(
      () => (this.to(address).length >= count ? this.to(address) : undefined),
      `${count} message(s) to ${address}`,
      timeoutMs,
    );
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Who an SMTP email provider's mail comes from; the rest of its settings point at a MailCatcher. */
export interface SmtpSender {
  readonly senderAddress: string;
  readonly senderName: string;
  readonly replyToAddress: string;
}

/**
 * The body of AddEmailProviderSMTP / AddSMTPConfig (the same fields in both) for a provider that
 * delivers to `catcher` over plain SMTP with the login it accepts.
 */
export function smtpProviderFor(catcher: MailCatcher, sender: SmtpSender, overrides: Record<string, unknown> = {}) {
  return {
    ...sender,
    tls: false,
    host: `127.0.0.1:${catcher.port}`,
    user: SMTP_USER,
    password: SMTP_PASSWORD,
    description: '',
    ...overrides,
  };
}

export function recipients(mail: ParsedMail): string[] {
  const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
  return to.flatMap((a) => a.value.map((v) => v.address ?? ''));
}

export interface ReceivedSms {
  readonly headers: IncomingHttpHeaders;
  readonly body: { to: string; text: string; template: string };
}

/** An SMS gateway's webhook: records every POST; answers `failNext` requests with a 503. */
export class SmsWebhook {
  readonly received: ReceivedSms[] = [];
  failNext = 0;
  failed = 0;
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (this.failNext > 0) {
          this.failNext--;
          this.failed++;
          res.writeHead(503).end('gateway overloaded');
          return;
        }
        this.received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"queued":true}');
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/sms`;
    return this;
  }

  to(phone: string): ReceivedSms[] {
    return this.received.filter((s) => s.body.to === phone);
  }

  waitFor(phone: string, count = 1): Promise<ReceivedSms[]> {
    return eventually(() => (this.to(phone).length >= count ? this.to(phone) : undefined), `${count} SMS to ${phone}`);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** The settings that deliver a server's email to `smtp` and its SMS to `sms`, retrying after a second. */
export function deliveryEnv(smtp: MailCatcher, sms?: SmsWebhook): Record<string, string> {
  return {
    PORTCULLIS_SMTP_HOST: '127.0.0.1',
    PORTCULLIS_SMTP_PORT: String(smtp.port),
    PORTCULLIS_SMTP_TLS: 'none',
    ...(sms ? { PORTCULLIS_SMS_WEBHOOK_URL: sms.url } : {}),
    PORTCULLIS_NOTIFICATION_RETRY_SECONDS: '1',
  };
}

export interface ReceivingServer {
  readonly server: TestServer;
  readonly smtp: MailCatcher;
  readonly sms: SmsWebhook;
  stop(): Promise<void>;
}

/** A mail catcher, an SMS webhook and a test server delivering to them. */
export async function startWithReceivers(env: Record<string, string> = {}): Promise<ReceivingServer> {
  const smtp = await new MailCatcher().start();
  const sms = await new SmsWebhook().start();
  const server = await bootTestServer({ ...deliveryEnv(smtp, sms), ...env });
  return {
    server,
    smtp,
    sms,
    stop: async () => {
      await server.close();
      await smtp.stop();
      await sms.stop();
    },
  };
}

let counter = 0;

/** A unique recipient, so tests sharing a receiver never see each other's messages. */
export function uniqueEmail(label: string): string {
  return `${label}-${Date.now()}-${counter++}@example.test`;
}

export function uniquePhone(): string {
  return `+4179${String(Date.now() % 1e7).padStart(7, '0')}${counter++}`;
}

/**
 * Enqueues a notification as the users API will: in a transaction of the server, for its first
 * instance. `afterEnqueue` runs in the same transaction (throw there to roll it back).
 */
export async function enqueue(
  server: TestServer,
  notification: Partial<OutboundNotification> & Pick<OutboundNotification, 'channel' | 'to'>,
  afterEnqueue?: (tx: EntityManager) => Promise<void>,
): Promise<void> {
  const instance = await server.app.get(InstanceResolver).resolve('127.0.0.1');
  await server.app.get(Transactions).run(async (tx) => {
    await server.app.get(Notifier).enqueue(tx, instance.id, {
      template: notification.channel === 'email' ? 'verifyEmail' : 'verifyPhone',
      userId: '300000000000000001',
      orgId: instance.defaultOrgId ?? '300000000000000000',
      data: { code: 'C0DE42' },
      ...notification,
    });
    await afterEnqueue?.(tx);
  });
}

export interface OutboxRow {
  id: string;
  state: string;
  attempts: number;
  payload: string | null;
  last_error: string | null;
  template: string;
  channel: string;
}

/** The outbox rows, oldest first (ids are time-ordered). */
export async function outboxRows(server: TestServer): Promise<OutboxRow[]> {
  return server.database.dataSource.query(
    `SELECT id, state, attempts, payload, last_error, template, channel FROM notification_outbox ORDER BY id`,
  );
}
