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
import { systemCaller, type Caller } from '../platform/rpc/call-context.js';
import { InstanceResolver } from '../platform/tenancy/instance-resolver.js';
import type { Instance } from '../platform/tenancy/instance.entity.js';
import { Policies } from '../settings/policies.js';
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
import { assetOrigins, themeCss } from './login-theme.js';
import { allowedFactors, type PageFactor } from './login-users.js';
import { LoginProblem, LoginService, type Next } from './login.service.js';
import * as views from './login.views.js';
import { LOGIN_BASE, flowOf, pageUrl, type Flow, type PageContext, type UserOnPage } from './login.views.js';

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
  /** The org whose branding and settings apply, once known (the user's). */
  orgId?: string;
}

/** Text of a failed step the page shows in the user's words, and whether it is the user's fault (400) or ours (500). */
function problemKey(err: unknown): MessageKey | undefined {
  if (err instanceof LoginProblem) return err.key;
  if (!(err instanceof DomainError)) return undefined;
  const byId: Record<string, MessageKey> = {
    'OIDC-4uthr': 'error.authRequest',
    'OIDC-4uth0': 'error.authRequest',
    'OIDC-cl13n': 'error.authRequest',
    'OIDC-d3v1c': 'error.deviceCode',
    'OIDC-d3v1d': 'error.deviceCode',
    'OIDC-0rg5c': 'error.wrongOrg',
    'OIDC-pr0j4': 'error.noAccess',
    'SESSION-t0k3n': 'error.session',
    'SESSION-3xp1r': 'error.session',
    'SESSION-n0t4d': 'error.session',
    'SESSION-us3rn': 'error.session',
    'SESSION-l0ck3': 'error.locked',
    'SESSION-1n4ct': 'error.inactive',
    'SESSION-pw0n0': 'error.noPassword',
    'LOGIN-mf4rq': 'error.mfaSetup',
    'LOGIN-n0auth': 'error.session',
    'LOGIN-m4x4g': 'error.session',
    'LOGIN-l1nk0': 'error.session',
  };
  return byId[err.id];
}

/** The failed attempts a CredentialsCheckError detail carries, when the lockout policy shows them. */
function failedAttempts(err: DomainError): number | undefined {
  const detail = err.details.find((d) => d.desc.typeName === 'zitadel.v1.CredentialsCheckError');
  return detail ? (detail.value as unknown as { failedAttempts: number }).failedAttempts : undefined;
}

