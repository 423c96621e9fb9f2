import { createTransport, type Transporter } from 'nodemailer';
import type { Config } from '../platform/config/config.js';
import type { RenderedEmail } from './templates.js';

/** Sends email over SMTP with nodemailer, one connection per message (codes are low volume). */
export class SmtpMailer {
  private readonly transport: Transporter;

  constructor(
    host: string,
    private readonly config: Pick<Config, 'smtpPort' | 'smtpTls' | 'smtpUser' | 'smtpPassword' | 'smtpFrom'>,
  ) {
    this.transport = createTransport({
      host,
      port: config.smtpPort,
      secure: config.smtpTls === 'tls',
      requireTLS: config.smtpTls === 'starttls',
      ignoreTLS: config.smtpTls === 'none',
      auth: config.smtpUser ? { user: config.smtpUser, pass: config.smtpPassword ?? '' } : undefined,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
      // Message parts are our own strings; nodemailer must never read files or URLs for them.
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  static fromConfig(config: Config): SmtpMailer | undefined {
    return config.smtpHost ? new SmtpMailer(config.smtpHost, config) : undefined;
  }

  async send(to: string, email: RenderedEmail): Promise<void> {
    await this.transport.sendMail({
      from: this.config.smtpFrom,
      to,
      subject: email.subject,
      text: email.text,
      html: email.html,
    });
  }

  close(): void {
    this.transport.close();
  }
}
