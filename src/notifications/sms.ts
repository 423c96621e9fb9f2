import type { Logger } from 'pino';
import type { Config } from '../platform/config/config.js';
import type { OutboundHttp } from '../platform/http/outbound.js';
import type { NotificationTemplate } from './notifier.js';
import { maskPhone } from './templates.js';
import { postToProvider } from './webhook-post.js';

/** Sends one text message. Throwing means "not sent": the outbox retries later. */
export interface SmsProvider {
  /** For logs and errors: which provider this is. */
  readonly name: string;
  send(to: string, text: string, template: NotificationTemplate): Promise<void>;
}

/**
 * POSTs `{"to","text","template"}` as JSON to a webhook (an SMS gateway, or a small adapter in
 * front of one), with an optional bearer token. Any answer but 2xx is a failure. The URL is the
 * operator's setting, so it may be internal.
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
    await postToProvider(this.outbound, this.url, {
      headers,
      body: JSON.stringify({ to, text, template }),
      what: 'SMS webhook',
      trustedDestination: true,
    });
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
