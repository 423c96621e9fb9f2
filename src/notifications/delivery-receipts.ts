import type { EventInput } from '../platform/events/event-store.js';
import type { NotificationTemplate } from './notifier.js';
import type { SealedNotification } from './outbox.store.js';

/** The editor of a receipt: ZITADEL's notification handlers write as the user `NOTIFICATION`. */
export const NOTIFICATION_CREATOR = 'NOTIFICATION';

/** The user event ZITADEL's notifier writes once each kind of user message is out. */
const USER_RECEIPTS: { readonly [T in Exclude<NotificationTemplate, 'otp'>]: string } = {
  verifyEmail: 'user.human.email.code.sent',
  verifyPhone: 'user.human.phone.code.sent',
  passwordReset: 'user.human.password.code.sent',
  inviteCode: 'user.human.invite.code.sent',
  initCode: 'user.human.initialization.code.sent',
  passkeyRegistration: 'user.human.passwordless.initialization.code.sent',
  domainClaimed: 'user.domain.claimed.sent',
};

/**
 * The event that records a delivered notification, written in the transaction that marks its row
 * sent, as ZITADEL's notifier writes `….sent` after each message (so event executions and the
 * event log see deliveries). A session's OTP challenge is receipted on the session
 * (`session.otp.sms.sent`, `session.otp.email.sent`, the instance owning it, as the session's other
 * events); every other message on its user, in the user's org.
 */
export function deliveryReceipt(instanceId: string, notification: SealedNotification): EventInput | undefined {
  if (notification.template === 'otp') {
    const sessionId = notification.data.sessionId;
    if (!sessionId) return undefined;
    return {
      aggregateType: 'session',
      aggregateId: sessionId,
      resourceOwner: instanceId,
      type: `session.otp.${notification.channel}.sent`,
    };
  }
  if (!notification.userId) return undefined;
  return {
    aggregateType: 'user',
    aggregateId: notification.userId,
    resourceOwner: notification.orgId,
    type: USER_RECEIPTS[notification.template],
  };
}
