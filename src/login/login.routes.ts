import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { Config } from '../platform/config/config.js';
import { MasterKey } from '../platform/crypto/master-key.js';
import { DomainError } from '../platform/errors/domain-error.js';
import { HttpRoutes, readBody, type HttpRequest, type HttpResponse } from '../platform/http/http-routes.js';
import { RateLimiter, peerAddress } from '../platform/http/rate-limit.js';
import { LOGGER } from '../platform/platform.module.js';
import { loginClientCaller } from '../platform/auth/login-client.js';
import { CALLER_LIMITED_ID } from '../platform/auth/auth.errors.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { InstanceResolver, type RequestSite } from '../platform/tenancy/instance-resolver.js';
import type { Instance } from '../platform/tenancy/instance.entity.js';
import { Policies } from '../settings/policies.js';
import {
  CREDENTIALS_INVALID_ID,
  OTP_CODE_EXPIRED_ID,
  OTP_NOT_CHALLENGED_ID,
  PASSWORD_NOT_SET_ID,
  RELYING_PARTY_INVALID_ID,
  SESSION_EXPIRED_ID,
  SESSION_NOT_FOUND_ID,
  SESSION_TOKEN_INVALID_ID,
  SESSION_TOKEN_NOT_ACCEPTED_ID,
  USER_LOCKED_ID,
  USER_NOT_ACTIVE_ID,
  USER_NOT_FOUND_ID,
  WEBAUTHN_ASSERTION_INVALID_ID,
  WEBAUTHN_CHALLENGE_EXPIRED_ID,
  WEBAUTHN_NOT_CHALLENGED_ID,
  WEBAUTHN_NO_CREDENTIALS_ID,
} from '../sessions/sessions.errors.js';
import {
  LOGIN_LINK_DENIED_ID,
  LOGIN_MFA_REQUIRED_ID,
  LOGIN_NOT_AUTHENTICATED_ID,
  LOGIN_PASSWORD_CHANGE_ID,
  LOGIN_TOO_OLD_ID,
} from '../sessions/login-handoff.js';
import type { AuthRequestView } from '../oidc/oidc.service.js';
import {
  BROWSER_COOKIE,
  CsrfTokens,
  decodeBrowserState,
  encodeBrowserState,
  newBrowserState,
  parseCookies,
  serializeCookie,
  withSession,
  withoutSessions,
  type BrowserSession,
  type BrowserState,
} from './login-browser.js';
import { pickLocale, translator, type MessageKey, type Translate } from './login.i18n.js';
import { LOGIN_SCRIPT } from './login-script.js';
import { qrSvg } from './login-qr.js';
import { assetOrigins, themeCss } from './login-theme.js';
import { allowedFactors, type PageFactor } from './login-users.js';
import { LEGAL_PAGES, mfaForced } from '../settings/settings-rules.js';
import { setupChoices } from './login-mfa-prompt.js';
import {
  LoginProblem,
  LoginService,
  type Next,
  type SamlRequestOnPage,
  type SessionWithUser,
  type UserById,
} from './login.service.js';
import { passwordProblems } from '../users/password-policy.js';
import {
  CODE_CHECKS_RATE_LIMITED,
  CODE_EXPIRED,
  CODE_INVALID,
  CODE_SPENT,
  NO_EMAIL_CODE_ID,
  NO_INVITE_CODE_ID,
  PASSWORD_TOO_WEAK_ID,
  USERNAME_TAKEN_ID,
} from '../users/users.errors.js';
import {
  NOT_INITIALISED_ID,
  NO_EMAIL_FOR_RESET_ID,
  PASSWORD_UNCHANGED_ID,
  WRONG_CURRENT_PASSWORD_ID,
} from '../users/credentials/credentials.errors.js';
import {
  TOTP_CODE_INVALID_ID,
  TOTP_NOT_FOUND_ID,
  WEBAUTHN_ALREADY_VERIFIED_ID,
  WEBAUTHN_CREDENTIAL_INVALID_ID,
  WEBAUTHN_CREDENTIAL_TAKEN_ID,
  WEBAUTHN_NOT_FOUND_ID,
  WEBAUTHN_REGISTRATION_EXPIRED_ID,
} from '../users/mfa/mfa.errors.js';
import {
  AUTH_REQUEST_ID_MISSING_ID,
  AUTH_REQUEST_NOT_FOUND_ID,
  CLIENT_INACTIVE_ID,
  DEVICE_REQUEST_ID_MISSING_ID,
  DEVICE_REQUEST_NOT_FOUND_ID,
  NO_PROJECT_ACCESS_ID,
  WRONG_ORG_ID,
} from '../oidc/oidc.errors.js';
import {
  SAML_REQUEST_ANSWERED_ID,
  SAML_REQUEST_EXPIRED_ID,
  SAML_REQUEST_NOT_FOUND_ID,
  SERVICE_PROVIDER_GONE_ID,
} from '../saml/saml.errors.js';
import { NO_DELIVERY_CHANNEL_ID } from '../notifications/notifications.errors.js';
import { isError } from '../platform/errors/is-error.js';
import type { LoginSettings } from '../settings/policies.js';
import type { WebAuthnKind } from '../users/mfa/mfa.entity.js';
import { LOGIN_BASE, flowOf, pageUrl, type Flow } from './login-flow.js';
import { errorPage, messagePage, type PageContext, type UserOnPage } from './views/layout.js';
import {
  accountsPage,
  codePage,
  loginNamePage,
  logoutPage,
  mfaChoosePage,
  passwordPage,
  samlPostPage,
  signedInPage,
  type AccountOnPage,
} from './views/sign-in.views.js';
import { passwordChangePage, passwordResetPage, passwordSetPage } from './views/password.views.js';
import { registerPage, verifyEmailLinkPage, verifyEmailPage, type RegisterValues } from './views/register.views.js';
import { deviceConsentPage, deviceInfoPage, devicePage } from './views/device.views.js';
import {
  WEBAUTHN_SETUP_TEXT,
  mfaSetupPage,
  passkeyAddedPage,
  passkeyLinkPage,
  passkeyPage,
  totpSetupPage,
  webAuthnSetupPage,
  type SetupChoice,
} from './views/webauthn.views.js';

const FORM_LIMIT = 16 * 1024;
const COOKIE_MAX_AGE = 90 * 24 * 60 * 60;
const ORG_SCOPE = 'urn:zitadel:iam:org:id:';

/** One request as the pages see it. */
interface PageRequest {
  readonly req: HttpRequest;
  readonly res: HttpResponse;
  readonly path: string;
  readonly method: string;
  /** The query (GET) or the form (POST). */
  readonly params: URLSearchParams;
  readonly instance: Instance;
  readonly caller: Caller;
  readonly flow: Flow;
  state: BrowserState;
  stateChanged: boolean;
  authRequest?: AuthRequestView | null;
  samlRequest?: SamlRequestOnPage;
  /** The org whose branding and settings apply, once known (the user's). */
  orgId?: string;
}

/** Text of a failed step the page shows in the user's words, and whether it is the user's fault (400) or ours (500). */
/** A link from an email (`?userId=&code=`) rather than a step of this browser's sign-in (`?session=`). */
function fromEmailLink(r: { params: URLSearchParams }): boolean {
  return !!r.params.get('userId') && !r.params.get('session');
}

/**
 * What to tell the holder of a link whose code did not work: the known problems' words (a spent
 * code, too many tries), else `fallback` for any refusal of the code or the user; server faults
 * are not the link's problem.
 */
function linkProblem(err: unknown, fallback: MessageKey): MessageKey | undefined {
  if (!(err instanceof DomainError)) return undefined;
  return (
    problemKey(err) ?? (['InvalidArgument', 'FailedPrecondition', 'NotFound'].includes(err.kind) ? fallback : undefined)
  );
}

