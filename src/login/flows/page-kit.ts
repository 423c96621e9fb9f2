import { Injectable } from '@nestjs/common';
import { Config } from '../../platform/config/config.js';
import { MasterKey } from '../../platform/crypto/master-key.js';
import { DomainError } from '../../platform/errors/domain-error.js';
import { peerAddress } from '../../platform/http/rate-limit.js';
import { Policies, type LoginSettings } from '../../settings/policies.queries.js';
import type { AuthRequestView } from '../../oidc/oidc.service.js';
import { passwordProblems } from '../../settings/password-policy.js';
import { CsrfTokens, withSession, withoutSessions, type BrowserSession, type BrowserState } from '../login-browser.js';
import { pickLocale, translator, type Locale, type Translate } from '../login.i18n.js';
import { customPageTexts } from '../login-custom-texts.js';
import { HostedLoginTranslationsService } from '../../settings/hosted-login-translations.service.js';
import {
  LoginProblem,
  LoginService,
  type Next,
  type SamlRequestOnPage,
  type SessionWithUser,
  type UserById,
} from '../login.service.js';
import { LOGIN_BASE, pageUrl } from '../login-flow.js';
import { LoginIdps } from '../login-idps.js';
import { errorPage, type PageContext, type UserOnPage } from '../views/layout.js';
import { samlPostPage, type AccountOnPage } from '../views/sign-in.views.js';
import type { PageRequest } from '../http/page-request.js';
import { pageHeaders } from '../http/page-headers.js';
import { writePage, writeRedirect } from '../http/responses.js';
import { failedAttempts } from './page-errors.js';

const ORG_SCOPE = 'urn:zitadel:iam:org:id:';

/**
 * What the flows of the hosted login share: the services they call (as the login client the
 * request carries), the browser's sessions in the cookie, the page context (language, branding,
 * CSRF token) and the answers (a page, a redirect, the next step of a sign-in).
 */
@Injectable()
export class PageKit {
  readonly csrf: CsrfTokens;

  constructor(
    readonly login: LoginService,
    readonly idps: LoginIdps,
    readonly policies: Policies,
    private readonly config: Config,
    masterKey: MasterKey,
    private readonly translations: HostedLoginTranslationsService,
  ) {
    this.csrf = new CsrfTokens(masterKey.derive('login-pages-csrf-v1'));
  }

  private get secureCookies(): boolean {
    return this.config.externalUrl.startsWith('https:');
  }

  async page(r: PageRequest, status: number, html: string): Promise<void> {
    writePage(r, status, html, await this.headers(r));
  }

  /** 303: the browser GETs the next page (or the app) after a form. Only login paths or CreateCallback URLs get here. */
  async redirect(r: PageRequest, location: string, cookies: readonly string[] = []): Promise<void> {
    writeRedirect(r, location, await this.headers(r), cookies);
  }

  private async headers(r: PageRequest): Promise<Record<string, string | string[]>> {
    const orgId = r.orgId ?? r.instance.defaultOrgId ?? r.instance.id;
    const [security, label] = await Promise.all([
      this.policies.securitySettings(r.instance.id),
      this.policies.labelSettings(r.instance.id, orgId),
    ]);
    return pageHeaders(r, security, label, this.secureCookies);
  }

  session(r: PageRequest): BrowserSession {
    return this.sessionById(r, r.params.get('session') ?? '');
  }

  /** The request's session with its user; the page speaks for the user's org from here on. */
  async sessionUser(r: PageRequest) {
    const session = this.session(r);
    const { view, user } = await this.login.withUser(r.caller, session);
    r.orgId = user.orgId;
    return { session, view, user };
  }

  /** A session of this browser (its token is in the cookie); any other id is refused. */
  sessionById(r: PageRequest, id: string): BrowserSession {
    const found = r.state.sessions.find((s) => s.id === id);
    if (!found) throw new LoginProblem('error.session');
    return found;
  }

  remember(r: PageRequest, session: BrowserSession): void {
    this.setState(r, withSession(r.state, session));
  }

