import { fillText, messageTextTypeOf, renderEmail, renderSms } from '../notifications/templates.js';
import type { OutboundNotification } from '../notifications/notifier.js';
import { messageCustomTextV1 } from './message-texts.mapper.js';
import {
  builtInMessageText,
  MESSAGE_TEXT_TYPES,
  mergeMessageTexts,
  messageTextBody,
  messageTextKind,
} from './message-texts.js';

const notification = (texts?: OutboundNotification['texts']): OutboundNotification => ({
  channel: 'email',
  to: 'ada@example.test',
  template: 'verifyEmail',
  userId: 'u1',
  orgId: 'o1',
  data: { code: 'C0DE42', displayName: 'Ada' },
  texts,
});

describe('message texts', () => {
  it('merges field by field: a later non-empty field wins, an empty one inherits', () => {
    expect(
      mergeMessageTexts(
        { subject: 'built-in', text: 'built-in text' },
        { subject: 'instance', text: '' },
        {
          greeting: 'org',
        },
      ),
    ).toEqual({ subject: 'instance', text: 'built-in text', greeting: 'org' });
  });

  it('stores every field of a request, missing ones empty, and nothing else', () => {
    const body = messageTextBody({ subject: 's', language: 'en' } as never);
    expect(body).toEqual({
      title: '',
      preHeader: '',
      subject: 's',
      greeting: '',
      text: '',
      buttonText: '',
      footerText: '',
    });
  });

  it('keeps each type and language apart in its own settings kind', () => {
    expect(messageTextKind('VerifyEmail', 'de-CH')).toBe('message_text:VerifyEmail:de-CH');
    for (const type of MESSAGE_TEXT_TYPES) expect(builtInMessageText(type).subject).not.toBe('');
  });

  it('maps to zitadel.text.v1.MessageCustomText: inherited texts carry is_default and no details', () => {
    const inherited = messageCustomTextV1({ fields: builtInMessageText('InitCode'), isDefault: true });
    expect(inherited).toMatchObject({ subject: 'Initialize your account', isDefault: true });
    expect(inherited.details).toBeUndefined();
    const own = messageCustomTextV1({
      fields: messageTextBody({ subject: 'x' }),
      isDefault: false,
      details: { sequence: 3n, changeDate: new Date(0), resourceOwner: 'o1' },
    });
    expect(own).toMatchObject({ subject: 'x', isDefault: false, details: { sequence: 3n, resourceOwner: 'o1' } });
  });
});

describe('notifications worded by message texts', () => {
  it("picks ZITADEL's message type of each notification; the OTP one by channel", () => {
    expect(messageTextTypeOf({ template: 'inviteCode', channel: 'email' })).toBe('InviteUser');
    expect(messageTextTypeOf({ template: 'otp', channel: 'sms' })).toBe('VerifySMSOTP');
    expect(messageTextTypeOf({ template: 'otp', channel: 'email' })).toBe('VerifyEmailOTP');
  });

  it('fills known placeholders, renders unknown ones empty as a zero Go field', () => {
    expect(fillText('Hi {{.DisplayName}}, {{ .OTP }} {{.Nope}}!', notification())).toBe('Hi Ada, C0DE42 !');
  });

  it('uses the custom subject, text and footer, escaped in HTML, and shows the code when the text leaves it out', () => {
    const email = renderEmail(
      notification({ subject: 'Hi {{.DisplayName}}', text: '<b>Confirm</b>', footerText: 'Bye' }),
    );
    expect(email.subject).toBe('Hi Ada');
    expect(email.text).toContain('<b>Confirm</b>\n\n    C0DE42');
    expect(email.text).toContain('Bye');
    expect(email.html).toContain('&#60;b&#62;Confirm&#60;/b&#62;');
    expect(renderSms(notification({ text: 'Code {{.Code}}' }))).toBe('Code C0DE42');
    expect(renderSms(notification({ text: 'Your code:' }))).toBe('Your code: C0DE42');
  });
});