const FACTOR_PAGES: Record<string, PageFactor> = { '/otp/totp': 'totp', '/otp/email': 'otpEmail', '/otp/sms': 'otpSms' };

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
    let instance: Instance;
    try {
      instance = await this.resolver.resolve(req.headers.host ?? (req.headers[':authority'] as string | undefined));
    } catch {
      return this.plain(res, 404, 'Not found');
    }
    if (path === '/assets/login.css') return this.stylesheet(instance, url.searchParams.get('org') ?? undefined, res);
    if (path === '/assets/login.js') return this.asset(res, 'text/javascript; charset=utf-8', LOGIN_SCRIPT);
    if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') return this.plain(res, 405, 'Method not allowed', { allow: 'GET, POST' });

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
      caller: systemCaller(instance, randomUUID()),
      flow: flowOf(params),
      state: existing ?? newBrowserState(),
      stateChanged: !existing,
    };
    try {
      if (method === 'POST') {
        // The token is bound to this browser's cookie; a POST without both is refused.
        if (!existing || !this.csrf.matches(existing.browserId, params.get('csrf') ?? undefined)) {
          return this.page(r, 403, views.errorPage(await this.context(r), (await this.t(r))('error.csrf')));
        }
        if (!this.limiter.take('login', peerAddress(req)).allowed) {
          return this.page(r, 429, views.errorPage(await this.context(r), (await this.t(r))('error.tooMany')));
        }
      }
      await this.route(r);
    } catch (err) {
      const key = problemKey(err);
      if (!key) this.log.error({ err, path }, 'login page failed');
      const t = await this.t(r).catch(() => translator('en'));
      const ctx = await this.context(r).catch(() => undefined);
      if (!ctx) return this.plain(res, 500, t('error.unknown'));
      return this.page(r, key ? 400 : 500, views.errorPage(ctx, t(key ?? 'error.unknown')));
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
      case '/logout':
        return post ? this.submitLogout(r) : this.showLogout(r);
      case '/device':
        return post ? this.submitDeviceCode(r) : this.showDevice(r);
      case '/device/consent':
        return post ? this.submitDeviceDecision(r) : this.showDeviceConsent(r);
      default:
        return this.notFound(r);
    }
  }

  // ---- entry and account selection ----

  /**
   * `?authRequest=` (OIDC), `?userCode=` (device, after the device page) or nothing. prompt=login
   * (or create) always asks for a login name; select_account, or several sessions in this browser,
   * show the account list; one session (or the id_token_hint's user) continues with it.
   */
  private async entry(r: PageRequest): Promise<void> {
    if (r.flow.kind === 'saml') throw new LoginProblem('error.unknown'); // TODO(#8-saml): SAMLService.GetSAMLRequest here.
    const ar = await this.authRequestOf(r);
    const prompt = ar?.prompt ?? [];
    if (prompt.includes('login') || prompt.includes('create')) return this.redirect(r, pageUrl('loginname', r.flow));
    const accounts = await this.accounts(r);
    const active = accounts.filter((a) => a.active);
    const hinted = ar?.hintUserId ? active.find((a) => a.userId === ar.hintUserId) : undefined;
    if (r.flow.kind === 'direct') {
      return accounts.length ? this.redirect(r, pageUrl('accounts', r.flow)) : this.redirect(r, pageUrl('loginname', r.flow));
    }
    if (!prompt.includes('select_account')) {
      const only = hinted ?? (active.length === 1 && accounts.length === 1 ? active[0] : undefined);
      if (only) return this.go(r, await this.login.advance(r.caller, r.flow, this.sessionById(r, only.session), false));
    }
    if (accounts.length) return this.redirect(r, pageUrl('accounts', r.flow));
    return this.redirect(r, pageUrl('loginname', r.flow));
  }

  /** The browser's sessions that still have a user, newest first; stale ones leave the cookie. */
  private async accounts(r: PageRequest): Promise<(views.AccountOnPage & { userId: string })[]> {
    const found: (views.AccountOnPage & { userId: string })[] = [];
    const stale: string[] = [];
    for (const s of r.state.sessions) {
      const view = await this.login.view(r.caller, s);
      if (!view?.user) {
        stale.push(s.id);
        continue;
      }
      const active = !view.expiresAt || new Date(view.expiresAt).getTime() > Date.now();
      found.push({ session: s.id, userId: view.user.id, displayName: view.user.displayName, loginName: view.user.loginName, active });
    }
    if (stale.length) this.setState(r, withoutSessions(r.state, stale));
    return found;
  }

  private async showAccounts(r: PageRequest): Promise<void> {
    const accounts = await this.accounts(r);
    if (!accounts.length) return this.redirect(r, pageUrl('loginname', r.flow));
    return this.page(r, 200, views.accountsPage(await this.context(r), { accounts }));
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
    return this.page(r, 200, views.signedInPage(await this.context(r), { user: this.shown(view.user!, user) }));
  }

  // ---- login name and password ----

  private async showLoginName(r: PageRequest): Promise<void> {
    const ar = await this.authRequestOf(r);
    const loginName = r.params.get('loginName') ?? ar?.loginHint;
    return this.page(r, 200, views.loginNamePage(await this.context(r), { loginName: loginName ?? undefined }));
  }

  private async submitLoginName(r: PageRequest): Promise<void> {
    const t = await this.t(r);
    const loginName = (r.params.get('loginName') ?? '').trim();
    const settings = await this.login.loginSettings(r.caller, await this.requestedOrg(r));
    const again = async (key: MessageKey) => this.page(r, 400, views.loginNamePage(await this.context(r), { loginName, errors: [t(key)] }));
    if (!loginName) return again('error.required');
    if (!settings.allowUsernamePassword) return again('error.usernamePassword');
    let session: BrowserSession;
    try {
      session = await this.login.startSession(r.caller, loginName, this.userAgent(r));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.id === 'SESSION-us3rn') {
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
      return this.page(r, status, views.passwordPage(await this.context(r), { user: { displayName: loginName, loginName }, loginName, errors }));
    }
    const session = this.session(r);
    const { view, user } = await this.login.withUser(r.caller, session);
    r.orgId = user.orgId;
    return this.page(r, status, views.passwordPage(await this.context(r), { user: this.shown(view.user!, user), session: session.id, errors }));
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
      if (err.id === 'SESSION-pw1nv') {
        if (!r.params.get('session')) return this.showPassword(r, [t('error.credentials')], 400);
        return this.showPassword(r, await this.credentialErrors(r, err, 'password'), 400);
      }
      if (err.id === 'SESSION-l0ck3' || err.id === 'SESSION-1n4ct' || err.id === 'SESSION-pw0n0') return this.showPassword(r, [t(problemKey(err)!)], 400);
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
    return this.page(r, status, views.passwordChangePage(await this.context(r), { user: this.shown(view.user!, user), session: session.id, complexity, errors }));
  }

  private async submitPasswordChange(r: PageRequest): Promise<void> {
    const t = await this.t(r);
    const current = r.params.get('currentPassword') ?? '';
    const next = r.params.get('newPassword') ?? '';
    if (!current || !next) return this.showPasswordChange(r, [t('error.required')], 400);
    if (next !== r.params.get('confirmPassword')) return this.showPasswordChange(r, [t('error.passwordMismatch')], 400);
    const session = this.session(r);
    const { user } = await this.login.withUser(r.caller, session);
    try {
      await this.login.changePassword(r.caller, user.id, current, next);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const key: MessageKey | undefined = { 'USER-pw0k1': 'error.passwordWeak', 'CRED-pw1nv': 'error.password', 'CRED-pw5m3': 'error.passwordSame' }[err.id] as MessageKey | undefined;
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
    return this.page(r, status, views.codePage(await this.context(r), { factor, user: this.shown(view.user!, user), session: session.id, errors, others }));
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
      if (['SESSION-t0tp1', 'SESSION-0tp51', 'SESSION-0tpe1'].includes(err.id)) return this.showCode(r, factor, await this.credentialErrors(r, err, 'otp'), 400);
      if (['SESSION-0tp3x', 'SESSION-0tp5c', 'SESSION-0tpec'].includes(err.id)) return this.showCode(r, factor, [t('error.codeExpired')], 400);
      if (err.id === 'SESSION-l0ck3') return this.showCode(r, factor, [t('error.locked')], 400);
      throw err;
    }
  }

  private async showFactorChoice(r: PageRequest): Promise<void> {
    const session = this.session(r);
    const { view, user } = await this.login.withUser(r.caller, session);
    r.orgId = user.orgId;
    const factors = allowedFactors(user, (await this.policies.loginSettings(r.instance.id, user.orgId)).secondFactors);
    return this.page(r, 200, views.mfaChoosePage(await this.context(r), { user: this.shown(view.user!, user), session: session.id, factors }));
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
    return this.page(r, 200, views.logoutPage(await this.context(r), { accounts, postLogout }));
  }

  private async submitLogout(r: PageRequest): Promise<void> {
    for (const session of r.state.sessions) await this.login.endSession(r.caller, session);
    this.setState(r, { ...r.state, sessions: [] });
    const target = this.sameOriginPath(r.params.get('post_logout_redirect'));
    if (target) return this.redirect(r, target);
    const t = await this.t(r);
    return this.page(r, 200, views.messagePage(await this.context(r), 'title.loggedOut', t('intro.loggedOut'), { href: pageUrl('loginname', { kind: 'direct' }), label: t('link.signIn') }));
  }

  // ---- device authorization (RFC 8628 §3.3) ----

  private async showDevice(r: PageRequest): Promise<void> {
    return this.page(r, 200, views.devicePage(await this.context(r), { userCode: r.params.get('user_code') ?? undefined }));
  }

  private async submitDeviceCode(r: PageRequest): Promise<void> {
    const t = await this.t(r);
    const userCode = (r.params.get('userCode') ?? '').trim();
    if (!userCode) return this.page(r, 400, views.devicePage(await this.context(r), { errors: [t('error.required')] }));
    let device;
    try {
      device = await this.login.deviceRequest(r.caller, userCode);
    } catch (err) {
      if (err instanceof DomainError && err.id === 'OIDC-d3v1c') return this.page(r, 400, views.devicePage(await this.context(r), { userCode, errors: [t('error.deviceCode')] }));
      throw err;
    }
    const flow: Flow = { kind: 'device', userCode: device.id };
    return this.page(r, 200, views.deviceInfoPage(await this.context(r), { device, next: pageUrl('login', flow) }));
  }

  private async showDeviceConsent(r: PageRequest): Promise<void> {
    if (r.flow.kind !== 'device') return this.notFound(r);
    const session = this.session(r);
    const device = await this.login.deviceRequest(r.caller, r.flow.userCode);
    const { view, user } = await this.login.withUser(r.caller, session);
    r.orgId = user.orgId;
    return this.page(r, 200, views.deviceConsentPage(await this.context(r), { device, user: this.shown(view.user!, user), session: session.id }));
  }

  private async submitDeviceDecision(r: PageRequest): Promise<void> {
    if (r.flow.kind !== 'device') return this.notFound(r);
    const t = await this.t(r);
    const allow = r.params.get('decision') === 'allow';
    await this.login.decideDevice(r.caller, r.flow.userCode, allow ? this.session(r) : undefined);
    const ctx = await this.context(r);
    return this.page(r, 200, allow ? views.messagePage(ctx, 'title.deviceDone', t('intro.deviceDone')) : views.messagePage(ctx, 'title.deviceDenied', t('intro.deviceDenied')));
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

  private shown(sessionUser: { displayName: string; loginName: string }, user: { username: string; orgPrimaryDomain: string }): UserOnPage {
    return { displayName: sessionUser.displayName, loginName: sessionUser.loginName, username: user.username, orgDomain: user.orgPrimaryDomain };
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
    return translator(pickLocale(ar?.uiLocales ?? [], r.req.headers['accept-language'] as string | undefined, general.defaultLanguage));
  }

  private async context(r: PageRequest): Promise<PageContext> {
    const ar = await this.authRequestOf(r).catch(() => undefined);
    const general = await this.policies.generalSettings(r.instance.id);
    const locale = pickLocale(ar?.uiLocales ?? [], r.req.headers['accept-language'] as string | undefined, general.defaultLanguage);
    const orgId = (await this.requestedOrg(r)) ?? r.instance.defaultOrgId ?? r.instance.id;
    const [label, legal] = await Promise.all([this.policies.labelSettings(r.instance.id, orgId), this.policies.legalSettings(r.instance.id, orgId)]);
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
    const ancestors = security.embeddedIframeEnabled ? security.allowedOrigins.map(cspSource).filter((o): o is string => !!o) : [];
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
      headers['set-cookie'] = serializeCookie(BROWSER_COOKIE, encodeBrowserState(r.state), { path: LOGIN_BASE, secure: this.secureCookies, maxAge: COOKIE_MAX_AGE });
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
  private async redirect(r: PageRequest, location: string): Promise<void> {
    const headers = await this.headers(r);
    delete headers['content-type'];
    (r.res as ServerResponse).writeHead(303, { ...headers, location });
    r.res.end();
  }

  private go(r: PageRequest, step: { next: Next; session: BrowserSession }): Promise<void> {
    this.remember(r, step.session);
    return this.redirect(r, 'page' in step.next ? step.next.page : step.next.external);
  }

  private async notFound(r: PageRequest): Promise<void> {
    const t = await this.t(r);
    return this.page(r, 404, views.errorPage(await this.context(r), t('error.notFound')));
  }

  private async stylesheet(instance: Instance, orgId: string | undefined, res: HttpResponse): Promise<void> {
    const label = await this.policies.labelSettings(instance.id, orgId && /^[\w-]{1,64}$/.test(orgId) ? orgId : (instance.defaultOrgId ?? instance.id));
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
    (res as ServerResponse).writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
    res.end(text);
  }
}
