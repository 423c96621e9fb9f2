import type { NotificationTemplate, OutboundNotification } from './notifier.js';
import { renderUrl } from './templates.js';

/**
 * The hosted login's pages a code's email links to when the caller gave no URL template, as
 * ZITADEL links to its login's pages: email verification and invitations open `/verify`
 * (`invite=true` for an invitation and v1's initialization code, which the same page redeems), a password reset `/password/set`, a passkey registration
 * link `/passkey/set`, a domain claimed notice the login name page (ZITADEL's LoginLink). Each
 * page takes the parameters the hosted login reads (src/login), and `organization` as ZITADEL's
 * Login V2 does. Other notifications (phone codes, sign-in OTPs) carry
 * the code alone.
 */
const PAGES: { readonly [K in NotificationTemplate]?: string } = {
  verifyEmail: '/verify?userId={{.UserID}}&code={{.Code}}&organization={{.OrgID}}',
  inviteCode: '/verify?userId={{.UserID}}&code={{.Code}}&invite=true&organization={{.OrgID}}',
  initCode: '/verify?userId={{.UserID}}&code={{.Code}}&invite=true&organization={{.OrgID}}',
  passwordReset: '/password/set?userId={{.UserID}}&code={{.Code}}&organization={{.OrgID}}',
  domainClaimed: '/loginname?organization={{.OrgID}}',
  passkeyRegistration: '/passkey/set?userId={{.UserID}}&codeId={{.CodeID}}&code={{.Code}}&organization={{.OrgID}}',
};

/** The URL template an email of this kind gets when none was given, or undefined when it has no page. */
export function defaultUrlTemplate(
  template: NotificationTemplate,
  channel: 'email' | 'sms',
  loginBase: string,
): string | undefined {
  const page = channel === 'email' ? PAGES[template] : undefined;
  return page && loginBase + page;
}

/**
 * The hosted login link a notification would carry, for a code handed to the caller instead of
 * sent (v1 auth's AddMyPasswordlessLink answers the link itself).
 */
export function loginPageLink(notification: OutboundNotification, loginBase: string): string | undefined {
  const template = defaultUrlTemplate(notification.template, notification.channel, loginBase);
  return template && renderUrl(template, notification);
}