  setState(r: PageRequest, state: BrowserState): void {
    r.state = state;
    r.stateChanged = true;
  }

  userAgent(r: PageRequest): { ip?: string; description?: string } {
    const ua = r.req.headers['user-agent'];
    return { ip: peerAddress(r.req), ...(typeof ua === 'string' ? { description: ua.slice(0, 200) } : {}) };
  }

  shown(
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

  async samlRequestOf(r: PageRequest): Promise<SamlRequestOnPage> {
    if (r.flow.kind !== 'saml') throw new LoginProblem('error.authRequest');
    r.samlRequest ??= await this.login.samlRequest(r.caller, r.flow.samlRequest);
    return r.samlRequest;
  }

  async authRequestOf(r: PageRequest): Promise<AuthRequestView | undefined> {
    if (r.flow.kind !== 'oidc') return undefined;
    if (r.authRequest === undefined) r.authRequest = await this.login.authRequest(r.caller, r.flow.authRequest);
    return r.authRequest ?? undefined;
  }

  /** The org an auth request names (urn:zitadel:iam:org:id:…), for settings and branding before the user is known. */
  async requestedOrg(r: PageRequest): Promise<string | undefined> {
    if (r.orgId) return r.orgId;
    const ar = await this.authRequestOf(r).catch(() => undefined);
    return ar?.scope.find((s) => s.startsWith(ORG_SCOPE))?.slice(ORG_SCOPE.length) || undefined;
  }

  /** The language of the pages: the auth request's ui_locales, else the browser's, else the instance's default. */
  private async locale(r: PageRequest): Promise<Locale> {
    const ar = await this.authRequestOf(r).catch(() => undefined);
    const general = await this.policies.generalSettings(r.instance.id);
    return pickLocale(
      ar?.uiLocales ?? [],
      r.req.headers['accept-language'] as string | undefined,
      general.defaultLanguage,
    );
  }

  async t(r: PageRequest): Promise<Translate> {
    const locale = await this.locale(r);
    return this.translatorFor(r, locale, await this.pageOrg(r));
  }

  /** The org whose settings and texts a page shows: the requested one, else the instance's default org. */
  private async pageOrg(r: PageRequest): Promise<string> {
    return (await this.requestedOrg(r)) ?? r.instance.defaultOrgId ?? r.instance.id;
  }

  /** The page's wording with the instance's and the org's custom hosted login texts in its place. */
  private async translatorFor(r: PageRequest, locale: Locale, orgId: string): Promise<Translate> {
    return translator(locale, customPageTexts(await this.translations.customFor(r.instance.id, orgId, locale)));
  }

  async context(r: PageRequest): Promise<PageContext> {
    const locale = await this.locale(r);
    const orgId = await this.pageOrg(r);
    const [label, legal] = await Promise.all([
      this.policies.labelSettings(r.instance.id, orgId),
      this.policies.legalSettings(r.instance.id, orgId),
    ]);
    return {
      locale,
      t: await this.translatorFor(r, locale, orgId),
      csrf: this.csrf.tokenFor(r.state.browserId),
      flow: r.flow,
      cssUrl: `${LOGIN_BASE}/assets/login.css?org=${encodeURIComponent(orgId)}`,
      logoUrl: label.logoUrl,
      logoUrlDark: label.logoUrlDark,
      legal,
      hideLoginNameSuffix: label.hideLoginNameSuffix,
    };
  }

  async go(r: PageRequest, step: { next: Next; session: BrowserSession }): Promise<void> {
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

  async notFound(r: PageRequest): Promise<void> {
    const t = await this.t(r);
    return this.page(r, 404, errorPage(await this.context(r), t('error.notFound')));
  }

  /** A session of this browser whose first factor is checked: only such a one may verify, set up or register factors. */
  async signedIn(r: PageRequest): Promise<SessionWithUser & { session: BrowserSession; settings: LoginSettings }> {
    const session = this.session(r);
    const found = await this.login.withUser(r.caller, session);
    const settings = await this.policies.loginSettings(r.instance.id, found.user.orgId);
    const within = (at: Date | null | undefined, lifetimeMs: number) =>
      !!at && (lifetimeMs <= 0 || Date.now() - new Date(at).getTime() < lifetimeMs);
    const at =
      found.view.passwordCheckedAt ?? (found.view.webAuthn?.userVerified ? found.view.webAuthn.checkedAt : undefined);
    // A sign-in through an identity provider is a first factor too, within externalLoginCheckLifetime.
    const fresh =
      within(at, settings.passwordCheckLifetimeMs) ||
      within(found.view.intentCheckedAt, settings.externalLoginCheckLifetimeMs);
    if (!fresh) throw new LoginProblem('error.session');
    r.orgId = found.user.orgId;
    return { ...found, session, settings };
  }

  /** The user a link names; an unknown id reads like a bad code, so ids can't be probed. */
  async linkUser(r: PageRequest, problem: LoginProblem['key'] = 'error.passkeyLink'): Promise<UserById> {
    const userId = r.params.get('userId') ?? '';
    const user = userId ? await this.login.userById(r.caller, userId) : undefined;
    if (!user) throw new LoginProblem(problem);
    r.orgId = user.orgId;
    return user;
  }

  /** The wrong-credential message, with the attempts left when the lockout settings show them. */
  async credentialErrors(r: PageRequest, err: DomainError, kind: 'password' | 'otp'): Promise<string[]> {
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

  /** What is wrong with a new password and its confirmation (the server's check; the script only helps). */
  newPasswordProblem(
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

  /** A form's code and new password, and what is wrong with them (a missing code first) under the org's rules. */
  async codeAndNewPassword(
    r: PageRequest,
    t: Translate,
    orgId: string,
  ): Promise<{ code: string; password: string; problem?: { errors: string[]; invalid: string[] } }> {
    const code = (r.params.get('code') ?? '').trim();
    const password = r.params.get('newPassword') ?? '';
    const complexity = await this.login.complexity(r.caller, orgId);
    return { code, password, problem: this.newPasswordProblem(r, t, password, complexity, code ? undefined : 'code') };
  }

  /** The org new accounts go to: the one the request names, else the instance's default org. */
  async registerOrg(r: PageRequest): Promise<string> {
    return (await this.requestedOrg(r)) ?? r.instance.defaultOrgId ?? r.instance.id;
  }

  async registerAllowed(r: PageRequest): Promise<boolean> {
    const settings = await this.login.loginSettings(r.caller, await this.registerOrg(r));
    return settings.allowRegister && settings.allowUsernamePassword;
  }

  /** The browser's sessions that still have a user, newest first; stale ones leave the cookie. */
  async accounts(r: PageRequest): Promise<(AccountOnPage & { userId: string })[]> {
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

  /** The RP id the ceremonies use: the host the browser came to (a domain of the instance, checked by the resolver). */
  rpDomain(r: PageRequest): string {
    return new URL(r.caller.origin!).hostname.replace(/^\[|\]$/g, '');
  }

  /** A name the user recognises the passkey or security key by in lists: the browser and system it was made on. */
  webAuthnName(r: PageRequest): string {
    const ua = String(r.req.headers['user-agent'] ?? '');
    const browser = /(Edg|Firefox|Chrome|Safari)\/[\d.]+/.exec(ua)?.[1]?.replace('Edg', 'Edge') ?? 'Browser';
    const system = /(Windows|Mac OS X|Android|iPhone|iPad|Linux)/.exec(ua)?.[1]?.replace('Mac OS X', 'macOS') ?? '';
    return `${browser}${system ? ` on ${system}` : ''}`.slice(0, 60);
  }

  signInLink(r: PageRequest, user: UserById, t: Translate): { href: string; label: string } {
    return { href: pageUrl('loginname', r.flow, { loginName: user.loginName }), label: t('link.signIn') };
  }
}
