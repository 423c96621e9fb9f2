import type { Logger } from 'pino';
import type { Config } from '../platform/config/config.js';
import { OutboundError, type OutboundHttp } from '../platform/http/outbound.js';
import type { NotificationTemplate } from './notifier.js';
import { maskPhone } from './templates.js';

/** Sends one text message. Throwing means "not sent": the outbox retries later. */
export interface SmsProvider {
  /** For logs and errors: which provider this is. */
  readonly name: string;
  send(to: string, text: string, template: NotificationTemplate): Promise<void>;
}

const WEBHOOK_TIMEOUT_MS = 15_000;

/**
 * POSTs `{"to","text","template"}` as JSON to a webhook (an SMS gateway, or a small adapter in
 * front of one), with an optional bearer token. Any answer but 2xx is a failure. The URL is the
 * operator's setting, so it may be internal; it still goes through the outbound client (resolved
 * once, bounded in time, no redirects).
 */
export class WebhookSmsProvider implements SmsProvider {
  readonly name = 'webhook';

  constructor(
    private readonly url: string,
    private readonly token: string | undefined,
    private readonly outbound: OutboundHttp,
  ) {}

  async send(to: string, text: string, template: NotificationTemplate): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let status: number;
    try {
      ({ status } = await this.outbound.request(this.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ to, text, template }),
        // A redirect would carry the token to wherever it points: a 3xx is a failure.
        maxRedirects: 0,
        timeoutMs: WEBHOOK_TIMEOUT_MS,
        // The body is not read into errors: a gateway may echo the message, code included.
        ignoreBody: true,
        maxBytes: 0,
        trustedDestination: true,
      }));
    } catch (err) {
      if (!(err instanceof OutboundError)) throw err;
      throw new Error(`SMS webhook unreachable: ${err.message}`);
    }
    if (status < 200 || status > 299) throw new Error(`SMS webhook answered HTTP ${status}`);
  }
}

/** Development only: logs that an SMS would have gone out, to a masked number, without its text. */
export class LogSmsProvider implements SmsProvider {
  readonly name = 'log';

  constructor(private readonly log: Logger) {}

  async send(to: string, _text: string, template: NotificationTemplate): Promise<void> {
    this.log.info({ to: maskPhone(to), template }, 'SMS not sent (PORTCULLIS_SMS_PROVIDER=log)');
  }
}

/** The configured provider, or none when SMS is not configured. */
export function smsProviderFrom(config: Config, log: Logger, outbound: OutboundHttp): SmsProvider | undefined {
  if (config.smsProvider === 'log') return new LogSmsProvider(log);
  if (config.smsWebhookUrl) return new WebhookSmsProvider(config.smsWebhookUrl, config.smsWebhookToken, outbound);
  return undefined;
}
