import { deliveryReceipt } from './delivery-receipts.js';
import type { NotificationTemplate } from './notifier.js';
import type { SealedNotification } from './outbox.store.js';

const sealed = (template: NotificationTemplate, extra: Partial<SealedNotification> = {}): SealedNotification => ({
  channel: 'email',
  to: 'ada@example.com',
  template,
  userId: 'u1',
  orgId: 'o1',
  data: {},
  ...extra,
});

describe('deliveryReceipt (ZITADEL userNotifier: one `….sent` event per delivered message)', () => {
  it.each([
    ['verifyEmail', 'user.human.email.code.sent'],
    ['verifyPhone', 'user.human.phone.code.sent'],
    ['passwordReset', 'user.human.password.code.sent'],
    ['inviteCode', 'user.human.invite.code.sent'],
    ['initCode', 'user.human.initialization.code.sent'],
    ['passkeyRegistration', 'user.human.passwordless.initialization.code.sent'],
    ['domainClaimed', 'user.domain.claimed.sent'],
  ] as const)('receipts %s on the user, in the user’s org, as %s', (template, type) => {
    expect(deliveryReceipt('i1', sealed(template))).toEqual({
      aggregateType: 'user',
      aggregateId: 'u1',
      resourceOwner: 'o1',
      type,
    });
  });

  it('receipts an OTP challenge on its session, owned by the instance, per channel', () => {
    expect(deliveryReceipt('i1', sealed('otp', { data: { sessionId: 's1' } }))).toEqual({
      aggregateType: 'session',
      aggregateId: 's1',
      resourceOwner: 'i1',
      type: 'session.otp.email.sent',
    });
    expect(deliveryReceipt('i1', sealed('otp', { channel: 'sms', data: { sessionId: 's1' } }))?.type).toBe(
      'session.otp.sms.sent',
    );
  });

  it('writes nothing for a message with no aggregate to name', () => {
    expect(deliveryReceipt('i1', sealed('otp'))).toBeUndefined();
    expect(deliveryReceipt('i1', sealed('verifyEmail', { userId: '' }))).toBeUndefined();
  });
});
