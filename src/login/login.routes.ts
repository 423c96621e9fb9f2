import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { DomainError } from '../platform/errors/domain-error.js';
import { isError } from '../platform/errors/is-error.js';
import { HttpRoutes, readBody, type HttpRequest, type HttpResponse } from '../platform/http/http-routes.js';
import { RateLimiter, peerAddress } from '../platform/http/rate-limit.js';
import { LOGGER } from '../platform/platform.module.js';
import { loginClientCaller } from '../platform/auth/login-client.js';
import { InstanceResolver, type RequestSite } from '../platform/tenancy/instance-resolver.js';
import type { Instance } from '../platform/tenancy/instance.entity.js';
import { Policies } from '../settings/policies.js';
import { LEGAL_PAGES, mfaForced } from '../settings/settings-rules.js';
import { DEVICE_REQUEST_NOT_FOUND_ID } from '../oidc/oidc.errors.js';
import {
  CODE_EXPIRED,
  CODE_INVALID,
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
import { TOTP_CODE_INVALID_ID, TOTP_NOT_FOUND_ID } from '../users/mfa/mfa.errors.js';
import type { WebAuthnKind } from '../users/mfa/mfa.entity.js';
import { BROWSER_COOKIE, decodeBrowserState, newBrowserState, parseCookies } from './login-browser.js';
import { translator, type MessageKey } from './login.i18n.js';
import { LOGIN_SCRIPT } from './login-script.js';
import { qrSvg } from './login-qr.js';
import { themeCss } from './login-theme.js';
import type { PageFactor } from './login-users.js';
import { setupChoices } from './login-mfa-prompt.js';
import { LoginProblem } from './login.service.js';
import { LOGIN_BASE, flowOf, pageUrl, type Flow } from './login-flow.js';
import { errorPage, messagePage } from './views/layout.js';
import { passwordChangePage, passwordResetPage, passwordSetPage } from './views/password.views.js';
import { registerPage, verifyEmailLinkPage, verifyEmailPage, type RegisterValues } from './views/register.views.js';
import { deviceConsentPage, deviceInfoPage, devicePage } from './views/device.views.js';
import {
  WEBAUTHN_SETUP_TEXT,
  mfaSetupPage,
  passkeyAddedPage,
  passkeyLinkPage,
  totpSetupPage,
  webAuthnSetupPage,
  type SetupChoice,
} from './views/webauthn.views.js';
import type { PageRequest } from './http/page-request.js';
import { writeAsset, writePlain } from './http/responses.js';
import { PageKit } from './flows/page-kit.js';
import { WEBAUTHN_REGISTRATION_FAILED, linkProblem, problemKey } from './flows/page-errors.js';
import { entry } from './flows/entry.js';
import { showAccounts, showSignedIn, submitAccount } from './flows/accounts.js';
import { showLoginName, submitLoginName } from './flows/login-name.js';
import { showPassword, submitPassword } from './flows/password.js';
import { showCode, showFactorChoice, submitCode, submitFactorChoice } from './flows/otp.js';
import { showPasskey, submitPasskey } from './flows/passkey.js';
import { showLogout, submitLogout } from './flows/logout.js';
import { legalPage } from './flows/legal.js';

const FORM_LIMIT = 16 * 1024;

/** A link from an email (`?userId=&code=`) rather than a step of this browser's sign-in (`?session=`). */
function fromEmailLink(r: { params: URLSearchParams }): boolean {
  return !!r.params.get('userId') && !r.params.get('session');
}

const FACTOR_PAGES: Record<string, PageFactor> = {
  '/otp/totp': 'totp',
  '/otp/email': 'otpEmail',
  '/otp/sms': 'otpSms',
};
const WEBAUTHN_SETUP_PAGES: Record<string, WebAuthnKind> = { '/mfa/setup/passkey': 'passkey', '/mfa/setup/u2f': 'u2f' };

/**
 * The hosted login pages at /ui/v2/login: server-rendered HTML forms (no script needed), one per
 * step, over LoginService. The HTTP edge owns the browser's cookie, CSRF, the CSP and the
 * language; every page is rendered in the words of the message catalogue, never a stack trace.
 */
@Injectable()
export class LoginRoutes implements OnModuleInit {
  constructor(
    private readonly routes: HttpRoutes,
    private readonly resolver: InstanceResolver,
    private readonly k: PageKit,
    private readonly policies: Policies,
    private readonly limiter: RateLimiter,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.routes.mount(LOGIN_BASE, (req, res) => this.handle(req, res));
  }

  private async handle(req: HttpRequest, res: HttpResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.slice(LOGIN_BASE.length).replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    let site: RequestSite;
    try {
      site = await this.resolver.resolveHttp(req.headers);
    } catch {
      return writePlain(res, 404, 'Not found');
    }
    const { instance } = site;
    if (path === '/assets/login.css') return this.stylesheet(instance, url.searchParams.get('org') ?? undefined, res);
    if (path === '/assets/login.js') return writeAsset(res, 'text/javascript; charset=utf-8', LOGIN_SCRIPT);
    if (method !== 'GET' && method !== 'HEAD' && method !== 'POST')
      return writePlain(res, 405, 'Method not allowed', { allow: 'GET, POST' });

    const existing = decodeBrowserState(parseCookies(req.headers.cookie).get(BROWSER_COOKIE));
    let params = url.searchParams;
    if (method === 'POST') {
      try {
        params = new URLSearchParams((await readBody(req, FORM_LIMIT)).toString('utf8'));
      } catch {
        return writePlain(res, 413, 'Request too large');
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
        if (!existing || !this.k.csrf.matches(existing.browserId, params.get('csrf') ?? undefined)) {
          return this.k.page(r, 403, errorPage(await this.k.context(r), (await this.k.t(r))('error.csrf')));
        }
        if (!this.limiter.take('login', peerAddress(req)).allowed) {
          return this.k.page(r, 429, errorPage(await this.k.context(r), (await this.k.t(r))('error.tooMany')));
        }
      }
      await this.route(r);
    } catch (err) {
      const key = problemKey(err);
      if (!key) this.log.error({ err, path }, 'login page failed');
      const t = await this.k.t(r).catch(() => translator('en'));
      const ctx = await this.k.context(r).catch(() => undefined);
      if (!ctx) return writePlain(res, 500, t('error.unknown'));
      return this.k.page(r, key ? 400 : 500, errorPage(ctx, t(key ?? 'error.unknown')));
    }
  }

  private async route(r: PageRequest): Promise<void> {
    const post = r.method === 'POST';
    switch (r.path) {
      case '/':
      case '/login':
        return post ? this.k.notFound(r) : entry(this.k, r);
      case '/loginname':
        return post ? submitLoginName(this.k, r) : showLoginName(this.k, r);
      case '/password':
        return post ? submitPassword(this.k, r) : showPassword(this.k, r);
      case '/password/change':
        return post ? this.submitPasswordChange(r) : this.showPasswordChange(r);
      case '/otp/totp':
      case '/otp/email':
      case '/otp/sms':
        return post ? submitCode(this.k, r, FACTOR_PAGES[r.path]) : showCode(this.k, r, FACTOR_PAGES[r.path]);
      case '/mfa':
        return post ? submitFactorChoice(this.k, r) : showFactorChoice(this.k, r);
      case '/accounts':
        return post ? submitAccount(this.k, r) : showAccounts(this.k, r);
      case '/signedin':
        return post ? this.k.notFound(r) : showSignedIn(this.k, r);
      case LEGAL_PAGES.terms:
        return post ? this.k.notFound(r) : legalPage(this.k, r, 'title.legalTerms');
      case LEGAL_PAGES.privacy:
        return post ? this.k.notFound(r) : legalPage(this.k, r, 'title.legalPrivacy');
      case '/logout':
        return post ? submitLogout(this.k, r) : showLogout(this.k, r);
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
        return post ? submitPasskey(this.k, r) : showPasskey(this.k, r);
      case '/passkey/set':
        return post ? this.submitPasskeyLink(r) : this.showPasskeyLink(r);
      case '/mfa/setup':
        return post ? this.k.notFound(r) : this.showMfaSetup(r);
      case '/mfa/skip':
        return post ? this.submitMfaSkip(r) : this.k.notFound(r);
      case '/mfa/setup/totp':
        return post ? this.submitTotpSetup(r) : this.showTotpSetup(r);
      case '/mfa/setup/passkey':
      case '/mfa/setup/u2f':
        return post
          ? this.submitWebAuthnSetup(r, WEBAUTHN_SETUP_PAGES[r.path])
          : this.showWebAuthnSetup(r, WEBAUTHN_SETUP_PAGES[r.path]);
      default:
        return this.k.notFound(r);
    }
  }

  // ---- entry and account selection ----

  // ---- login name and password ----

  private async showPasswordChange(r: PageRequest, errors?: string[], status = 200): Promise<void> {
    const session = this.k.session(r);
    const { view, user } = await this.k.login.withUser(r.caller, session);
    r.orgId = user.orgId;
    const complexity = await this.k.login.complexity(r.caller, user.orgId);
    return this.k.page(
      r,
      status,
      passwordChangePage(await this.k.context(r), {
        user: this.k.shown(view.user!, user),
        session: session.id,
        complexity,
        errors,
      }),
    );
  }

  private async submitPasswordChange(r: PageRequest): Promise<void> {
    const t = await this.k.t(r);
    const current = r.params.get('currentPassword') ?? '';
    const next = r.params.get('newPassword') ?? '';
    if (!current || !next) return this.showPasswordChange(r, [t('error.required')], 400);
    if (next !== r.params.get('confirmPassword')) return this.showPasswordChange(r, [t('error.passwordMismatch')], 400);
    const session = this.k.session(r);
    try {
      await this.k.login.changePassword(r.caller, session, current, next);
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
    return this.k.go(r, await this.k.login.advance(r.caller, r.flow, session, true));
  }

  // ---- second factors ----

  // ---- sign out ----

  // ---- device authorization (RFC 8628 §3.3) ----

  private async showDevice(r: PageRequest): Promise<void> {
    return this.k.page(
      r,
      200,
      devicePage(await this.k.context(r), { userCode: r.params.get('user_code') ?? undefined }),
    );
  }

  private async submitDeviceCode(r: PageRequest): Promise<void> {
    const t = await this.k.t(r);
    const userCode = (r.params.get('userCode') ?? '').trim();
    if (!userCode) return this.k.page(r, 400, devicePage(await this.k.context(r), { errors: [t('error.required')] }));
    let device;
    try {
      device = await this.k.login.deviceRequest(r.caller, userCode);
    } catch (err) {
      if (isError(err, DEVICE_REQUEST_NOT_FOUND_ID))
        return this.k.page(r, 400, devicePage(await this.k.context(r), { userCode, errors: [t('error.deviceCode')] }));
      throw err;
    }
    const flow: Flow = { kind: 'device', userCode: device.id };
    return this.k.page(r, 200, deviceInfoPage(await this.k.context(r), { device, next: pageUrl('login', flow) }));
  }

  private async showDeviceConsent(r: PageRequest): Promise<void> {
    if (r.flow.kind !== 'device') return this.k.notFound(r);
    const session = this.k.session(r);
    const device = await this.k.login.deviceRequest(r.caller, r.flow.userCode);
    const { view, user } = await this.k.login.withUser(r.caller, session);
    r.orgId = user.orgId;
    return this.k.page(
      r,
      200,
      deviceConsentPage(await this.k.context(r), {
        device,
        user: this.k.shown(view.user!, user),
        session: session.id,
      }),
    );
  }

  private async submitDeviceDecision(r: PageRequest): Promise<void> {
    if (r.flow.kind !== 'device') return this.k.notFound(r);
    const t = await this.k.t(r);
    const allow = r.params.get('decision') === 'allow';
    await this.k.login.decideDevice(r.caller, r.flow.userCode, allow ? this.k.session(r) : undefined);
    const ctx = await this.k.context(r);
    return this.k.page(
      r,
      200,
      allow
        ? messagePage(ctx, 'title.deviceDone', t('intro.deviceDone'))
        : messagePage(ctx, 'title.deviceDenied', t('intro.deviceDenied')),
    );
  }

  // ---- password reset (UserService PasswordReset + SetPassword with the code) ----

  private async showPasswordReset(r: PageRequest, errors?: string[], status = 200): Promise<void> {
    const session = this.k.session(r);
    const { view, user } = await this.k.login.withUser(r.caller, session);
    r.orgId = user.orgId;
    if ((await this.policies.loginSettings(r.instance.id, user.orgId)).hidePasswordReset) return this.k.notFound(r);
    return this.k.page(
      r,
      status,
      passwordResetPage(await this.k.context(r), {
        user: this.k.shown(view.user!, user),
        session: session.id,
        errors,
      }),
    );
  }

  /** Sends the reset code by email (a POST: a GET never sends anything), then asks for it. */
  private async submitPasswordReset(r: PageRequest): Promise<void> {
    const t = await this.k.t(r);
    const session = this.k.session(r);
    const { user } = await this.k.login.withUser(r.caller, session);
    if ((await this.policies.loginSettings(r.instance.id, user.orgId)).hidePasswordReset) return this.k.notFound(r);
    try {
      await this.k.login.requestPasswordReset(r.caller, user.id);
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
    return this.k.redirect(r, pageUrl('password/set', r.flow, { session: session.id }));
  }

  private async showPasswordSet(r: PageRequest, errors?: string[], invalid?: string[], status = 200): Promise<void> {
    const session = this.k.session(r);
    const { view, user } = await this.k.login.withUser(r.caller, session);
    r.orgId = user.orgId;
    const complexity = await this.k.login.complexity(r.caller, user.orgId);
    return this.k.page(
      r,
      status,
      passwordSetPage(await this.k.context(r), {
        user: this.k.shown(view.user!, user),
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
    const t = await this.k.t(r);
    const session = this.k.session(r);
    const { user } = await this.k.login.withUser(r.caller, session);
    const code = (r.params.get('code') ?? '').trim();
    const next = r.params.get('newPassword') ?? '';
    const complexity = await this.k.login.complexity(r.caller, user.orgId);
    const problem = this.k.newPasswordProblem(r, t, next, complexity, code ? undefined : 'code');
    if (problem) return this.showPasswordSet(r, problem.errors, problem.invalid, 400);
    try {
      await this.k.login.setPasswordWithCode(r.caller, user.id, code, next);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.id === CODE_INVALID) return this.showPasswordSet(r, [t('error.code')], ['code'], 400);
      if (err.id === CODE_EXPIRED) return this.showPasswordSet(r, [t('error.codeExpired')], ['code'], 400);
      if (err.id === PASSWORD_TOO_WEAK_ID)
        return this.showPasswordSet(r, [t('error.passwordWeak')], ['newPassword'], 400);
      throw err;
    }
    // The new password is the first factor of this sign-in.
    const checked = await this.k.login.checkPassword(r.caller, session, next);
    this.k.remember(r, checked);
    return this.k.go(r, await this.k.login.advance(r.caller, r.flow, checked, true));
  }

  // ---- self-registration (AddHumanUser) and email verification ----

  private async showRegister(
    r: PageRequest,
    values: RegisterValues = {},
    errors?: string[],
    invalid?: string[],
    status = 200,
  ): Promise<void> {
    if (!(await this.k.registerAllowed(r))) throw new LoginProblem('error.registerDisabled');
    const complexity = await this.k.login.complexity(r.caller, await this.k.registerOrg(r));
    return this.k.page(r, status, registerPage(await this.k.context(r), { values, complexity, errors, invalid }));
  }

  private async submitRegister(r: PageRequest): Promise<void> {
    if (!(await this.k.registerAllowed(r))) throw new LoginProblem('error.registerDisabled');
    const t = await this.k.t(r);
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
    const orgId = await this.k.registerOrg(r);
    const password = r.params.get('newPassword') ?? '';
    const problem = this.k.newPasswordProblem(r, t, password, await this.k.login.complexity(r.caller, orgId));
    if (problem) return again(problem.errors, problem.invalid);
    let userId: string;
    try {
      userId = await this.k.login.register(r.caller, orgId, {
        ...values,
        username: values.username || undefined,
        password,
        language: (await this.k.context(r)).locale,
      });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.id === USERNAME_TAKEN_ID)
        return again([t('error.usernameTaken')], [values.username ? 'username' : 'email']);
      if (err.id === PASSWORD_TOO_WEAK_ID) return again([t('error.passwordWeak')], ['newPassword']);
      throw err;
    }
    const session = await this.k.login.startWithUserId(r.caller, userId, password, this.k.userAgent(r));
    this.k.remember(r, session);
    return this.k.redirect(r, pageUrl('verify', r.flow, { session: session.id }));
  }

  private async showVerifyEmail(r: PageRequest, errors?: string[], status = 200): Promise<void> {
    const { view, user, session } = await this.k.signedIn(r);
    if (user.emailVerified) return this.k.go(r, await this.k.login.advance(r.caller, r.flow, session, false));
    return this.k.page(
      r,
      status,
      verifyEmailPage(await this.k.context(r), {
        user: this.k.shown(view.user!, user),
        email: user.email,
        session: session.id,
        errors,
      }),
    );
  }

  private async submitVerifyEmail(r: PageRequest): Promise<void> {
    const t = await this.k.t(r);
    const { user, session } = await this.k.signedIn(r);
    if (user.emailVerified) return this.k.go(r, await this.k.login.advance(r.caller, r.flow, session, true));
    if (r.params.get('action') === 'send') {
      await this.k.login.sendEmailCode(r.caller, user.id);
      return this.k.redirect(r, pageUrl('verify', r.flow, { session: session.id }));
    }
    const code = (r.params.get('code') ?? '').trim();
    if (!code) return this.showVerifyEmail(r, [t('error.required')], 400);
    try {
      await this.k.login.verifyEmail(r.caller, user.id, code);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.id === CODE_INVALID) return this.showVerifyEmail(r, [t('error.code')], 400);
      if (isError(err, CODE_EXPIRED, NO_EMAIL_CODE_ID)) return this.showVerifyEmail(r, [t('error.codeExpired')], 400);
      throw err;
    }
    return this.k.go(r, await this.k.login.advance(r.caller, r.flow, session, true));
  }

  // ---- links in emails sent without a URL template (see notifications/login-links.ts) ----

  /** An email verification link: `/verify?userId=&code=`; the button (not opening the link) verifies. */
  private async showVerifyEmailLink(r: PageRequest, errors?: string[], status = 200): Promise<void> {
    const user = await this.k.linkUser(r, 'error.verifyLink');
    return this.k.page(
      r,
      status,
      verifyEmailLinkPage(await this.k.context(r), {
        hidden: { userId: user.id, code: r.params.get('code') ?? '' },
        errors,
      }),
    );
  }

  private async submitVerifyEmailLink(r: PageRequest): Promise<void> {
    const t = await this.k.t(r);
    const user = await this.k.linkUser(r, 'error.verifyLink');
    try {
      await this.k.login.verifyEmail(r.caller, user.id, (r.params.get('code') ?? '').trim());
    } catch (err) {
      const key = linkProblem(err, 'error.verifyLink');
      if (key) return this.showVerifyEmailLink(r, [t(key)], 400);
      throw err;
    }
    return this.k.page(
      r,
      200,
      messagePage(
        await this.k.context(r),
        'title.emailVerified',
        t('intro.emailVerified'),
        this.k.signInLink(r, user, t),
      ),
    );
  }

  /** A password reset link: `/password/set?userId=&code=`, the code filled in; then sign in with the new password. */
  private async showPasswordSetLink(
    r: PageRequest,
    errors?: string[],
    invalid?: string[],
    status = 200,
  ): Promise<void> {
    const user = await this.k.linkUser(r, 'error.resetLink');
    const complexity = await this.k.login.complexity(r.caller, user.orgId);
    return this.k.page(
      r,
      status,
      passwordSetPage(await this.k.context(r), {
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
    const t = await this.k.t(r);
    const user = await this.k.linkUser(r, 'error.resetLink');
    const code = (r.params.get('code') ?? '').trim();
    const next = r.params.get('newPassword') ?? '';
    const problem = this.k.newPasswordProblem(
      r,
      t,
      next,
      await this.k.login.complexity(r.caller, user.orgId),
      code ? undefined : 'code',
    );
    if (problem) return this.showPasswordSetLink(r, problem.errors, problem.invalid, 400);
    try {
      await this.k.login.setPasswordWithCode(r.caller, user.id, code, next);
    } catch (err) {
      const key = linkProblem(err, 'error.resetLink');
      if (key) return this.showPasswordSetLink(r, [t(key)], ['code'], 400);
      throw err;
    }
    return this.k.page(
      r,
      200,
      messagePage(
        await this.k.context(r),
        'title.passwordChanged',
        t('intro.passwordChanged'),
        this.k.signInLink(r, user, t),
      ),
    );
  }

  // ---- invitations (CreateInviteCode's link: /verify?userId=&code=&invite=true) ----

  private async showInvite(r: PageRequest, errors?: string[], invalid?: string[], status = 200): Promise<void> {
    const userId = r.params.get('userId') ?? '';
    const user = userId ? await this.k.login.contactOf(r.caller, userId) : undefined;
    if (!user) throw new LoginProblem('error.invite');
    r.orgId = user.orgId;
    const complexity = await this.k.login.complexity(r.caller, user.orgId);
    return this.k.page(
      r,
      status,
      passwordSetPage(await this.k.context(r), {
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
    const t = await this.k.t(r);
    const userId = r.params.get('userId') ?? '';
    const user = userId ? await this.k.login.contactOf(r.caller, userId) : undefined;
    if (!user) throw new LoginProblem('error.invite');
    const code = (r.params.get('code') ?? '').trim();
    const password = r.params.get('newPassword') ?? '';
    const problem = this.k.newPasswordProblem(
      r,
      t,
      password,
      await this.k.login.complexity(r.caller, user.orgId),
      code ? undefined : 'code',
    );
    if (problem) return this.showInvite(r, problem.errors, problem.invalid, 400);
    try {
      await this.k.login.acceptInvite(r.caller, user.id, code, password);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (isError(err, CODE_INVALID, CODE_EXPIRED, NO_INVITE_CODE_ID))
        return this.showInvite(r, [t('error.invite')], ['code'], 400);
      throw err;
    }
    const session = await this.k.login.startWithUserId(r.caller, user.id, password, this.k.userAgent(r));
    this.k.remember(r, session);
    return this.k.go(r, await this.k.login.advance(r.caller, r.flow, session, true));
  }

  // ---- passkeys: sign-in (session WebAuthn challenge + check) ----

  // ---- second factor set-up: forced by the login settings, or offered with Skip ----

  /** The set-up pages serve a signed-in user without any second factor (forced MFA or the optional prompt). */
  private async settingUp(r: PageRequest, choice?: SetupChoice) {
    const found = await this.k.signedIn(r);
    if (found.user.hasAnySecondFactor) throw new LoginProblem('error.session');
    const choices = setupChoices(found.settings);
    if (!choices.length || (choice && !choices.includes(choice))) throw new LoginProblem('error.mfaSetup');
    return { ...found, choices };
  }

  private async showMfaSetup(r: PageRequest): Promise<void> {
    const { view, user, session, choices, settings } = await this.settingUp(r);
    const skippable = !mfaForced(settings);
    return this.k.page(
      r,
      200,
      mfaSetupPage(await this.k.context(r), {
        user: this.k.shown(view.user!, user),
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
    if (!mfaForced(settings)) await this.k.login.skipMfaSetup(r.caller, session);
    return this.k.go(r, await this.k.login.advance(r.caller, r.flow, session, true));
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
    const { uri, secret } = shown ?? (await this.k.login.registerTotp(r.caller, session));
    return this.k.page(
      r,
      status,
      totpSetupPage(await this.k.context(r), {
        user: this.k.shown(view.user!, user),
        session: session.id,
        uri,
        secret,
        qrSvg: qrSvg(uri, 'QR code'),
        errors,
      }),
    );
  }

  private async submitTotpSetup(r: PageRequest): Promise<void> {
    const t = await this.k.t(r);
    const { session } = await this.settingUp(r, 'totp');
    const code = (r.params.get('code') ?? '').trim();
    const uri = r.params.get('uri') ?? '';
    const secret = r.params.get('secret') ?? '';
    const shown = uri.startsWith('otpauth://totp/') && /^[A-Z2-7]{16,128}$/.test(secret) ? { uri, secret } : undefined;
    if (!code) return this.showTotpSetup(r, [t('error.required')], 400, shown);
    try {
      await this.k.login.verifyTotp(r.caller, session, code);
    } catch (err) {
      if (isError(err, TOTP_CODE_INVALID_ID)) return this.showTotpSetup(r, [t('error.code')], 400, shown);
      if (isError(err, TOTP_NOT_FOUND_ID)) return this.showTotpSetup(r, [t('error.code')], 400);
      throw err;
    }
    // The code just shown proves the new factor for this sign-in too.
    let current = session;
    try {
      current = await this.k.login.checkCode(r.caller, session, 'totp', code);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
    }
    this.k.remember(r, current);
    return this.k.go(r, await this.k.login.advance(r.caller, r.flow, current, true));
  }

  /** A passkey or a security key (U2F): each showing starts a new registration (RegisterPasskey / RegisterU2F). */
  private async showWebAuthnSetup(r: PageRequest, kind: WebAuthnKind, errors?: string[], status = 200): Promise<void> {
    const { view, user, session } = await this.settingUp(r, kind);
    const registration = await this.k.login.registerWebAuthn(r.caller, session, kind, this.k.rpDomain(r));
    return this.k.page(
      r,
      status,
      webAuthnSetupPage(await this.k.context(r), {
        kind,
        user: this.k.shown(view.user!, user),
        action: `mfa/setup/${kind}`,
        hidden: { session: session.id, registration: registration.id },
        options: registration.options,
        backUrl: pageUrl('mfa/setup', r.flow, { session: session.id }),
        errors,
      }),
    );
  }

  private async submitWebAuthnSetup(r: PageRequest, kind: WebAuthnKind): Promise<void> {
    const t = await this.k.t(r);
    const { session } = await this.settingUp(r, kind);
    try {
      const credential = JSON.parse(r.params.get('credential') ?? '');
      await this.k.login.verifyWebAuthn(
        r.caller,
        session,
        kind,
        r.params.get('registration') ?? '',
        credential,
        this.k.webAuthnName(r),
      );
    } catch (err) {
      if (err instanceof SyntaxError || isError(err, ...WEBAUTHN_REGISTRATION_FAILED))
        return this.showWebAuthnSetup(r, kind, [t(WEBAUTHN_SETUP_TEXT[kind].failed)], 400);
      throw err;
    }
    // Registering is not a check: the sign-in's WebAuthn page (passkey or security key, after the
    // password a second factor) proves the new credential on the session, then the flow goes on.
    return this.k.redirect(r, pageUrl('passkey', r.flow, { session: session.id }));
  }

  // ---- passkey registration links (CreatePasskeyRegistrationLink: /passkey/set?userId=&codeId=&code=) ----

  /**
   * Holding the code authorises one passkey for the user, without a session (as ZITADEL's login at
   * the same path). Opening the link only shows what it is for: mail scanners open links too, and
   * must not spend the code. The button (a POST) spends it, see `startPasskeyLink`.
   */
  private async showPasskeyLink(r: PageRequest): Promise<void> {
    const user = await this.k.linkUser(r);
    const hidden = { userId: user.id, codeId: r.params.get('codeId') ?? '', code: r.params.get('code') ?? '' };
    if (!hidden.codeId || !hidden.code) throw new LoginProblem('error.passkeyLink');
    return this.k.page(r, 200, passkeyLinkPage(await this.k.context(r), { user, hidden }));
  }

  /** The link's POSTs: the button spends the code on RegisterPasskey; then the credential arrives. */
  private submitPasskeyLink(r: PageRequest): Promise<void> {
    return r.params.has('credential') ? this.finishPasskeyLink(r) : this.startPasskeyLink(r);
  }

  /** RegisterPasskey with the code: a used, wrong or expired code registers nothing (the transaction rolls back) and the page says so. */
  private async startPasskeyLink(r: PageRequest): Promise<void> {
    const user = await this.k.linkUser(r);
    const code = { id: r.params.get('codeId') ?? '', code: r.params.get('code') ?? '' };
    if (!code.id || !code.code) throw new LoginProblem('error.passkeyLink');
    let registration;
    try {
      registration = await this.k.login.registerPasskeyWithCode(r.caller, user.id, this.k.rpDomain(r), code);
    } catch (err) {
      if (isError(err, CODE_INVALID, CODE_EXPIRED)) throw new LoginProblem('error.passkeyLink');
      throw err;
    }
    return this.k.page(
      r,
      200,
      webAuthnSetupPage(await this.k.context(r), {
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
    const user = await this.k.linkUser(r);
    try {
      const credential = JSON.parse(r.params.get('credential') ?? '');
      await this.k.login.verifyPasskeyOfLink(
        r.caller,
        user.id,
        r.params.get('registration') ?? '',
        credential,
        this.k.webAuthnName(r),
      );
    } catch (err) {
      if (err instanceof SyntaxError || isError(err, ...WEBAUTHN_REGISTRATION_FAILED))
        throw new LoginProblem('error.passkeyLinkFailed');
      throw err;
    }
    return this.k.page(r, 200, passkeyAddedPage(await this.k.context(r), { user }));
  }

  // ---- plumbing ----

  private async stylesheet(instance: Instance, orgId: string | undefined, res: HttpResponse): Promise<void> {
    const label = await this.policies.labelSettings(
      instance.id,
      orgId && /^[\w-]{1,64}$/.test(orgId) ? orgId : (instance.defaultOrgId ?? instance.id),
    );
    writeAsset(res, 'text/css; charset=utf-8', themeCss(label), 'max-age=60');
  }
}