function problemKey(err: unknown): MessageKey | undefined {
  if (err instanceof LoginProblem) return err.key;
  if (!(err instanceof DomainError)) return undefined;
  const byId: Record<string, MessageKey> = {
    [AUTH_REQUEST_NOT_FOUND_ID]: 'error.authRequest',
    [AUTH_REQUEST_ID_MISSING_ID]: 'error.authRequest',
    [CLIENT_INACTIVE_ID]: 'error.authRequest',
    [DEVICE_REQUEST_NOT_FOUND_ID]: 'error.deviceCode',
    [DEVICE_REQUEST_ID_MISSING_ID]: 'error.deviceCode',
    [WRONG_ORG_ID]: 'error.wrongOrg',
    [NO_PROJECT_ACCESS_ID]: 'error.noAccess',
    [SESSION_TOKEN_INVALID_ID]: 'error.session',
    [SESSION_EXPIRED_ID]: 'error.session',
    [SESSION_NOT_FOUND_ID]: 'error.session',
    [USER_NOT_FOUND_ID]: 'error.session',
    [USER_LOCKED_ID]: 'error.locked',
    [USER_NOT_ACTIVE_ID]: 'error.inactive',
    [PASSWORD_NOT_SET_ID]: 'error.noPassword',
    [LOGIN_MFA_REQUIRED_ID]: 'error.mfaSetup',
    [LOGIN_NOT_AUTHENTICATED_ID]: 'error.session',
    [LOGIN_TOO_OLD_ID]: 'error.session',
    [LOGIN_LINK_DENIED_ID]: 'error.session',
    [LOGIN_PASSWORD_CHANGE_ID]: 'error.session',
    [SESSION_TOKEN_NOT_ACCEPTED_ID]: 'error.session',
    [CALLER_LIMITED_ID]: 'error.session',
    [SAML_REQUEST_NOT_FOUND_ID]: 'error.authRequest',
    [SAML_REQUEST_ANSWERED_ID]: 'error.authRequest',
    [SAML_REQUEST_EXPIRED_ID]: 'error.authRequest',
    [SERVICE_PROVIDER_GONE_ID]: 'error.authRequest',
    [NO_DELIVERY_CHANNEL_ID]: 'error.emailDelivery',
    [CODE_SPENT]: 'error.codeSpent',
    [CODE_CHECKS_RATE_LIMITED]: 'error.tooMany',
  };
  return byId[err.id];
}

/** The failed attempts a CredentialsCheckError detail carries, when the lockout policy shows them. */
function failedAttempts(err: DomainError): number | undefined {
  const detail = err.details.find((d) => d.desc.typeName === 'zitadel.v1.CredentialsCheckError');
  return detail ? (detail.value as unknown as { failedAttempts: number }).failedAttempts : undefined;
}

/** A passkey or security key registration that did not verify: the page asks to try again. */
const WEBAUTHN_REGISTRATION_FAILED = [
  WEBAUTHN_NOT_FOUND_ID,
  WEBAUTHN_ALREADY_VERIFIED_ID,
  WEBAUTHN_REGISTRATION_EXPIRED_ID,
  WEBAUTHN_CREDENTIAL_INVALID_ID,
  WEBAUTHN_CREDENTIAL_TAKEN_ID,
];

const FACTOR_PAGES: Record<string, PageFactor> = {
  '/otp/totp': 'totp',
  '/otp/email': 'otpEmail',
  '/otp/sms': 'otpSms',
};
const WEBAUTHN_SETUP_PAGES: Record<string, WebAuthnKind> = { '/mfa/setup/passkey': 'passkey', '/mfa/setup/u2f': 'u2f' };

/** An origin as frame-ancestors may list it (scheme://host[:port], no path or spaces). */
function cspSource(origin: string): string | undefined {
  const v = origin.trim();
  return /^https?:\/\/[a-zA-Z0-9.*-]+(:\d+)?$/.test(v) || /^[a-zA-Z0-9.*-]+(:\d+)?$/.test(v) ? v : undefined;
}

/**
 * The hosted login pages at /ui/v2/login: server-rendered HTML forms (no script needed), one per
 * step, over LoginService. The HTTP edge owns the browser's cookie, CSRF, the CSP and the
 * language; every page is rendered in the words of the message catalogue, never a stack trace.
 */
@Injectable()
export class LoginRoutes implements OnModuleInit {
  private readonly csrf: CsrfTokens;

  constructor(
    private readonly routes: HttpRoutes,
    private readonly resolver: InstanceResolver,
    private readonly login: LoginService,
    private readonly policies: Policies,
    private readonly limiter: RateLimiter,
    private readonly config: Config,
    masterKey: MasterKey,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    this.csrf = new CsrfTokens(masterKey.derive('login-pages-csrf-v1'));
  }

  onModuleInit(): void {
    this.routes.mount(LOGIN_BASE, (req, res) => this.handle(req, res));
  }

  private get secureCookies(): boolean {
    return this.config.externalUrl.startsWith('https:');
  }

  private async handle(req: HttpRequest, res: HttpResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.slice(LOGIN_BASE.length).replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    let site: RequestSite;
    try {
      site = await this.resolver.resolveHttp(req.headers);
    } catch {
      return this.plain(res, 404, 'Not found');
    }
    const { instance } = site;
    if (path === '/assets/login.css') return this.stylesheet(instance, url.searchParams.get('org') ?? undefined, res);
    if (path === '/assets/login.js') return this.asset(res, 'text/javascript; charset=utf-8', LOGIN_SCRIPT);
    if (method !== 'GET' && method !== 'HEAD' && method !== 'POST')
      return this.plain(res, 405, 'Method not allowed', { allow: 'GET, POST' });

    const existing = decodeBrowserState(parseCookies(req.headers.cookie).get(BROWSER_COOKIE));
    let params = url.searchParams;
    if (method === 'POST') {
      try {
        params = new URLSearchParams((await readBody(req, FORM_LIMIT)).toString('utf8'));
      } catch {
        return this.plain(res, 413, 'Request too large');
      }
    }
    const r: PageRequest = {
      req,
      res,
      path,
      method,
      params,
      instance,
      caller: loginClientCaller(instance, randomUUID(), site.origin),
      flow: flowOf(params),
      state: existing ?? newBrowserState(),
      stateChanged: !existing,
    };
    try {
      if (method === 'POST') {
        // The token is bound to this browser's cookie; a POST without both is refused.
        if (!existing || !this.csrf.matches(existing.browserId, params.get('csrf') ?? undefined)) {
          return this.page(r, 403, errorPage(await this.context(r), (await this.t(r))('error.csrf')));
        }
        if (!this.limiter.take('login', peerAddress(req)).allowed) {
          return this.page(r, 429, errorPage(await this.context(r), (await this.t(r))('error.tooMany')));
        }
      }
      await this.route(r);
    } catch (err) {
      const key = problemKey(err);
      if (!key) this.log.error({ err, path }, 'login page failed');
      const t = await this.t(r).catch(() => translator('en'));
      const ctx = await this.context(r).catch(() => undefined);
      if (!ctx) return this.plain(res, 500, t('error.unknown'));
      return this.page(r, key ? 400 : 500, errorPage(ctx, t(key ?? 'error.unknown')));
    }
  }

  private async route(r: PageRequest): Promise<void> {
    const post = r.method === 'POST';
    switch (r.path) {
      case '/':
      case '/login':
        return post ? this.notFound(r) : this.entry(r);
      case '/loginname':
        return post ? this.submitLoginName(r) : this.showLoginName(r);
      case '/password':
        return post ? this.submitPassword(r) : this.showPassword(r);
      case '/password/change':
        return post ? this.submitPasswordChange(r) : this.showPasswordChange(r);
      case '/otp/totp':
      case '/otp/email':
      case '/otp/sms':
        return post ? this.submitCode(r, FACTOR_PAGES[r.path]) : this.showCode(r, FACTOR_PAGES[r.path]);
      case '/mfa':
        return post ? this.submitFactorChoice(r) : this.showFactorChoice(r);
      case '/accounts':
        return post ? this.submitAccount(r) : this.showAccounts(r);
      case '/signedin':
        return post ? this.notFound(r) : this.showSignedIn(r);
      case LEGAL_PAGES.terms:
        return post ? this.notFound(r) : this.legalPage(r, 'title.legalTerms');
      case LEGAL_PAGES.privacy:
        return post ? this.notFound(r) : this.legalPage(r, 'title.legalPrivacy');
      case '/logout':
        return post ? this.submitLogout(r) : this.showLogout(r);
      case '/device':
        return post ? this.submitDeviceCode(r) : this.showDevice(r);
      case '/device/consent':
        return post ? this.submitDeviceDecision(r) : this.showDeviceConsent(r);
      case '/password/reset':
        return post ? this.submitPasswordReset(r) : this.showPasswordReset(r);
      case '/password/set':
        if (fromEmailLink(r)) return post ? this.submitPasswordSetLink(r) : this.showPasswordSetLink(r);
        return post ? this.submitPasswordSet(r) : this.showPasswordSet(r);
      case '/register':
        return post ? this.submitRegister(r) : this.showRegister(r);
      case '/verify':
        if (!post && r.params.get('invite') === 'true') return this.showInvite(r);
        if (fromEmailLink(r)) return post ? this.submitVerifyEmailLink(r) : this.showVerifyEmailLink(r);
        return post ? this.submitVerifyEmail(r) : this.showVerifyEmail(r);
      case '/invite':
        return post ? this.submitInvite(r) : this.showInvite(r);
      case '/passkey':
        return post ? this.submitPasskey(r) : this.showPasskey(r);
      case '/passkey/set':
        return post ? this.submitPasskeyLink(r) : this.showPasskeyLink(r);
      case '/mfa/setup':
        return post ? this.notFound(r) : this.showMfaSetup(r);
      case '/mfa/skip':
        return post ? this.submitMfaSkip(r) : this.notFound(r);
      case '/mfa/setup/totp':
        return post ? this.submitTotpSetup(r) : this.showTotpSetup(r);
      case '/mfa/setup/passkey':
      case '/mfa/setup/u2f':
        return post
          ? this.submitWebAuthnSetup(r, WEBAUTHN_SETUP_PAGES[r.path])
          : this.showWebAuthnSetup(r, WEBAUTHN_SETUP_PAGES[r.path]);
      default:
        return this.notFound(r);
    }
  }

