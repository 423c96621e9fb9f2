import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { Config } from '../platform/config/config.js';
import { OutboundHttp } from '../platform/http/outbound.js';
import { LOGGER } from '../platform/platform.module.js';
import { SmtpMailer } from './email.js';
import type { OutboundNotification } from './notifier.js';
import { smsProviderFrom, type SmsProvider } from './sms.js';
import { renderEmail, renderSms } from './templates.js';

export type Channel = OutboundNotification['channel'];

/** The setting that configures each channel, for the errors that say it is missing. */
export const CHANNEL_SETTING: Readonly<Record<Channel, string>> = {
  email: 'PORTCULLIS_SMTP_HOST',
  sms: 'PORTCULLIS_SMS_WEBHOOK_URL',
};

/** The delivery channels this server has, from its settings, and sending through them. */
@Injectable()
export class DeliveryChannels {
  private readonly mailer: SmtpMailer | undefined;
  private readonly sms: SmsProvider | undefined;
  private readonly settingSecrets: readonly string[];

  constructor(config: Config, @Inject(LOGGER) log: Logger, outbound: OutboundHttp) {
    this.mailer = SmtpMailer.fromConfig(config);
    this.sms = smsProviderFrom(config, log.child({ component: 'sms' }), outbound);
    this.settingSecrets = [config.smtpPassword, config.smsWebhookToken, config.smsWebhookUrl].filter(
      (s): s is string => !!s,
    );
  }

  /** Channels that can send, in a fixed order. */
  get configured(): Channel[] {
    return [...(this.mailer ? ['email' as const] : []), ...(this.sms ? ['sms' as const] : [])];
  }

  has(channel: Channel): boolean {
    return channel === 'email' ? this.mailer !== undefined : this.sms !== undefined;
  }

  /** Values that must never reach a stored or logged error message. */
  get secrets(): readonly string[] {
    return this.settingSecrets;
  }

  /** Renders and sends one notification; throws when it was not sent. */
  async deliver(notification: OutboundNotification): Promise<void> {
    if (notification.channel === 'email') {
      if (!this.mailer) throw new Error(`email is not configured (${CHANNEL_SETTING.email})`);
      await this.mailer.send(notification.to, renderEmail(notification));
    } else {
      if (!this.sms) throw new Error(`SMS is not configured (${CHANNEL_SETTING.sms})`);
      await this.sms.send(notification.to, renderSms(notification), notification.template);
    }
  }

  /** Called by the delivery worker once it has stopped sending. */
  close(): void {
    this.mailer?.close();
  }
}
