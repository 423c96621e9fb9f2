import type { OutboundHttp } from '../../platform/http/outbound.js';
import { SmtpMailer, type SmtpOptions } from '../email.js';
import type { OutboundNotification } from '../notifier.js';
import { renderEmail, renderSms, renderUrl } from '../templates.js';
import { postToProvider } from '../webhook-post.js';
import { splitHostPort, type SmtpConfig } from './provider-rules.js';
import type { ProviderRow } from './providers.queries.js';

/** Twilio's Messages API, under the configured base (PORTCULLIS_TWILIO_API_URL). */
export function twilioMessagesUrl(base: string, sid: string): string {
  return `${base.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(sid)}/Messages.json`;
}

/**
 * ZITADEL's SMTP `tls` flag: on port 465 implicit TLS, elsewhere STARTTLS required; off, plain
 * (ZITADEL then sends without TLS).
 */
export function smtpOptions(config: SmtpConfig, password: string | undefined): SmtpOptions {
  const { host, port } = splitHostPort(config.host);
  return {
    host,
    port,
    tls: !config.tls ? 'none' : port === 465 ? 'tls' : 'starttls',
    user: config.user || undefined,
    password,
    from: { name: config.senderName, address: config.senderAddress },
    replyTo: config.replyToAddress || undefined,
  };
}

/**
 * The JSON ZITADEL's HTTP providers receive: what the message is (`contextInfo`), the rendered
 * texts (`templateData`) and the values they were rendered from (`args`).
 */
export function httpProviderBody(provider: Pick<ProviderRow, 'id' | 'description'>, n: OutboundNotification): string {
  const link = n.urlTemplate ? renderUrl(n.urlTemplate, n) : undefined;
  const recipient = n.channel === 'email' ? { recipientEmailAddress: n.to } : { recipientPhoneNumber: n.to };
  const templateData =
    n.channel === 'email'
      ? { subject: renderEmail(n).subject, text: renderEmail(n).text, url: link ?? '' }
      : { text: renderSms(n), url: link ?? '' };
  return JSON.stringify({
    contextInfo: {
      eventType: n.template,
      provider: { id: provider.id, description: provider.description },
      ...recipient,
    },
    templateData,
    args: { ...n.data, userId: n.userId, orgId: n.orgId },
  });
}

/**
 * Sends one notification through an instance's stored provider. `secret` is the provider's
 * opened password or token. The endpoints of HTTP providers were given by an API caller, so they
 * are held to the outbound address rules; Twilio's base is the operator's setting.
 */
export async function sendThroughProvider(
  provider: ProviderRow,
  secret: string | undefined,
  n: OutboundNotification,
  deps: { readonly outbound: OutboundHttp; readonly twilioApiUrl: string },
): Promise<void> {
  const config = provider.config;
  switch (config.kind) {
    case 'smtp': {
      const mailer = new SmtpMailer(smtpOptions(config.smtp, secret));
      try {
        await mailer.send(n.to, renderEmail(n));
      } finally {
        mailer.close();
      }
      return;
    }
    case 'http':
      return postToProvider(deps.outbound, config.http.endpoint, {
        headers: { 'content-type': 'application/json' },
        body: httpProviderBody(provider, n),
        what: `HTTP ${n.channel} provider`,
        trustedDestination: false,
      });
    case 'twilio': {
      const basic = Buffer.from(`${config.twilio.sid}:${secret ?? ''}`).toString('base64');
      return postToProvider(deps.outbound, twilioMessagesUrl(deps.twilioApiUrl, config.twilio.sid), {
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
        body: new URLSearchParams({ To: n.to, From: config.twilio.senderNumber, Body: renderSms(n) }).toString(),
        what: 'Twilio',
        trustedDestination: true,
      });
    }
  }
}
