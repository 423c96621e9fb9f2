import { LEGAL_PAGES } from '../../settings/settings-rules.js';
import type { WebAuthnKind } from '../../users/mfa/webauthn-credentials.queries.js';
import type { PageRequest } from '../http/page-request.js';
import type { PageFactor } from '../login-users.js';
import { showAccounts, showSignedIn, submitAccount } from './accounts.js';
import { showDevice, showDeviceConsent, submitDeviceCode, submitDeviceDecision } from './device.js';
import { entry } from './entry.js';
import {
  showIdpFailure,
  showIdpLink,
  showIdpRegister,
  showIdpSuccess,
  showLdap,
  submitIdpLink,
  submitIdpRegister,
  submitIdpStart,
  submitLdap,
} from './idp.js';
import { showInvite, submitInvite } from './invite.js';
import { legalPage } from './legal.js';
import { showLoginName, submitLoginName } from './login-name.js';
import { showLogout, submitLogout } from './logout.js';
import {
  showMfaSetup,
  showTotpSetup,
  showWebAuthnSetup,
  submitMfaSkip,
  submitTotpSetup,
  submitWebAuthnSetup,
} from './mfa-setup.js';
import { showCode, showFactorChoice, submitCode, submitFactorChoice } from './otp.js';
import type { PageKit } from './page-kit.js';
import { showPasskey, submitPasskey } from './passkey.js';
import { showPasskeyLink, submitPasskeyLink } from './passkey-link.js';
import { showPassword, submitPassword } from './password.js';
import { showPasswordChange, submitPasswordChange } from './password-change.js';
import {
  showPasswordReset,
  showPasswordSet,
  showPasswordSetLink,
  submitPasswordReset,
  submitPasswordSet,
  submitPasswordSetLink,
} from './password-reset.js';
import { showRegister, submitRegister } from './register.js';
import { showVerifyEmail, showVerifyEmailLink, submitVerifyEmail, submitVerifyEmailLink } from './verify-email.js';

/** A page's answer to a GET (or HEAD) or a POST. */
export type PageHandler = (k: PageKit, r: PageRequest) => Promise<void>;

/** What a path answers; a method a page does not list gets the not-found page. */
interface PageRoute {
  readonly get?: PageHandler;
  readonly post?: PageHandler;
}

/** A link from an email (`?userId=&code=`) rather than a step of this browser's sign-in (`?session=`). */
function fromEmailLink(r: PageRequest): boolean {
  return !!r.params.get('userId') && !r.params.get('session');
}

const codePage = (factor: PageFactor): PageRoute => ({
  get: (k, r) => showCode(k, r, factor),
  post: (k, r) => submitCode(k, r, factor),
});

const webAuthnSetupPage = (kind: WebAuthnKind): PageRoute => ({
  get: (k, r) => showWebAuthnSetup(k, r, kind),
  post: (k, r) => submitWebAuthnSetup(k, r, kind),
});

const legal = (title: 'title.legalTerms' | 'title.legalPrivacy'): PageRoute => ({
  get: (k, r) => legalPage(k, r, title),
});

/** Every page below the login base, by path (links in emails point at /verify, /password/set and /passkey/set). */
const PAGES: ReadonlyMap<string, PageRoute> = new Map<string, PageRoute>([
  ['/', { get: entry }],
  ['/login', { get: entry }],
  ['/loginname', { get: showLoginName, post: submitLoginName }],
  ['/password', { get: showPassword, post: submitPassword }],
  ['/password/change', { get: showPasswordChange, post: submitPasswordChange }],
  ['/otp/totp', codePage('totp')],
  ['/otp/email', codePage('otpEmail')],
  ['/otp/sms', codePage('otpSms')],
  ['/mfa', { get: showFactorChoice, post: submitFactorChoice }],
  ['/accounts', { get: showAccounts, post: submitAccount }],
  ['/signedin', { get: showSignedIn }],
  [LEGAL_PAGES.terms, legal('title.legalTerms')],
  [LEGAL_PAGES.privacy, legal('title.legalPrivacy')],
  ['/logout', { get: showLogout, post: submitLogout }],
  ['/device', { get: showDevice, post: submitDeviceCode }],
  ['/device/consent', { get: showDeviceConsent, post: submitDeviceDecision }],
  ['/password/reset', { get: showPasswordReset, post: submitPasswordReset }],
  [
    '/password/set',
    {
      get: (k, r) => (fromEmailLink(r) ? showPasswordSetLink(k, r) : showPasswordSet(k, r)),
      post: (k, r) => (fromEmailLink(r) ? submitPasswordSetLink(k, r) : submitPasswordSet(k, r)),
    },
  ],
  ['/register', { get: showRegister, post: submitRegister }],
  [
    '/verify',
    {
      // An invitation's link opens /verify too (as ZITADEL's CreateInviteCode link does), with invite=true.
      get: (k, r) =>
        r.params.get('invite') === 'true'
          ? showInvite(k, r)
          : fromEmailLink(r)
            ? showVerifyEmailLink(k, r)
            : showVerifyEmail(k, r),
      post: (k, r) => (fromEmailLink(r) ? submitVerifyEmailLink(k, r) : submitVerifyEmail(k, r)),
    },
  ],
  ['/invite', { get: showInvite, post: submitInvite }],
  ['/passkey', { get: showPasskey, post: submitPasskey }],
  ['/passkey/set', { get: showPasskeyLink, post: submitPasskeyLink }],
  ['/idp/start', { post: submitIdpStart }],
  ['/idp/success', { get: showIdpSuccess }],
  ['/idp/failure', { get: showIdpFailure }],
  ['/idp/ldap', { get: (k, r) => showLdap(k, r), post: submitLdap }],
  ['/idp/register', { get: (k, r) => showIdpRegister(k, r), post: submitIdpRegister }],
  ['/idp/link', { get: (k, r) => showIdpLink(k, r), post: submitIdpLink }],
  ['/mfa/setup', { get: showMfaSetup }],
  ['/mfa/skip', { post: submitMfaSkip }],
  ['/mfa/setup/totp', { get: showTotpSetup, post: submitTotpSetup }],
  ['/mfa/setup/passkey', webAuthnSetupPage('passkey')],
  ['/mfa/setup/u2f', webAuthnSetupPage('u2f')],
]);

/** The handler of a request: the page's GET (HEAD too) or POST handler, else the not-found page. */
export function pageHandler(path: string, method: string): PageHandler {
  const route = PAGES.get(path);
  return (method === 'POST' ? route?.post : route?.get) ?? ((k, r) => k.notFound(r));
}
