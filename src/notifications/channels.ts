import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { Config } from '../platform/config/config.js';
import { MasterKey } from '../platform/crypto/master-key.js';
import { OutboundHttp } from '../platform/http/outbound.js';
import { LOGGER } from '../platform/platform.module.js';
import { SmtpMailer } from './email.js';
import type { OutboundNotification } from './notifier.js';
import { sendThroughProvider } from './providers/provider-senders.js';
import { ProviderStore } from './providers/providers.queries.js';
import { smsProviderFrom, type SmsProvider } from './sms.js';
import { MessageTextsService } from '../settings/message-texts.service.js';
import { Policies } from '../settings/policies.queries.js';
import { messageTextTypeOf, renderEmail, renderSms, scrubSecrets } from './templates.js';

export type Channel = OutboundNotification['channel'];

/** The setting that configures each channel, for the delivery errors that say it is missing. */
export const CHANNEL_SETTING: Readonly<Record<Channel, string>> = {
  email: 'PORTCULLIS_SMTP_HOST',
  sms: 'PORTCULLIS_SMS_WEBHOOK_URL',
};

/**
 * The delivery channels: an instance's active provider for the channel (admin API) when it has
 * one, else the server's own settings, which stay every instance's default.
 */
@Injectable()
export class DeliveryChannels {
  private readonly mailer: SmtpMailer | undefined;
  private readonly sms: SmsProvider | undefined;
  private readonly settingSecrets: readonly string[];

  constructor(
    private readonly config: Config,
    @Inject(LOGGER) log: Logger,
    private readonly outbound: OutboundHttp,
    private readonly store: ProviderStore,
    private readonly masterKey: MasterKey,
    private readonly texts: MessageTextsService,
    private readonly policies: Policies,
  ) {
    this.mailer = SmtpMailer.fromConfig(config);
    this.sms = smsProviderFrom(config, log.child({ component: 'sms' }), outbound);
    this.settingSecrets = [config.smtpPassword, config.smsWebhookToken, config.smsWebhookUrl].filter(
      (s): s is string => !!s,
    );
  }

  /** Channels the server's own settings can send on, in a fixed order. */
  get configured(): Channel[] {
    return [...(this.mailer ? ['email' as const] : []), ...(this.sms ? ['sms' as const] : [])];
  }

  /** Values that must never reach a stored or logged error message. */
  get secrets(): readonly string[] {
    return this.settingSecrets;
  }

  /** Renders and sends one notification of an instance; throws when it was not sent. */
  async deliver(tx: EntityManager, instanceId: string, queued: OutboundNotification): Promise<void> {
    const notification = { ...queued, texts: await this.customTexts(tx, instanceId, queued) };
    const provider = await this.store.active(tx, instanceId, notification.channel);
    if (provider) {
      const secret = provider.secret ? this.masterKey.decrypt(provider.secret) : undefined;
      try {
        await sendThroughProvider(provider, secret, notification, {
          outbound: this.outbound,
          twilioApiUrl: this.config.twilioApiUrl,
        });
      } catch (err) {
        // The provider's password or token must not reach the stored error.
        throw new Error(scrubSecrets(err instanceof Error ? err.message : String(err), [secret]));
      }
      return;
    }
    if (notification.channel === 'email') {
      if (!this.mailer) throw new Error(`email is not configured (${CHANNEL_SETTING.email})`);
      await this.mailer.send(notification.to, renderEmail(notification));
    } else {
      if (!this.sms) throw new Error(`SMS is not configured (${CHANNEL_SETTING.sms})`);
      await this.sms.send(notification.to, renderSms(notification), notification.template);
    }
  }

  /**
   * The custom wording of the message in the user's language (or its base language), else in the
   * instance's default language (as ZITADEL falls back), read when sent so a text changed meanwhile applies.
   */
  private async customTexts(tx: EntityManager, instanceId: string, n: OutboundNotification) {
    const type = messageTextTypeOf(n);
    const fallback = (await this.policies.resolve('general', instanceId, undefined, tx)).settings.defaultLanguage;
    const preferred = n.data.preferredLanguage;
    // `de-CH` is worded by `de` texts when it has none of its own.
    const languages = [preferred, preferred?.split('-')[0], fallback].filter((l): l is string => !!l);
    for (const language of new Set(languages)) {
      const texts = await this.texts.forNotification(tx, instanceId, n.orgId, type, language);
      if (Object.keys(texts).length) return texts;
    }
    return undefined;
  }

  /** Called by the delivery worker once it has stopped sending. */
  close(): void {
    this.mailer?.close();
  }
}
