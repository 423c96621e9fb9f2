import type { Transporter } from 'nodemailer';
import { lazyModule } from '../platform/modules/lazy-module.js';
import type { Config } from '../platform/config/config.js';
import type { RenderedEmail } from './templates.js';

/** Where and how to send: the server's settings, or an instance's SMTP provider. */
export interface SmtpOptions {
  readonly host: string;
  readonly port: number;
  /** `tls`: implicit TLS; `starttls`: upgrade required; `none`: plain (local relays). */
  readonly tls: 'tls' | 'starttls' | 'none';
  readonly user?: string;
  readonly password?: string;
  /** RFC 5322 mailbox, `Name <address>` or an address. */
  readonly from: string | { readonly name: string; readonly address: string };
  readonly replyTo?: string;
}

const nodemailer = lazyModule(() => import('nodemailer'));

/** Sends email over SMTP with nodemailer, one connection per message (codes are low volume). */
export class SmtpMailer {
  private transport: Transporter | undefined;

  constructor(private readonly options: SmtpOptions) {}

  private async transporter(): Promise<Transporter> {
    const { createTransport } = await nodemailer();
    const options = this.options;
    return (this.transport ??= createTransport({
      host: options.host,
      port: options.port,
      secure: options.tls === 'tls',
      requireTLS: options.tls === 'starttls',
      ignoreTLS: options.tls === 'none',
      auth: options.user ? { user: options.user, pass: options.password ?? '' } : undefined,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
      // Message parts are our own strings; nodemailer must never read files or URLs for them.
      disableFileAccess: true,
      disableUrlAccess: true,
    }));
  }

  static fromConfig(config: Config): SmtpMailer | undefined {
    if (!config.smtpHost) return undefined;
    return new SmtpMailer({
      host: config.smtpHost,
      port: config.smtpPort,
      tls: config.smtpTls as SmtpOptions['tls'],
      user: config.smtpUser,
      password: config.smtpPassword,
      from: config.smtpFrom,
    });
  }

  async send(to: string, email: RenderedEmail): Promise<void> {
    await (await this.transporter()).sendMail({
      from: this.options.from,
      to,
      replyTo: this.options.replyTo || undefined,
      subject: email.subject,
      text: email.text,
      html: email.html,
    });
  }

  close(): void {
    this.transport?.close();
  }
}
