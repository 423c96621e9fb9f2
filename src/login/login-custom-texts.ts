import { translationAt } from '../settings/settings-rules.js';
import type { MessageKey } from './login.i18n.js';

/**
 * Which hosted login translation (Login V2's catalogue, set through SetHostedLoginTranslation and
 * the v1 custom login texts) says what a login page's text says. The pages keep their own
 * wording; an instance's or org's custom translation of one of these keys replaces it.
 */
export const CUSTOMIZABLE_TEXTS: { readonly [K in MessageKey]?: string } = {
  'title.loginname': 'loginname.title',
  'intro.loginname': 'loginname.description',
  'label.loginName': 'loginname.labels.loginname',
  'title.password': 'password.verify.title',
  'label.password': 'password.verify.labels.password',
  'title.passwordChange': 'password.change.title',
  'intro.passwordChange': 'password.change.description',
  'label.newPassword': 'password.change.labels.newPassword',
  'label.confirmPassword': 'password.change.labels.confirmPassword',
  'title.mfaChoose': 'mfa.verify.title',
  'intro.mfaChoose': 'mfa.verify.description',
  'intro.totp': 'otp.verify.totpDescription',
  'intro.otpEmail': 'otp.verify.emailDescription',
  'intro.otpSms': 'otp.verify.smsDescription',
  'title.accounts': 'accounts.title',
  'button.otherAccount': 'accounts.addAnother',
  'title.logout': 'logout.title',
  'title.loggedOut': 'logout.success.title',
  'button.back': 'common.back',
};

/** The page texts a custom translation replaces: non-empty strings at the mapped keys. */
export function customPageTexts(translations: Record<string, unknown>): Partial<Record<MessageKey, string>> {
  const texts: Partial<Record<MessageKey, string>> = {};
  for (const [key, path] of Object.entries(CUSTOMIZABLE_TEXTS) as [MessageKey, string][]) {
    const value = translationAt(translations, path.split('.'));
    if (typeof value === 'string' && value.trim() !== '') texts[key] = value;
  }
  return texts;
}