  // ---- entry and account selection ----

  /**
   * `?authRequest=` (OIDC), `?userCode=` (device, after the device page) or nothing. prompt=login
   * (or create, or SAML's ForceAuthn) always asks for a login name; select_account, or several
   * sessions in this browser, show the account list; one session (or the id_token_hint's user)
   * continues with it.
   */
  private async entry(r: PageRequest): Promise<void> {
    // SAML: the request must be pending (GetSAMLRequest); then the same steps as for OIDC.
    const saml = r.flow.kind === 'saml' ? await this.samlRequestOf(r) : undefined;
    const ar = await this.authRequestOf(r);
    const prompt = ar?.prompt ?? [];
    if (prompt.includes('create') && (await this.registerAllowed(r)))
      return this.redirect(r, pageUrl('register', r.flow));
    if (prompt.includes('login') || prompt.includes('create') || saml?.forceAuthn)
      return this.redirect(r, pageUrl('loginname', r.flow));
    const accounts = await this.accounts(r);
    const active = accounts.filter((a) => a.active);
    const hinted = ar?.hintUserId ? active.find((a) => a.userId === ar.hintUserId) : undefined;
    if (r.flow.kind === 'direct') {
      return accounts.length
        ? this.redirect(r, pageUrl('accounts', r.flow))
        : this.redirect(r, pageUrl('loginname', r.flow));
    }
    if (!prompt.includes('select_account')) {
      const only = hinted ?? (active.length === 1 && accounts.length === 1 ? active[0] : undefined);
      if (only) return this.go(r, await this.login.advance(r.caller, r.flow, this.sessionById(r, only.session), false));
    }
    if (accounts.length) return this.redirect(r, pageUrl('accounts', r.flow));
    return this.redirect(r, pageUrl('loginname', r.flow));
  }

  /** The browser's sessions that still have a user, newest first; stale ones leave the cookie. */
  private async accounts(r: PageRequest): Promise<(AccountOnPage & { userId: string })[]> {
    const found: (AccountOnPage & { userId: string })[] = [];
    const stale: string[] = [];
    for (const s of r.state.sessions) {
      const view = await this.login.view(r.caller, s);
      if (!view?.user) {
        stale.push(s.id);
        continue;
      }
      const active = !view.expiresAt || new Date(view.expiresAt).getTime() > Date.now();
      found.push({
        session: s.id,
        userId: view.user.id,
        displayName: view.user.displayName,
        loginName: view.user.loginName,
        active,
      });
    }
    if (stale.length) this.setState(r, withoutSessions(r.state, stale));
    return found;
  }

  private async showAccounts(r: PageRequest): Promise<void> {
    const accounts = await this.accounts(r);
    if (!accounts.length) return this.redirect(r, pageUrl('loginname', r.flow));
    return this.page(r, 200, accountsPage(await this.context(r), { accounts }));
  }

  private async submitAccount(r: PageRequest): Promise<void> {
    const session = this.sessionById(r, r.params.get('session') ?? '');
    const view = await this.login.view(r.caller, session);
    if (!view?.user || (view.expiresAt && new Date(view.expiresAt).getTime() <= Date.now())) {
      // Expired: sign in again with the same login name.
      if (view?.user) return this.redirect(r, pageUrl('loginname', r.flow, { loginName: view.user.loginName }));
      throw new LoginProblem('error.session');
    }
    return this.go(r, await this.login.advance(r.caller, r.flow, session, true));
  }

  private async showSignedIn(r: PageRequest): Promise<void> {
    const { view, user } = await this.login.withUser(r.caller, this.session(r));
    r.orgId = user.orgId;
    return this.page(r, 200, signedInPage(await this.context(r), { user: this.shown(view.user!, user) }));
  }

  // ---- login name and password ----

  private async showLoginName(r: PageRequest): Promise<void> {
    const ar = await this.authRequestOf(r);
    const loginName = r.params.get('loginName') ?? ar?.loginHint;
    const appName = r.flow.kind === 'saml' ? (await this.samlRequestOf(r)).appName : undefined;
    const registerUrl = (await this.registerAllowed(r)) ? pageUrl('register', r.flow) : undefined;
    return this.page(
      r,
      200,
      loginNamePage(await this.context(r), { loginName: loginName ?? undefined, appName, registerUrl }),
    );
  }

