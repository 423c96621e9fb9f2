import type { EntityManager } from 'typeorm';
import type { MessageTextFields } from '../settings/message-texts.js';

/** What a notification is about; each has an email and an SMS template. */
export type NotificationTemplate =
  | 'verifyEmail'
  | 'verifyPhone'
  | 'passwordReset'
  | 'inviteCode'
  | 'initCode'
  | 'passkeyRegistration'
  | 'otp'
  | 'domainClaimed';

export interface OutboundNotification {
  readonly channel: 'email' | 'sms';
  /** Email address or phone number. */
  readonly to: string;
  readonly template: NotificationTemplate;
  readonly userId: string;
  readonly orgId: string;
  /** Values for the template: `code`, `displayName`, `loginName`, … */
  readonly data: Readonly<Record<string, string>>;
  /** A link template with `{{.UserID}}`, `{{.Code}}`, `{{.OrgID}}` … (ZITADEL's Go-template names). */
  readonly urlTemplate?: string;
  /**
   * The origin the request came in on (`Caller.origin`): without a URL template, an email that has
   * a page in the hosted login links to it there (see login-links.ts).
   */
  readonly origin?: string;
  /** The instance's and org's custom wording of this kind of message, read when it is sent. */
  readonly texts?: Partial<MessageTextFields>;
}

/**
 * Queues notifications in the caller's transaction (an outbox), so a code is only sent when the
 * change that made it commits, and is never lost on restart. Implemented by the notifications
 * module. A notification is queued whether or not its channel is configured yet (ZITADEL picks the
 * provider when it sends); only a bad recipient or URL template is refused.
 */
export abstract class Notifier {
  abstract enqueue(tx: EntityManager, instanceId: string, notification: OutboundNotification): Promise<void>;
}