  private async submitLoginName(r: PageRequest): Promise<void> {
    const t = await this.t(r);
    const loginName = (r.params.get('loginName') ?? '').trim();
    const settings = await this.login.loginSettings(r.caller, await this.requestedOrg(r));
    const registerUrl =
      settings.allowRegister && settings.allowUsernamePassword ? pageUrl('register', r.flow) : undefined;
    const again = async (key: MessageKey) =>
      this.page(r, 400, loginNamePage(await this.context(r), { loginName, errors: [t(key)], registerUrl }));
    if (!loginName) return again('error.required');
    if (!settings.allowUsernamePassword) return again('error.usernamePassword');
    let session: BrowserSession;
    try {
      session = await this.login.startSession(r.caller, loginName, this.userAgent(r));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.id === USER_NOT_FOUND_ID) {
        // ignoreUnknownUsernames: the password page asks as for anyone and fails there, generically.
        if (settings.ignoreUnknownUsernames) return this.redirect(r, pageUrl('password', r.flow, { loginName }));
        return again('error.userNotFound');
      }
      const key = problemKey(err);
      if (key) return again(key);
      throw err;
    }
    this.remember(r, session);
    return this.redirect(r, pageUrl('password', r.flow, { session: session.id }));
  }

  private async showPassword(r: PageRequest, errors?: string[], status = 200): Promise<void> {
    const loginName = r.params.get('loginName');
    if (!r.params.get('session') && loginName) {
      return this.page(
        r,
        status,
        passwordPage(await this.context(r), { user: { displayName: loginName, loginName }, loginName, errors }),
      );
    }
    const session = this.session(r);
    const { view, user } = await this.login.withUser(r.caller, session);
    r.orgId = user.orgId;
    const settings = await this.policies.loginSettings(r.instance.id, user.orgId);
    const resetUrl =
      settings.hidePasswordReset || !user.email
        ? undefined
        : pageUrl('password/reset', r.flow, { session: session.id });
    const passkeyUrl =
      settings.passkeysType === 'allowed' && user.webAuthn.includes('passkey')
        ? pageUrl('passkey', r.flow, { session: session.id })
        : undefined;
    return this.page(
      r,
      status,
      passwordPage(await this.context(r), {
        user: this.shown(view.user!, user),
        session: session.id,
        errors,
        resetUrl,
        passkeyUrl,
      }),
    );
  }

  private async submitPassword(r: PageRequest): Promise<void> {
    const t = await this.t(r);
    const password = r.params.get('password') ?? '';
    if (!password) return this.showPassword(r, [t('error.required')], 400);
    const loginName = r.params.get('loginName');
    try {
      if (!r.params.get('session') && loginName) {
        const session = await this.login.startWithPassword(r.caller, loginName, password, this.userAgent(r));
        this.remember(r, session);
        return this.go(r, await this.login.advance(r.caller, r.flow, session, true));
      }
      const session = await this.login.checkPassword(r.caller, this.session(r), password);
      this.remember(r, session);
      return this.go(r, await this.login.advance(r.caller, r.flow, session, true));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.id === CREDENTIALS_INVALID_ID.password) {
        if (!r.params.get('session')) return this.showPassword(r, [t('error.credentials')], 400);
        return this.showPassword(r, await this.credentialErrors(r, err, 'password'), 400);
      }
      if (isError(err, USER_LOCKED_ID, USER_NOT_ACTIVE_ID, PASSWORD_NOT_SET_ID))
        return this.showPassword(r, [t(problemKey(err)!)], 400);
      throw err;
    }
  }

  /** The wrong-credential message, with the attempts left when the lockout settings show them. */
  private async credentialErrors(r: PageRequest, err: DomainError, kind: 'password' | 'otp'): Promise<string[]> {
    const t = await this.t(r);
    const errors = [t(kind === 'password' ? 'error.password' : 'error.code')];
    const failed = failedAttempts(err);
    const { user } = await this.login.withUser(r.caller, this.session(r));
    const lockout = await this.policies.lockoutSettings(r.instance.id, user.orgId);
    const max = kind === 'password' ? lockout.maxPasswordAttempts : lockout.maxOtpAttempts;
    if (failed !== undefined && max > 0) {
      const left = Math.max(0, max - failed);
      errors.push(left > 0 ? t('error.attemptsLeft', { n: left }) : t('error.locked'));
    }
    return errors;
  }

  private async showPasswordChange(r: PageRequest, errors?: string[], status = 200): Promise<void> {
    const session = this.session(r);
    const { view, user } = await this.login.withUser(r.caller, session);
    r.orgId = user.orgId;
    const complexity = await this.login.complexity(r.caller, user.orgId);
    return this.page(
      r,
      status,
      passwordChangePage(await this.context(r), {
        user: this.shown(view.user!, user),
        session: session.id,
        complexity,
        errors,
      }),
    );
  }

  private async submitPasswordChange(r: PageRequest): Promise<void> {
    const t = await this.t(r);
    const current = r.params.get('currentPassword') ?? '';
    const next = r.params.get('newPassword') ?? '';
    if (!current || !next) return this.showPasswordChange(r, [t('error.required')], 400);
    if (next !== r.params.get('confirmPassword')) return this.showPasswordChange(r, [t('error.passwordMismatch')], 400);
    const session = this.session(r);
    try {
      await this.login.changePassword(r.caller, session, current, next);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const key: MessageKey | undefined = (
        {
          [PASSWORD_TOO_WEAK_ID]: 'error.passwordWeak',
          [WRONG_CURRENT_PASSWORD_ID]: 'error.password',
          [PASSWORD_UNCHANGED_ID]: 'error.passwordSame',
        } as Record<string, MessageKey>
      )[err.id];
      if (key) return this.showPasswordChange(r, [t(key)], 400);
      throw err;
    }
    return this.go(r, await this.login.advance(r.caller, r.flow, session, true));
  }

  // ---- second factors ----

  private async showCode(r: PageRequest, factor: PageFactor, errors?: string[], status = 200): Promise<void> {
    const session = this.session(r);
    const { view, user } = await this.login.withUser(r.caller, session);
    r.orgId = user.orgId;
    const settings = await this.policies.loginSettings(r.instance.id, user.orgId);
    const others = allowedFactors(user, settings.secondFactors).filter((f) => f !== factor);
    return this.page(
      r,
      status,
      codePage(await this.context(r), {
        factor,
        user: this.shown(view.user!, user),
        session: session.id,
        errors,
        others,
      }),
    );
  }

  private async submitCode(r: PageRequest, factor: PageFactor): Promise<void> {
    const t = await this.t(r);
    const session = this.session(r);
    if (r.params.get('action') === 'send' && factor !== 'totp') {
      this.remember(r, await this.login.sendCode(r.caller, session, factor));
      return this.redirect(r, pageUrl(r.path.slice(1), r.flow, { session: session.id }));
    }
    const code = (r.params.get('code') ?? '').trim();
    if (!code) return this.showCode(r, factor, [t('error.required')], 400);
    try {
      const checked = await this.login.checkCode(r.caller, session, factor, code);
      this.remember(r, checked);
      return this.go(r, await this.login.advance(r.caller, r.flow, checked, true));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (isError(err, CREDENTIALS_INVALID_ID.totp, CREDENTIALS_INVALID_ID.otpSms, CREDENTIALS_INVALID_ID.otpEmail))
        return this.showCode(r, factor, await this.credentialErrors(r, err, 'otp'), 400);
      if (isError(err, OTP_CODE_EXPIRED_ID, OTP_NOT_CHALLENGED_ID.sms, OTP_NOT_CHALLENGED_ID.email))
        return this.showCode(r, factor, [t('error.codeExpired')], 400);
      if (err.id === USER_LOCKED_ID) return this.showCode(r, factor, [t('error.locked')], 400);
      throw err;
    }
  }

  private async showFactorChoice(r: PageRequest): Promise<void> {
    const session = this.session(r);
    const { view, user } = await this.login.withUser(r.caller, session);
    r.orgId = user.orgId;
    const factors = allowedFactors(user, (await this.policies.loginSettings(r.instance.id, user.orgId)).secondFactors);
    return this.page(
      r,
      200,
      mfaChoosePage(await this.context(r), { user: this.shown(view.user!, user), session: session.id, factors }),
    );
  }

  private async submitFactorChoice(r: PageRequest): Promise<void> {
    const session = this.session(r);
    const { user } = await this.login.withUser(r.caller, session);
    const factors = allowedFactors(user, (await this.policies.loginSettings(r.instance.id, user.orgId)).secondFactors);
    const factor = factors.find((f) => f === r.params.get('factor'));
    if (!factor) return this.showFactorChoice(r);
    return this.go(r, await this.login.toFactor(r.caller, r.flow, session, factor, true));
  }

  // ---- sign out ----

  private async showLogout(r: PageRequest): Promise<void> {
    const accounts = await this.accounts(r);
    const postLogout = this.sameOriginPath(r.params.get('post_logout_redirect'));
    return this.page(r, 200, logoutPage(await this.context(r), { accounts, postLogout }));
  }

  private async submitLogout(r: PageRequest): Promise<void> {
    for (const session of r.state.sessions) await this.login.endSession(r.caller, session);
    this.setState(r, { ...r.state, sessions: [] });
    const target = this.sameOriginPath(r.params.get('post_logout_redirect'));
    if (target) return this.redirect(r, target);
    const t = await this.t(r);
    return this.page(
      r,
      200,
      messagePage(await this.context(r), 'title.loggedOut', t('intro.loggedOut'), {
        href: pageUrl('loginname', { kind: 'direct' }),
        label: t('link.signIn'),
      }),
    );
  }

  // ---- device authorization (RFC 8628 §3.3) ----

  private async showDevice(r: PageRequest): Promise<void> {
    return this.page(r, 200, devicePage(await this.context(r), { userCode: r.params.get('user_code') ?? undefined }));
  }

  private async submitDeviceCode(r: PageRequest): Promise<void> {
    const t = await this.t(r);
    const userCode = (r.params.get('userCode') ?? '').trim();
    if (!userCode) return this.page(r, 400, devicePage(await this.context(r), { errors: [t('error.required')] }));
    let device;
    try {
      device = await this.login.deviceRequest(r.caller, userCode);
    } catch (err) {
      if (isError(err, DEVICE_REQUEST_NOT_FOUND_ID))
        return this.page(r, 400, devicePage(await this.context(r), { userCode, errors: [t('error.deviceCode')] }));
      throw err;
    }
    const flow: Flow = { kind: 'device', userCode: device.id };
    return this.page(r, 200, deviceInfoPage(await this.context(r), { device, next: pageUrl('login', flow) }));
  }

  private async showDeviceConsent(r: PageRequest): Promise<void> {
    if (r.flow.kind !== 'device') return this.notFound(r);
    const session = this.session(r);
    const device = await this.login.deviceRequest(r.caller, r.flow.userCode);
    const { view, user } = await this.login.withUser(r.caller, session);
    r.orgId = user.orgId;
    return this.page(
      r,
      200,
      deviceConsentPage(await this.context(r), {
        device,
        user: this.shown(view.user!, user),
        session: session.id,
      }),
    );
  }

  private async submitDeviceDecision(r: PageRequest): Promise<void> {
    if (r.flow.kind !== 'device') return this.notFound(r);
    const t = await this.t(r);
    const allow = r.params.get('decision') === 'allow';
    await this.login.decideDevice(r.caller, r.flow.userCode, allow ? this.session(r) : undefined);
    const ctx = await this.context(r);
    return this.page(
      r,
      200,
      allow
        ? messagePage(ctx, 'title.deviceDone', t('intro.deviceDone'))
        : messagePage(ctx, 'title.deviceDenied', t('intro.deviceDenied')),
    );
  }

  // ---- password reset (UserService PasswordReset + SetPassword with the code) ----

  private async showPasswordReset(r: PageRequest, errors?: string[], status = 200): Promise<void> {
    const session = this.session(r);
    const { view, user } = await this.login.withUser(r.caller, session);
    r.orgId = user.orgId;
    if ((await this.policies.loginSettings(r.instance.id, user.orgId)).hidePasswordReset) return this.notFound(r);
    return this.page(
      r,
      status,
      passwordResetPage(await this.context(r), {
        user: this.shown(view.user!, user),
        session: session.id,
        errors,
      }),
    );
  }

  /** Sends the reset code by email (a POST: a GET never sends anything), then asks for it. */
  private async submitPasswordReset(r: PageRequest): Promise<void> {
    const t = await this.t(r);
    const session = this.session(r);
    const { user } = await this.login.withUser(r.caller, session);
    if ((await this.policies.loginSettings(r.instance.id, user.orgId)).hidePasswordReset) return this.notFound(r);
    try {
      await this.login.requestPasswordReset(r.caller, user.id);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const key: MessageKey | undefined =
        (
          { [NO_EMAIL_FOR_RESET_ID]: 'error.noEmail', [NOT_INITIALISED_ID]: 'error.notInitialised' } as Record<
            string,
            MessageKey
          >
        )[err.id] ?? problemKey(err);
      if (key) return this.showPasswordReset(r, [t(key)], 400);
      throw err;
    }
    return this.redirect(r, pageUrl('password/set', r.flow, { session: session.id }));
  }

  private async showPasswordSet(r: PageRequest, errors?: string[], invalid?: string[], status = 200): Promise<void> {
    const session = this.session(r);
    const { view, user } = await this.login.withUser(r.caller, session);
    r.orgId = user.orgId;
    const complexity = await this.login.complexity(r.caller, user.orgId);
    return this.page(
      r,
      status,
      passwordSetPage(await this.context(r), {
        user: this.shown(view.user!, user),
        action: 'password/set',
        hidden: { session: session.id },
        complexity,
        errors,
        invalid,
        resend: true,
        code: status === 200 ? undefined : (r.params.get('code') ?? undefined),
      }),
    );
  }

  private async submitPasswordSet(r: PageRequest): Promise<void> {
    const t = await this.t(r);
    const session = this.session(r);
    const { user } = await this.login.withUser(r.caller, session);
    const code = (r.params.get('code') ?? '').trim();
    const next = r.params.get('newPassword') ?? '';
    const complexity = await this.login.complexity(r.caller, user.orgId);
    const problem = this.newPasswordProblem(r, t, next, complexity, code ? undefined : 'code');
    if (problem) return this.showPasswordSet(r, problem.errors, problem.invalid, 400);
    try {
      await this.login.setPasswordWithCode(r.caller, user.id, code, next);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.id === CODE_INVALID) return this.showPasswordSet(r, [t('error.code')], ['code'], 400);
      if (err.id === CODE_EXPIRED) return this.showPasswordSet(r, [t('error.codeExpired')], ['code'], 400);
      if (err.id === PASSWORD_TOO_WEAK_ID)
        return this.showPasswordSet(r, [t('error.passwordWeak')], ['newPassword'], 400);
      throw err;
    }
    // The new password is the first factor of this sign-in.
    const checked = await this.login.checkPassword(r.caller, session, next);
    this.remember(r, checked);
    return this.go(r, await this.login.advance(r.caller, r.flow, checked, true));
  }

  /** What is wrong with a new password and its confirmation (the server's check; the script only helps). */
  private newPasswordProblem(
    r: PageRequest,
    t: Translate,
    password: string,
    complexity: Parameters<typeof passwordProblems>[1],
    missing?: string,
  ): { errors: string[]; invalid: string[] } | undefined {
    if (missing || !password) return { errors: [t('error.required')], invalid: [missing ?? 'newPassword'] };
    if (password !== r.params.get('confirmPassword'))
      return { errors: [t('error.passwordMismatch')], invalid: ['confirmPassword'] };
    if (passwordProblems(password, complexity).length)
      return { errors: [t('error.passwordWeak')], invalid: ['newPassword'] };
    return undefined;
  }

  // ---- self-registration (AddHumanUser) and email verification ----

  /** The org new accounts go to: the one the request names, else the instance's default org. */
  private async registerOrg(r: PageRequest): Promise<string> {
    return (await this.requestedOrg(r)) ?? r.instance.defaultOrgId ?? r.instance.id;
  }

  private async registerAllowed(r: PageRequest): Promise<boolean> {
    const settings = await this.login.loginSettings(r.caller, await this.registerOrg(r));
    return settings.allowRegister && settings.allowUsernamePassword;
  }

  private async showRegister(
    r: PageRequest,
    values: RegisterValues = {},
    errors?: string[],
    invalid?: string[],
    status = 200,
  ): Promise<void> {
    if (!(await this.registerAllowed(r))) throw new LoginProblem('error.registerDisabled');
    const complexity = await this.login.complexity(r.caller, await this.registerOrg(r));
    return this.page(r, status, registerPage(await this.context(r), { values, complexity, errors, invalid }));
  }

  private async submitRegister(r: PageRequest): Promise<void> {
    if (!(await this.registerAllowed(r))) throw new LoginProblem('error.registerDisabled');
    const t = await this.t(r);
    const field = (name: string) => (r.params.get(name) ?? '').trim();
    const values = {
      givenName: field('givenName'),
      familyName: field('familyName'),
      email: field('email'),
      username: field('username'),
    };
    const again = (errors: string[], invalid: string[]) => this.showRegister(r, values, errors, invalid, 400);
    const missing = (['givenName', 'familyName', 'email'] as const).filter((f) => !values[f]);
    if (missing.length) return again([t('error.required')], [...missing]);
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email) || values.email.length > 200)
      return again([t('error.emailInvalid')], ['email']);
    const orgId = await this.registerOrg(r);
    const password = r.params.get('newPassword') ?? '';
    const problem = this.newPasswordProblem(r, t, password, await this.login.complexity(r.caller, orgId));
    if (problem) return again(problem.errors, problem.invalid);
    let userId: string;
    try {
      userId = await this.login.register(r.caller, orgId, {
        ...values,
        username: values.username || undefined,
        password,
        language: (await this.context(r)).locale,
      });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.id === USERNAME_TAKEN_ID)
        return again([t('error.usernameTaken')], [values.username ? 'username' : 'email']);
      if (err.id === PASSWORD_TOO_WEAK_ID) return again([t('error.passwordWeak')], ['newPassword']);
      throw err;
    }
    const session = await this.login.startWithUserId(r.caller, userId, password, this.userAgent(r));
    this.remember(r, session);
    return this.redirect(r, pageUrl('verify', r.flow, { session: session.id }));
  }

  /** A session of this browser whose first factor is checked: only such a one may verify, set up or register factors. */
  private async signedIn(
    r: PageRequest,
  ): Promise<SessionWithUser & { session: BrowserSession; settings: LoginSettings }> {
    const session = this.session(r);
    const found = await this.login.withUser(r.caller, session);
    const settings = await this.policies.loginSettings(r.instance.id, found.user.orgId);
    const at =
      found.view.passwordCheckedAt ?? (found.view.webAuthn?.userVerified ? found.view.webAuthn.checkedAt : undefined);
    const fresh =
      !!at &&
      (settings.passwordCheckLifetimeMs <= 0 || Date.now() - new Date(at).getTime() < settings.passwordCheckLifetimeMs);
    if (!fresh) throw new LoginProblem('error.session');
    r.orgId = found.user.orgId;
    return { ...found, session, settings };
  }

  private async showVerifyEmail(r: PageRequest, errors?: string[], status = 200): Promise<void> {
    const { view, user, session } = await this.signedIn(r);
    if (user.emailVerified) return this.go(r, await this.login.advance(r.caller, r.flow, session, false));
    return this.page(
      r,
      status,
      verifyEmailPage(await this.context(r), {
        user: this.shown(view.user!, user),
        email: user.email,
        session: session.id,
        errors,
      }),
    );
  }

  private async submitVerifyEmail(r: PageRequest): Promise<void> {
    const t = await this.t(r);
    const { user, session } = await this.signedIn(r);
    if (user.emailVerified) return this.go(r, await this.login.advance(r.caller, r.flow, session, true));
    if (r.params.get('action') === 'send') {
      await this.login.sendEmailCode(r.caller, user.id);
      return this.redirect(r, pageUrl('verify', r.flow, { session: session.id }));
    }
    const code = (r.params.get('code') ?? '').trim();
    if (!code) return this.showVerifyEmail(r, [t('error.required')], 400);
    try {
      await this.login.verifyEmail(r.caller, user.id, code);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.id === CODE_INVALID) return this.showVerifyEmail(r, [t('error.code')], 400);
      if (isError(err, CODE_EXPIRED, NO_EMAIL_CODE_ID)) return this.showVerifyEmail(r, [t('error.codeExpired')], 400);
      throw err;
    }
    return this.go(r, await this.login.advance(r.caller, r.flow, session, true));
  }

  // ---- links in emails sent without a URL template (see notifications/login-links.ts) ----

  /** An email verification link: `/verify?userId=&code=`; the button (not opening the link) verifies. */
  private async showVerifyEmailLink(r: PageRequest, errors?: string[], status = 200): Promise<void> {
    const user = await this.linkUser(r, 'error.verifyLink');
    return this.page(
      r,
      status,
      verifyEmailLinkPage(await this.context(r), {
        hidden: { userId: user.id, code: r.params.get('code') ?? '' },
        errors,
      }),
    );
  }

  private async submitVerifyEmailLink(r: PageRequest): Promise<void> {
    const t = await this.t(r);
    const user = await this.linkUser(r, 'error.verifyLink');
    try {
      await this.login.verifyEmail(r.caller, user.id, (r.params.get('code') ?? '').trim());
    } catch (err) {
      const key = linkProblem(err, 'error.verifyLink');
      if (key) return this.showVerifyEmailLink(r, [t(key)], 400);
      throw err;
    }
    return this.page(
      r,
      200,
      messagePage(await this.context(r), 'title.emailVerified', t('intro.emailVerified'), this.signInLink(r, user, t)),
    );
  }

  /** A password reset link: `/password/set?userId=&code=`, the code filled in; then sign in with the new password. */
  private async showPasswordSetLink(
    r: PageRequest,
    errors?: string[],
    invalid?: string[],
    status = 200,
  ): Promise<void> {
    const user = await this.linkUser(r, 'error.resetLink');
    const complexity = await this.login.complexity(r.caller, user.orgId);
    return this.page(
      r,
      status,
      passwordSetPage(await this.context(r), {
        action: 'password/set',
        intro: 'intro.passwordSetLink',
        hidden: { userId: user.id },
        complexity,
        code: r.params.get('code') ?? undefined,
        errors,
        invalid,
      }),
    );
  }

  private async submitPasswordSetLink(r: PageRequest): Promise<void> {
    const t = await this.t(r);
    const user = await this.linkUser(r, 'error.resetLink');
    const code = (r.params.get('code') ?? '').trim();
    const next = r.params.get('newPassword') ?? '';
    const problem = this.newPasswordProblem(
      r,
      t,
      next,
      await this.login.complexity(r.caller, user.orgId),
      code ? undefined : 'code',
    );
    if (problem) return this.showPasswordSetLink(r, problem.errors, problem.invalid, 400);
    try {
      await this.login.setPasswordWithCode(r.caller, user.id, code, next);
    } catch (err) {
      const key = linkProblem(err, 'error.resetLink');
      if (key) return this.showPasswordSetLink(r, [t(key)], ['code'], 400);
      throw err;
    }
    return this.page(
      r,
      200,
      messagePage(
        await this.context(r),
        'title.passwordChanged',
        t('intro.passwordChanged'),
        this.signInLink(r, user, t),
      ),
    );
  }

  private signInLink(r: PageRequest, user: UserById, t: Translate): { href: string; label: string } {
    return { href: pageUrl('loginname', r.flow, { loginName: user.loginName }), label: t('link.signIn') };
  }

  // ---- invitations (CreateInviteCode's link: /verify?userId=&code=&invite=true) ----

  private async showInvite(r: PageRequest, errors?: string[], invalid?: string[], status = 200): Promise<void> {
    const userId = r.params.get('userId') ?? '';
    const user = userId ? await this.login.contactOf(r.caller, userId) : undefined;
    if (!user) throw new LoginProblem('error.invite');
    r.orgId = user.orgId;
    const complexity = await this.login.complexity(r.caller, user.orgId);
    return this.page(
      r,
      status,
      passwordSetPage(await this.context(r), {
        action: 'invite',
        hidden: { userId },
        complexity,
        code: r.params.get('code') ?? undefined,
        errors,
        invalid,
      }),
    );
  }

  private async submitInvite(r: PageRequest): Promise<void> {
    const t = await this.t(r);
    const userId = r.params.get('userId') ?? '';
    const user = userId ? await this.login.contactOf(r.caller, userId) : undefined;
    if (!user) throw new LoginProblem('error.invite');
    const code = (r.params.get('code') ?? '').trim();
    const password = r.params.get('newPassword') ?? '';
    const problem = this.newPasswordProblem(
      r,
      t,
      password,
      await this.login.complexity(r.caller, user.orgId),
      code ? undefined : 'code',
    );
    if (problem) return this.showInvite(r, problem.errors, problem.invalid, 400);
    try {
      await this.login.acceptInvite(r.caller, user.id, code, password);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (isError(err, CODE_INVALID, CODE_EXPIRED, NO_INVITE_CODE_ID))
        return this.showInvite(r, [t('error.invite')], ['code'], 400);
      throw err;
    }
    const session = await this.login.startWithUserId(r.caller, user.id, password, this.userAgent(r));
    this.remember(r, session);
    return this.go(r, await this.login.advance(r.caller, r.flow, session, true));
  }

  // ---- passkeys: sign-in (session WebAuthn challenge + check) ----

  /** The RP id the ceremonies use: the host the browser came to (a domain of the instance, checked by the resolver). */
  private rpDomain(r: PageRequest): string {
    return new URL(r.caller.origin!).hostname.replace(/^\[|\]$/g, '');
  }

  private async showPasskey(r: PageRequest, errors?: string[], status = 200): Promise<void> {
    const t = await this.t(r);
    const session = this.session(r);
    const { view, user } = await this.login.withUser(r.caller, session);
    r.orgId = user.orgId;
    const settings = await this.policies.loginSettings(r.instance.id, user.orgId);
    // Alone (passwordless) it must verify the user; after a password it is a second factor.
    const passwordless = !view.passwordCheckedAt;
    if (passwordless && settings.passkeysType !== 'allowed') return this.showPassword(r);
    let challenged;
    try {
      challenged = await this.login.webAuthnChallenge(
        r.caller,
        session,
        this.rpDomain(r),
        passwordless ? 'required' : 'discouraged',
      );
    } catch (err) {
      if (isError(err, WEBAUTHN_NO_CREDENTIALS_ID, RELYING_PARTY_INVALID_ID))
        return this.showPassword(r, [t('error.noPasskey')], 400);
      throw err;
    }
    this.remember(r, challenged.session);
    const backUrl = passwordless ? pageUrl('password', r.flow, { session: session.id }) : pageUrl('loginname', r.flow);
    const securityKey = !passwordless && user.webAuthn.length > 0 && user.webAuthn.every((kind) => kind === 'u2f');
    return this.page(
      r,
      status,
      passkeyPage(await this.context(r), {
        user: this.shown(view.user!, user),
        session: session.id,
        options: challenged.options,
        backUrl,
        securityKey,
        errors,
      }),
    );
  }

  private async submitPasskey(r: PageRequest): Promise<void> {
    const t = await this.t(r);
    const session = this.session(r);
    let credential;
    try {
      credential = JSON.parse(r.params.get('credential') ?? '');
    } catch {
      return this.showPasskey(r, [t('error.passkeyFailed')], 400);
    }
    try {
      const checked = await this.login.checkWebAuthn(r.caller, session, credential);
      this.remember(r, checked);
      return this.go(r, await this.login.advance(r.caller, r.flow, checked, true));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (
        isError(err, WEBAUTHN_ASSERTION_INVALID_ID, WEBAUTHN_NOT_CHALLENGED_ID, WEBAUTHN_CHALLENGE_EXPIRED_ID) ||
        err.kind === 'InvalidArgument'
      )
        return this.showPasskey(r, [t('error.passkeyFailed')], 400);
      throw err;
    }
  }

  // ---- second factor set-up: forced by the login settings, or offered with Skip ----

  /** The set-up pages serve a signed-in user without any second factor (forced MFA or the optional prompt). */
  private async settingUp(r: PageRequest, choice?: SetupChoice) {
    const found = await this.signedIn(r);
    if (found.user.hasAnySecondFactor) throw new LoginProblem('error.session');
    const choices = setupChoices(found.settings);
    if (!choices.length || (choice && !choices.includes(choice))) throw new LoginProblem('error.mfaSetup');
    return { ...found, choices };
  }

  private async showMfaSetup(r: PageRequest): Promise<void> {
    const { view, user, session, choices, settings } = await this.settingUp(r);
    const skippable = !mfaForced(settings);
    return this.page(
      r,
      200,
      mfaSetupPage(await this.context(r), {
        user: this.shown(view.user!, user),
        session: session.id,
        choices,
        skippable,
      }),
    );
  }

  /** Skip: recorded through the user service (as HumanMFAInitSkipped), then on as a completed sign-in goes. */
  private async submitMfaSkip(r: PageRequest): Promise<void> {
    const { session, settings } = await this.settingUp(r);
    // A Skip form from before the settings forced MFA records nothing: advance sends the user back to the set-up.
    if (!mfaForced(settings)) await this.login.skipMfaSetup(r.caller, session);
    return this.go(r, await this.login.advance(r.caller, r.flow, session, true));
  }

  /**
   * Showing the page makes a new pending seed (a verified one is never replaced). After a wrong
   * code the same seed is shown again from the form (display only: the stored seed decides).
   */
  private async showTotpSetup(
    r: PageRequest,
    errors?: string[],
    status = 200,
    shown?: { uri: string; secret: string },
  ): Promise<void> {
    const { view, user, session } = await this.settingUp(r, 'totp');
    const { uri, secret } = shown ?? (await this.login.registerTotp(r.caller, session));
    return this.page(
      r,
      status,
      totpSetupPage(await this.context(r), {
        user: this.shown(view.user!, user),
        session: session.id,
        uri,
        secret,
        qrSvg: qrSvg(uri, 'QR code'),
        errors,
      }),
    );
  }

  private async submitTotpSetup(r: PageRequest): Promise<void> {
    const t = await this.t(r);
    const { session } = await this.settingUp(r, 'totp');
    const code = (r.params.get('code') ?? '').trim();
    const uri = r.params.get('uri') ?? '';
    const secret = r.params.get('secret') ?? '';
    const shown = uri.startsWith('otpauth://totp/') && /^[A-Z2-7]{16,128}$/.test(secret) ? { uri, secret } : undefined;
    if (!code) return this.showTotpSetup(r, [t('error.required')], 400, shown);
    try {
      await this.login.verifyTotp(r.caller, session, code);
    } catch (err) {
      if (isError(err, TOTP_CODE_INVALID_ID)) return this.showTotpSetup(r, [t('error.code')], 400, shown);
      if (isError(err, TOTP_NOT_FOUND_ID)) return this.showTotpSetup(r, [t('error.code')], 400);
      throw err;
    }
    // The code just shown proves the new factor for this sign-in too.
    let current = session;
    try {
      current = await this.login.checkCode(r.caller, session, 'totp', code);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
    }
    this.remember(r, current);
    return this.go(r, await this.login.advance(r.caller, r.flow, current, true));
  }

  /** A passkey or a security key (U2F): each showing starts a new registration (RegisterPasskey / RegisterU2F). */
  private async showWebAuthnSetup(r: PageRequest, kind: WebAuthnKind, errors?: string[], status = 200): Promise<void> {
    const { view, user, session } = await this.settingUp(r, kind);
    const registration = await this.login.registerWebAuthn(r.caller, session, kind, this.rpDomain(r));
    return this.page(
      r,
      status,
      webAuthnSetupPage(await this.context(r), {
        kind,
        user: this.shown(view.user!, user),
        action: `mfa/setup/${kind}`,
        hidden: { session: session.id, registration: registration.id },
        options: registration.options,
        backUrl: pageUrl('mfa/setup', r.flow, { session: session.id }),
        errors,
      }),
    );
  }

  private async submitWebAuthnSetup(r: PageRequest, kind: WebAuthnKind): Promise<void> {
    const t = await this.t(r);
    const { session } = await this.settingUp(r, kind);
    try {
      const credential = JSON.parse(r.params.get('credential') ?? '');
      await this.login.verifyWebAuthn(
        r.caller,
        session,
        kind,
        r.params.get('registration') ?? '',
        credential,
        this.webAuthnName(r),
      );
    } catch (err) {
      if (err instanceof SyntaxError || isError(err, ...WEBAUTHN_REGISTRATION_FAILED))
        return this.showWebAuthnSetup(r, kind, [t(WEBAUTHN_SETUP_TEXT[kind].failed)], 400);
      throw err;
    }
    // Registering is not a check: the sign-in's WebAuthn page (passkey or security key, after the
    // password a second factor) proves the new credential on the session, then the flow goes on.
    return this.redirect(r, pageUrl('passkey', r.flow, { session: session.id }));
  }

  // ---- passkey registration links (CreatePasskeyRegistrationLink: /passkey/set?userId=&codeId=&code=) ----

  /** The user a link names; an unknown id reads like a bad code, so ids can't be probed. */
  private async linkUser(r: PageRequest, problem: LoginProblem['key'] = 'error.passkeyLink'): Promise<UserById> {
    const userId = r.params.get('userId') ?? '';
    const user = userId ? await this.login.userById(r.caller, userId) : undefined;
    if (!user) throw new LoginProblem(problem);
    r.orgId = user.orgId;
    return user;
  }

  /**
   * Holding the code authorises one passkey for the user, without a session (as ZITADEL's login at
   * the same path). Opening the link only shows what it is for: mail scanners open links too, and
   * must not spend the code. The button (a POST) spends it, see `startPasskeyLink`.
   */
  private async showPasskeyLink(r: PageRequest): Promise<void> {
    const user = await this.linkUser(r);
    const hidden = { userId: user.id, codeId: r.params.get('codeId') ?? '', code: r.params.get('code') ?? '' };
    if (!hidden.codeId || !hidden.code) throw new LoginProblem('error.passkeyLink');
    return this.page(r, 200, passkeyLinkPage(await this.context(r), { user, hidden }));
  }

  /** The link's POSTs: the button spends the code on RegisterPasskey; then the credential arrives. */
  private submitPasskeyLink(r: PageRequest): Promise<void> {
    return r.params.has('credential') ? this.finishPasskeyLink(r) : this.startPasskeyLink(r);
  }

  /** RegisterPasskey with the code: a used, wrong or expired code registers nothing (the transaction rolls back) and the page says so. */
  private async startPasskeyLink(r: PageRequest): Promise<void> {
    const user = await this.linkUser(r);
    const code = { id: r.params.get('codeId') ?? '', code: r.params.get('code') ?? '' };
    if (!code.id || !code.code) throw new LoginProblem('error.passkeyLink');
    let registration;
    try {
      registration = await this.login.registerPasskeyWithCode(r.caller, user.id, this.rpDomain(r), code);
    } catch (err) {
      if (isError(err, CODE_INVALID, CODE_EXPIRED)) throw new LoginProblem('error.passkeyLink');
      throw err;
    }
    return this.page(
      r,
      200,
      webAuthnSetupPage(await this.context(r), {
        kind: 'passkey',
        user,
        action: 'passkey/set',
        hidden: { userId: user.id, registration: registration.id },
        options: registration.options,
      }),
    );
  }

  /**
   * The code is spent by now: what ties this POST to it is the pending credential's challenge,
   * sent only to the page the code opened, which the attestation must answer (verify checks it).
   * A failed answer cannot be retried without a new code, so the page asks for a new link.
   */
  private async finishPasskeyLink(r: PageRequest): Promise<void> {
    const user = await this.linkUser(r);
    try {
      const credential = JSON.parse(r.params.get('credential') ?? '');
      await this.login.verifyPasskeyOfLink(
        r.caller,
        user.id,
        r.params.get('registration') ?? '',
        credential,
        this.webAuthnName(r),
      );
    } catch (err) {
      if (err instanceof SyntaxError || isError(err, ...WEBAUTHN_REGISTRATION_FAILED))
        throw new LoginProblem('error.passkeyLinkFailed');
      throw err;
    }
    return this.page(r, 200, passkeyAddedPage(await this.context(r), { user }));
  }

  /** A name the user recognises the passkey or security key by in lists: the browser and system it was made on. */
  private webAuthnName(r: PageRequest): string {
    const ua = String(r.req.headers['user-agent'] ?? '');
    const browser = /(Edg|Firefox|Chrome|Safari)\/[\d.]+/.exec(ua)?.[1]?.replace('Edg', 'Edge') ?? 'Browser';
    const system = /(Windows|Mac OS X|Android|iPhone|iPad|Linux)/.exec(ua)?.[1]?.replace('Mac OS X', 'macOS') ?? '';
    return `${browser}${system ? ` on ${system}` : ''}`.slice(0, 60);
  }

  // ---- plumbing ----

  /** Only a path on this server (never `//host` or a scheme): no open redirects. */
  private sameOriginPath(value: string | null): string | undefined {
    return value && /^\/(?![/\\])[^\s]*$/.test(value) ? value : undefined;
  }

  private session(r: PageRequest): BrowserSession {
    return this.sessionById(r, r.params.get('session') ?? '');
  }

  /** A session of this browser (its token is in the cookie); any other id is refused. */
  private sessionById(r: PageRequest, id: string): BrowserSession {
    const found = r.state.sessions.find((s) => s.id === id);
    if (!found) throw new LoginProblem('error.session');
    return found;
  }

  private remember(r: PageRequest, session: BrowserSession): void {
    this.setState(r, withSession(r.state, session));
  }

  private setState(r: PageRequest, state: BrowserState): void {
    r.state = state;
    r.stateChanged = true;
  }

  private userAgent(r: PageRequest): { ip?: string; description?: string } {
    const ua = r.req.headers['user-agent'];
    return { ip: peerAddress(r.req), ...(typeof ua === 'string' ? { description: ua.slice(0, 200) } : {}) };
  }

  private shown(
    sessionUser: { displayName: string; loginName: string },
    user: { username: string; orgPrimaryDomain: string },
  ): UserOnPage {
    return {
      displayName: sessionUser.displayName,
      loginName: sessionUser.loginName,
      username: user.username,
      orgDomain: user.orgPrimaryDomain,
    };
  }

  private async samlRequestOf(r: PageRequest): Promise<SamlRequestOnPage> {
    if (r.flow.kind !== 'saml') throw new LoginProblem('error.authRequest');
    r.samlRequest ??= await this.login.samlRequest(r.caller, r.flow.samlRequest);
    return r.samlRequest;
  }

  private async authRequestOf(r: PageRequest): Promise<AuthRequestView | undefined> {
    if (r.flow.kind !== 'oidc') return undefined;
    if (r.authRequest === undefined) r.authRequest = await this.login.authRequest(r.caller, r.flow.authRequest);
    return r.authRequest ?? undefined;
  }

  /** The org an auth request names (urn:zitadel:iam:org:id:…), for settings and branding before the user is known. */
  private async requestedOrg(r: PageRequest): Promise<string | undefined> {
    if (r.orgId) return r.orgId;
    const ar = await this.authRequestOf(r).catch(() => undefined);
    return ar?.scope.find((s) => s.startsWith(ORG_SCOPE))?.slice(ORG_SCOPE.length) || undefined;
  }

  private async t(r: PageRequest): Promise<Translate> {
    const ar = await this.authRequestOf(r).catch(() => undefined);
    const general = await this.policies.generalSettings(r.instance.id);
    return translator(
      pickLocale(ar?.uiLocales ?? [], r.req.headers['accept-language'] as string | undefined, general.defaultLanguage),
    );
  }

  private async context(r: PageRequest): Promise<PageContext> {
    const ar = await this.authRequestOf(r).catch(() => undefined);
    const general = await this.policies.generalSettings(r.instance.id);
    const locale = pickLocale(
      ar?.uiLocales ?? [],
      r.req.headers['accept-language'] as string | undefined,
      general.defaultLanguage,
    );
    const orgId = (await this.requestedOrg(r)) ?? r.instance.defaultOrgId ?? r.instance.id;
    const [label, legal] = await Promise.all([
      this.policies.labelSettings(r.instance.id, orgId),
      this.policies.legalSettings(r.instance.id, orgId),
    ]);
    return {
      locale,
      t: translator(locale),
      csrf: this.csrf.tokenFor(r.state.browserId),
      flow: r.flow,
      cssUrl: `${LOGIN_BASE}/assets/login.css?org=${encodeURIComponent(orgId)}`,
      logoUrl: label.logoUrl,
      logoUrlDark: label.logoUrlDark,
      legal,
      hideLoginNameSuffix: label.hideLoginNameSuffix,
    };
  }

  /**
   * Headers of every page: a strict CSP (no inline script or style; frame-ancestors only the
   * security settings' allowed origins when embedding is enabled), no caching, no referrer (auth
   * request ids are in URLs), and the browser cookie when it changed.
   */
  private async headers(r: PageRequest): Promise<Record<string, string | string[]>> {
    const security = await this.policies.securitySettings(r.instance.id);
    const orgId = r.orgId ?? r.instance.defaultOrgId ?? r.instance.id;
    const extra = assetOrigins(await this.policies.labelSettings(r.instance.id, orgId)).join(' ');
    const ancestors = security.embeddedIframeEnabled
      ? security.allowedOrigins.map(cspSource).filter((o): o is string => !!o)
      : [];
    const csp = [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      `img-src 'self' data:${extra ? ` ${extra}` : ''}`,
      `font-src 'self'${extra ? ` ${extra}` : ''}`,
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      `frame-ancestors ${ancestors.length ? ancestors.join(' ') : "'none'"}`,
    ].join('; ');
    const headers: Record<string, string | string[]> = {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': csp,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'cross-origin-opener-policy': 'same-origin',
    };
    if (!ancestors.length) headers['x-frame-options'] = 'DENY';
    if (r.stateChanged) {
      headers['set-cookie'] = serializeCookie(BROWSER_COOKIE, encodeBrowserState(r.state), {
        path: LOGIN_BASE,
        secure: this.secureCookies,
        maxAge: COOKIE_MAX_AGE,
      });
    }
    return headers;
  }

  private async page(r: PageRequest, status: number, html: string): Promise<void> {
    const headers = await this.headers(r);
    headers['content-length'] = Buffer.byteLength(html).toString();
    (r.res as ServerResponse).writeHead(status, headers);
    if (r.method === 'HEAD') r.res.end();
    else r.res.end(html);
  }

  /** 303: the browser GETs the next page (or the app) after a form. Only login paths or CreateCallback URLs get here. */
  private async redirect(r: PageRequest, location: string, cookies: readonly string[] = []): Promise<void> {
    const headers = await this.headers(r);
    delete headers['content-type'];
    if (cookies.length) headers['set-cookie'] = [...[headers['set-cookie'] ?? []].flat(), ...cookies];
    (r.res as ServerResponse).writeHead(303, { ...headers, location });
    r.res.end();
  }

  private async go(r: PageRequest, step: { next: Next; session: BrowserSession }): Promise<void> {
    this.remember(r, step.session);
    const next = step.next;
    if ('post' in next) {
      // SAML HTTP-POST: the form goes to the ACS URL the SP's metadata registered (never one from the browser).
      const appName =
        r.flow.kind === 'saml' ? (await this.samlRequestOf(r).catch(() => undefined))?.appName : undefined;
      return this.page(r, 200, samlPostPage(await this.context(r), { ...next.post, appName }));
    }
    return 'page' in next ? this.redirect(r, next.page) : this.redirect(r, next.external, next.cookies);
  }

  /**
   * The terms or privacy page the default legal settings link to (see withServedLegalPages): it
   * says nothing is published yet. Setting real links takes clients away from it.
   */
  private async legalPage(r: PageRequest, title: 'title.legalTerms' | 'title.legalPrivacy'): Promise<void> {
    const t = await this.t(r);
    return this.page(r, 200, messagePage(await this.context(r), title, t('intro.legalUnpublished')));
  }

  private async notFound(r: PageRequest): Promise<void> {
    const t = await this.t(r);
    return this.page(r, 404, errorPage(await this.context(r), t('error.notFound')));
  }

  private async stylesheet(instance: Instance, orgId: string | undefined, res: HttpResponse): Promise<void> {
    const label = await this.policies.labelSettings(
      instance.id,
      orgId && /^[\w-]{1,64}$/.test(orgId) ? orgId : (instance.defaultOrgId ?? instance.id),
    );
    this.asset(res, 'text/css; charset=utf-8', themeCss(label), 'max-age=60');
  }

  private asset(res: HttpResponse, contentType: string, body: string, cache = 'max-age=3600'): void {
    (res as ServerResponse).writeHead(200, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body).toString(),
      'cache-control': cache,
      'x-content-type-options': 'nosniff',
    });
    res.end(body);
  }

  private plain(res: HttpResponse, status: number, text: string, headers: Record<string, string> = {}): void {
    (res as ServerResponse).writeHead(status, {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    });
    res.end(text);
  }
}
