import type { PasswordComplexity } from '../users/password-policy.js';
import type { LegalSettings } from '../settings/policies.js';
import type { Locale, MessageKey, Translate } from './login.i18n.js';
import type { PageFactor } from './login-users.js';
import type { WebAuthnKind } from '../users/mfa/mfa.entity.js';
import { safeAssetUrl } from './login-theme.js';

/** Where the pages are served; every link and form action starts here. */
export const LOGIN_BASE = '/ui/v2/login';

/** Which login a page belongs to: an OIDC auth request, a device code, SAML (later), or none. */
export type Flow =
  | { readonly kind: 'oidc'; readonly authRequest: string }
  | { readonly kind: 'device'; readonly userCode: string }
  | { readonly kind: 'saml'; readonly samlRequest: string }
  | { readonly kind: 'direct' };

/** The query parameters that carry a flow from page to page. */
export function flowParams(flow: Flow): [string, string][] {
  switch (flow.kind) {
    case 'oidc':
      return [['authRequest', flow.authRequest]];
    case 'device':
      return [['userCode', flow.userCode]];
    case 'saml':
      return [['samlRequest', flow.samlRequest]];
    case 'direct':
      return [];
  }
}

export function flowOf(params: URLSearchParams): Flow {
  const authRequest = params.get('authRequest');
  if (authRequest) return { kind: 'oidc', authRequest };
  const userCode = params.get('userCode');
  if (userCode) return { kind: 'device', userCode };
  const samlRequest = params.get('samlRequest');
  if (samlRequest) return { kind: 'saml', samlRequest };
  return { kind: 'direct' };
}

/** A same-origin path under the login with the flow's and the given parameters. */
export function pageUrl(page: string, flow: Flow, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams(flowParams(flow));
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) params.set(k, v);
  const query = params.toString();
  return `${LOGIN_BASE}/${page}${query ? `?${query}` : ''}`;
}

/** HTML-escapes text and attribute values. */
export function h(value: string | number | undefined): string {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** What every page shares: language, CSRF token, branding and legal links. */
export interface PageContext {
  readonly locale: Locale;
  readonly t: Translate;
  readonly csrf: string;
  readonly flow: Flow;
  /** The stylesheet (with the org whose branding applies). */
  readonly cssUrl: string;
  readonly logoUrl: string;
  readonly logoUrlDark: string;
  readonly legal: LegalSettings;
  readonly hideLoginNameSuffix: boolean;
}

export interface ShownUser {
  readonly displayName: string;
  readonly loginName: string;
}

function shownLoginName(ctx: PageContext, user: ShownUser & { username?: string; orgDomain?: string }): string {
  if (
    ctx.hideLoginNameSuffix &&
    user.username &&
    user.orgDomain &&
    user.loginName.toLowerCase() === `${user.username}@${user.orgDomain}`.toLowerCase()
  ) {
    return user.username;
  }
  return user.loginName;
}

function hiddenFields(ctx: PageContext, extra: Record<string, string | undefined> = {}): string {
  const fields: [string, string][] = [['csrf', ctx.csrf], ...flowParams(ctx.flow)];
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) fields.push([k, v]);
  return fields.map(([k, v]) => `<input type="hidden" name="${h(k)}" value="${h(v)}">`).join('');
}

function errorBox(errors: readonly string[] | undefined): string {
  if (!errors?.length) return '';
  return `<div class="error" role="alert" id="form-error">${errors.map((e) => `<p>${h(e)}</p>`).join('')}</div>`;
}

function who(
  ctx: PageContext,
  user: (ShownUser & { username?: string; orgDomain?: string }) | undefined,
  switchUrl?: string,
): string {
  if (!user) return '';
  return `<div class="who"><strong>${h(user.displayName)}</strong><span>${h(shownLoginName(ctx, user))}</span>${
    switchUrl ? `<a href="${h(switchUrl)}">${h(ctx.t('link.notYou'))}</a>` : ''
  }</div>`;
}

function layout(ctx: PageContext, titleKey: MessageKey, body: string): string {
  const t = ctx.t;
  const logo = safeAssetUrl(ctx.logoUrl);
  const logoDark = safeAssetUrl(ctx.logoUrlDark);
  const brand =
    logo || logoDark
      ? `<div class="brand">${logo ? `<img class="light${logoDark ? ' has-dark' : ''}" src="${h(logo)}" alt="">` : ''}${logoDark ? `<img class="dark" src="${h(logoDark)}" alt="">` : ''}</div>`
      : '';
  const links: [string, MessageKey][] = [
    [ctx.legal.tosLink, 'link.tos'],
    [ctx.legal.privacyLink, 'link.privacy'],
    [ctx.legal.helpLink, 'link.help'],
  ];
  const footer = [
    ...links
      .filter(([href]) => /^https?:\/\//.test(href))
      .map(([href, key]) => `<a href="${h(href)}" rel="noopener noreferrer">${h(t(key))}</a>`),
    ...(/^https?:\/\//.test(ctx.legal.customLink) && ctx.legal.customLinkText
      ? [`<a href="${h(ctx.legal.customLink)}" rel="noopener noreferrer">${h(ctx.legal.customLinkText)}</a>`]
      : []),
  ];
  return `<!doctype html>
<html lang="${ctx.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${h(t(titleKey))}</title>
<link rel="stylesheet" href="${h(ctx.cssUrl)}">
<script src="${LOGIN_BASE}/assets/login.js" defer></script>
</head>
<body>
<main>
${brand}<h1>${h(t(titleKey))}</h1>
${body}
</main>
${footer.length ? `<footer>${footer.join('')}</footer>` : ''}
</body>
</html>`;
}

function input(id: string, label: string, attrs: string, error?: boolean): string {
  return `<label for="${id}">${h(label)}</label><input id="${id}" name="${id}" ${attrs}${error ? ' aria-invalid="true" aria-describedby="form-error"' : ''}>`;
}

export function loginNamePage(
  ctx: PageContext,
  v: { loginName?: string; appName?: string; errors?: string[]; registerUrl?: string },
): string {
  const t = ctx.t;
  return layout(
    ctx,
    'title.loginname',
    `<p class="intro">${h(v.appName ? t('intro.loginnameApp', { app: v.appName }) : t('intro.loginname'))}</p>
<form method="post" action="${LOGIN_BASE}/loginname" novalidate>${hiddenFields(ctx)}
${errorBox(v.errors)}
${input('loginName', t('label.loginName'), `type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus value="${h(v.loginName)}"`, !!v.errors?.length)}
<div class="actions">${v.registerUrl ? `<a class="button secondary" href="${h(v.registerUrl)}">${h(t('link.register'))}</a>` : ''}<button type="submit" class="primary">${h(t('button.next'))}</button></div>
</form>`,
  );
}

export interface UserOnPage extends ShownUser {
  readonly username?: string;
  readonly orgDomain?: string;
}

export function passwordPage(
  ctx: PageContext,
  v: {
    user: UserOnPage;
    session?: string;
    loginName?: string;
    errors?: string[];
    resetUrl?: string;
    passkeyUrl?: string;
  },
): string {
  const t = ctx.t;
  return layout(
    ctx,
    'title.password',
    `${who(ctx, v.user, pageUrl('loginname', ctx.flow))}
<form method="post" action="${LOGIN_BASE}/password" novalidate>${hiddenFields(ctx, { session: v.session, loginName: v.loginName })}
<input type="text" name="username" autocomplete="username" value="${h(v.user.loginName)}" class="visually-hidden" tabindex="-1" aria-hidden="true" readonly>
${errorBox(v.errors)}
${input('password', t('label.password'), 'type="password" autocomplete="current-password" required autofocus', !!v.errors?.length)}
<div class="actions"><a class="button secondary" href="${h(pageUrl('loginname', ctx.flow))}">${h(t('button.back'))}</a><button type="submit" class="primary">${h(t('button.next'))}</button></div>
</form>
${v.resetUrl || v.passkeyUrl ? `<ul class="links">${v.resetUrl ? `<li><a href="${h(v.resetUrl)}" id="forgot-password">${h(t('link.forgotPassword'))}</a></li>` : ''}${v.passkeyUrl ? `<li><a href="${h(v.passkeyUrl)}" id="use-passkey">${h(t('link.passkey'))}</a></li>` : ''}</ul>` : ''}`,
  );
}

const FACTOR_TITLE: Record<PageFactor, MessageKey> = {
  totp: 'title.totp',
  otpEmail: 'title.otpEmail',
  otpSms: 'title.otpSms',
};
const FACTOR_INTRO: Record<PageFactor, MessageKey> = {
  totp: 'intro.totp',
  otpEmail: 'intro.otpEmail',
  otpSms: 'intro.otpSms',
};
const FACTOR_NAME: Record<PageFactor, MessageKey> = {
  totp: 'mfa.totp',
  otpEmail: 'mfa.otpEmail',
  otpSms: 'mfa.otpSms',
};

export function codePage(
  ctx: PageContext,
  v: { factor: PageFactor; user: UserOnPage; session: string; errors?: string[]; others: PageFactor[] },
): string {
  const t = ctx.t;
  const resend =
    v.factor === 'totp'
      ? ''
      : `<form method="post" action="${LOGIN_BASE}/otp/${v.factor === 'otpEmail' ? 'email' : 'sms'}">${hiddenFields(ctx, { session: v.session, action: 'send' })}<button type="submit" class="secondary">${h(t('button.resend'))}</button></form>`;
  const others = v.others.length
    ? `<ul class="choices">${v.others.map((f) => `<li><a href="${h(pageUrl('mfa', ctx.flow, { session: v.session }))}">${h(t(FACTOR_NAME[f]))}</a></li>`).join('')}</ul>`
    : '';
  return layout(
    ctx,
    FACTOR_TITLE[v.factor],
    `${who(ctx, v.user)}
<p class="intro">${h(t(FACTOR_INTRO[v.factor]))}</p>
<form method="post" action="${LOGIN_BASE}/otp/${v.factor === 'totp' ? 'totp' : v.factor === 'otpEmail' ? 'email' : 'sms'}" novalidate>${hiddenFields(ctx, { session: v.session, action: 'check' })}
${errorBox(v.errors)}
${input('code', t('label.code'), 'type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]*" maxlength="12" required autofocus', !!v.errors?.length)}
<div class="actions"><button type="submit" class="primary">${h(t('button.verify'))}</button></div>
</form>
${resend}${others}`,
  );
}

export function mfaChoosePage(
  ctx: PageContext,
  v: { user: UserOnPage; session: string; factors: PageFactor[] },
): string {
  const t = ctx.t;
  return layout(
    ctx,
    'title.mfaChoose',
    `${who(ctx, v.user)}
<p class="intro">${h(t('intro.mfaChoose'))}</p>
<form method="post" action="${LOGIN_BASE}/mfa">${hiddenFields(ctx, { session: v.session })}
<ul class="choices">${v.factors.map((f) => `<li><button type="submit" name="factor" value="${f}">${h(t(FACTOR_NAME[f]))}</button></li>`).join('')}</ul>
</form>`,
  );
}

export function complexityItems(t: Translate, policy: PasswordComplexity): string[] {
  return complexityRules(t, policy).map(([, text]) => text);
}

/** The policy's rules as [rule, text]; the rule names what the script checks live (`min:8`, `upper`, …). */
function complexityRules(t: Translate, policy: PasswordComplexity): [string, string][] {
  const items: [string, string][] = [[`min:${policy.minLength}`, t('complexity.minLength', { n: policy.minLength })]];
  if (policy.requiresUppercase) items.push(['upper', t('complexity.upper')]);
  if (policy.requiresLowercase) items.push(['lower', t('complexity.lower')]);
  if (policy.requiresNumber) items.push(['number', t('complexity.number')]);
  if (policy.requiresSymbol) items.push(['symbol', t('complexity.symbol')]);
  return items;
}

/** The rules under a new-password field; the script marks each one met as the user types (only a help: the server decides). */
function complexityBox(t: Translate, policy: PasswordComplexity, field: string): string {
  return `<div id="complexity"><p>${h(t('complexity.title'))}</p><ul class="complexity" data-for="${h(field)}">${complexityRules(
    t,
    policy,
  )
    .map(([rule, text]) => `<li data-rule="${h(rule)}">${h(text)}</li>`)
    .join('')}</ul></div>`;
}

export function passwordChangePage(
  ctx: PageContext,
  v: { user: UserOnPage; session: string; complexity: PasswordComplexity; errors?: string[] },
): string {
  const t = ctx.t;
  const invalid = !!v.errors?.length;
  return layout(
    ctx,
    'title.passwordChange',
    `${who(ctx, v.user)}
<p class="intro">${h(t('intro.passwordChange'))}</p>
<form method="post" action="${LOGIN_BASE}/password/change" novalidate>${hiddenFields(ctx, { session: v.session })}
${errorBox(v.errors)}
${input('currentPassword', t('label.currentPassword'), 'type="password" autocomplete="current-password" required autofocus', invalid)}
${input('newPassword', t('label.newPassword'), 'type="password" autocomplete="new-password" required aria-describedby="complexity"', false)}
${complexityBox(t, v.complexity, 'newPassword')}
${input('confirmPassword', t('label.confirmPassword'), 'type="password" autocomplete="new-password" required', false)}
<div class="actions"><button type="submit" class="primary">${h(t('button.change'))}</button></div>
</form>`,
  );
}

export interface AccountOnPage extends UserOnPage {
  readonly session: string;
  readonly active: boolean;
}

export function accountsPage(ctx: PageContext, v: { accounts: AccountOnPage[] }): string {
  const t = ctx.t;
  return layout(
    ctx,
    'title.accounts',
    `<p class="intro">${h(t('intro.accounts'))}</p>
<form method="post" action="${LOGIN_BASE}/accounts">${hiddenFields(ctx)}
<ul class="accounts">${v.accounts
      .map(
        (a) =>
          `<li><button type="submit" name="session" value="${h(a.session)}"><strong>${h(a.displayName)}</strong><span>${h(shownLoginName(ctx, a))} · ${h(t(a.active ? 'account.active' : 'account.expired'))}</span></button></li>`,
      )
      .join('')}</ul>
</form>
<div class="actions"><a class="button secondary" href="${h(pageUrl('loginname', ctx.flow))}">${h(t('button.otherAccount'))}</a></div>`,
  );
}

export function signedInPage(ctx: PageContext, v: { user: UserOnPage }): string {
  const t = ctx.t;
  return layout(
    ctx,
    'title.signedIn',
    `${who(ctx, v.user)}<p class="intro">${h(t('intro.signedIn', { name: v.user.displayName }))}</p>
<div class="actions"><a class="button secondary" href="${LOGIN_BASE}/accounts">${h(t('title.accounts'))}</a><a class="button primary" href="${LOGIN_BASE}/logout">${h(t('button.logout'))}</a></div>`,
  );
}

export function logoutPage(ctx: PageContext, v: { accounts: UserOnPage[]; postLogout?: string }): string {
  const t = ctx.t;
  return layout(
    ctx,
    'title.logout',
    `<p class="intro">${h(t('intro.logout'))}</p>
${v.accounts.map((a) => who(ctx, a)).join('')}
<form method="post" action="${LOGIN_BASE}/logout">${hiddenFields(ctx, { post_logout_redirect: v.postLogout })}
<div class="actions"><button type="submit" class="primary">${h(t('button.logout'))}</button></div>
</form>`,
  );
}

export function messagePage(
  ctx: PageContext,
  titleKey: MessageKey,
  message: string,
  link?: { href: string; label: string },
): string {
  return layout(
    ctx,
    titleKey,
    `<p class="intro">${h(message)}</p>${link ? `<div class="actions"><a class="button primary" href="${h(link.href)}">${h(link.label)}</a></div>` : ''}`,
  );
}

export function errorPage(ctx: PageContext, message: string): string {
  return layout(ctx, 'title.error', `<div class="error" role="alert"><p>${h(message)}</p></div>`);
}

export function devicePage(ctx: PageContext, v: { userCode?: string; errors?: string[] }): string {
  const t = ctx.t;
  return layout(
    ctx,
    'title.device',
    `<p class="intro">${h(t('intro.device'))}</p>
<form method="post" action="${LOGIN_BASE}/device" novalidate>${hiddenFields(ctx)}
${errorBox(v.errors)}
${input('userCode', t('label.userCode'), `type="text" class="code" autocomplete="off" autocapitalize="characters" spellcheck="false" required autofocus value="${h(v.userCode)}"`, !!v.errors?.length)}
<div class="actions"><button type="submit" class="primary">${h(t('button.next'))}</button></div>
</form>`,
  );
}

export interface DeviceOnPage {
  readonly appName: string;
  readonly projectName: string;
  readonly scope: readonly string[];
}

function scopes(device: DeviceOnPage): string {
  return `<ul class="scopes">${device.scope.map((s) => `<li><code>${h(s)}</code></li>`).join('')}</ul>`;
}

export function deviceInfoPage(ctx: PageContext, v: { device: DeviceOnPage; next: string }): string {
  const t = ctx.t;
  return layout(
    ctx,
    'title.device',
    `<p class="intro">${h(t('intro.deviceSignIn', { app: v.device.appName, project: v.device.projectName }))}</p>${scopes(v.device)}
<div class="actions"><a class="button primary" href="${h(v.next)}">${h(t('button.signIn'))}</a></div>`,
  );
}

export function deviceConsentPage(
  ctx: PageContext,
  v: { device: DeviceOnPage; user: UserOnPage; session: string },
): string {
  const t = ctx.t;
  return layout(
    ctx,
    'title.deviceConsent',
    `${who(ctx, v.user)}
<p class="intro">${h(t('intro.deviceConsent', { app: v.device.appName, project: v.device.projectName }))}</p>${scopes(v.device)}
<form method="post" action="${LOGIN_BASE}/device/consent">${hiddenFields(ctx, { session: v.session })}
<div class="actions"><button type="submit" name="decision" value="deny" class="secondary">${h(t('button.deny'))}</button><button type="submit" name="decision" value="allow" class="primary">${h(t('button.allow'))}</button></div>
</form>`,
  );
}

// ---- SAML, password reset, registration, email verification, invitations, WebAuthn, set-up ----

/**
 * SAML HTTP-POST binding (bindings §3.5.4): a form to the SP's assertion consumer service. The
 * script posts it at once; without script the user presses Continue (no inline script: the CSP).
 */
export function samlPostPage(
  ctx: PageContext,
  v: { url: string; fields: Readonly<Record<string, string>>; appName?: string },
): string {
  const t = ctx.t;
  const fields = Object.entries(v.fields)
    .map(([k, value]) => `<input type="hidden" name="${h(k)}" value="${h(value)}">`)
    .join('');
  return layout(
    ctx,
    'title.samlPost',
    `<p class="intro">${h(t('intro.samlPost', { app: v.appName ?? new URL(v.url).host }))}</p>
<form method="post" action="${h(v.url)}" id="auto-post">${fields}
<div class="actions"><button type="submit" class="primary">${h(t('button.next'))}</button></div>
</form>`,
  );
}

export function passwordResetPage(
  ctx: PageContext,
  v: { user: UserOnPage; session: string; errors?: string[] },
): string {
  const t = ctx.t;
  return layout(
    ctx,
    'title.passwordReset',
    `${who(ctx, v.user)}
<p class="intro">${h(t('intro.passwordReset'))}</p>
${errorBox(v.errors)}
<form method="post" action="${LOGIN_BASE}/password/reset">${hiddenFields(ctx, { session: v.session })}
<div class="actions"><a class="button secondary" href="${h(pageUrl('password', ctx.flow, { session: v.session }))}">${h(t('button.back'))}</a><button type="submit" class="primary">${h(t('button.sendCode'))}</button></div>
</form>`,
  );
}

/** A new password with a code: the reset code (password/set) or an invitation code (invite). */
export function passwordSetPage(
  ctx: PageContext,
  v: {
    user?: UserOnPage;
    action: 'password/set' | 'invite';
    hidden: Record<string, string | undefined>;
    complexity: PasswordComplexity;
    code?: string;
    errors?: string[];
    invalid?: string[];
    resend?: boolean;
    intro?: MessageKey;
  },
): string {
  const t = ctx.t;
  const bad = (f: string) => !!v.invalid?.includes(f);
  return layout(
    ctx,
    v.action === 'invite' ? 'title.invite' : 'title.passwordSet',
    `${who(ctx, v.user)}
<p class="intro">${h(t(v.intro ?? (v.action === 'invite' ? 'intro.invite' : 'intro.passwordSet')))}</p>
<form method="post" action="${LOGIN_BASE}/${v.action}" novalidate>${hiddenFields(ctx, v.hidden)}
${v.user ? `<input type="text" name="username" autocomplete="username" value="${h(v.user.loginName)}" class="visually-hidden" tabindex="-1" aria-hidden="true" readonly>` : ''}
${errorBox(v.errors)}
${input('code', t('label.code'), `type="text" autocomplete="one-time-code" spellcheck="false" required${v.code ? '' : ' autofocus'} value="${h(v.code)}"`, bad('code'))}
${input('newPassword', t('label.newPassword'), `type="password" autocomplete="new-password" required aria-describedby="complexity"${v.code ? ' autofocus' : ''}`, bad('newPassword'))}
${complexityBox(t, v.complexity, 'newPassword')}
${input('confirmPassword', t('label.confirmPassword'), 'type="password" autocomplete="new-password" required', bad('confirmPassword'))}
<div class="actions"><button type="submit" class="primary">${h(t('button.setPassword'))}</button></div>
</form>
${v.resend ? `<form method="post" action="${LOGIN_BASE}/password/reset">${hiddenFields(ctx, v.hidden)}<button type="submit" class="secondary">${h(t('button.resend'))}</button></form>` : ''}`,
  );
}

export interface RegisterValues {
  readonly givenName?: string;
  readonly familyName?: string;
  readonly email?: string;
  readonly username?: string;
}

export function registerPage(
  ctx: PageContext,
  v: { values: RegisterValues; complexity: PasswordComplexity; errors?: string[]; invalid?: string[] },
): string {
  const t = ctx.t;
  const bad = (f: string) => !!v.invalid?.includes(f);
  const val = (f: keyof RegisterValues) => `value="${h(v.values[f])}"`;
  return layout(
    ctx,
    'title.register',
    `<p class="intro">${h(t('intro.register'))}</p>
<form method="post" action="${LOGIN_BASE}/register" novalidate>${hiddenFields(ctx)}
${errorBox(v.errors)}
${input('givenName', t('label.givenName'), `type="text" autocomplete="given-name" required autofocus ${val('givenName')}`, bad('givenName'))}
${input('familyName', t('label.familyName'), `type="text" autocomplete="family-name" required ${val('familyName')}`, bad('familyName'))}
${input('email', t('label.email'), `type="email" autocomplete="email" autocapitalize="none" spellcheck="false" required ${val('email')}`, bad('email'))}
${input('username', t('label.username'), `type="text" autocomplete="username" autocapitalize="none" spellcheck="false" aria-describedby="username-hint" ${val('username')}`, bad('username'))}
<p class="hint" id="username-hint">${h(t('hint.username'))}</p>
${input('newPassword', t('label.password'), 'type="password" autocomplete="new-password" required aria-describedby="complexity"', bad('newPassword'))}
${complexityBox(t, v.complexity, 'newPassword')}
${input('confirmPassword', t('label.confirmPassword'), 'type="password" autocomplete="new-password" required', bad('confirmPassword'))}
<div class="actions"><a class="button secondary" href="${h(pageUrl('loginname', ctx.flow))}">${h(t('link.haveAccount'))}</a><button type="submit" class="primary">${h(t('button.register'))}</button></div>
</form>`,
  );
}

export function verifyEmailPage(
  ctx: PageContext,
  v: { user: UserOnPage; email: string; session: string; errors?: string[] },
): string {
  const t = ctx.t;
  return layout(
    ctx,
    'title.verifyEmail',
    `${who(ctx, v.user)}
<p class="intro">${h(t('intro.verifyEmail', { email: v.email }))}</p>
<form method="post" action="${LOGIN_BASE}/verify" novalidate>${hiddenFields(ctx, { session: v.session, action: 'check' })}
${errorBox(v.errors)}
${input('code', t('label.code'), 'type="text" autocomplete="one-time-code" spellcheck="false" required autofocus', !!v.errors?.length)}
<div class="actions"><button type="submit" class="primary">${h(t('button.verify'))}</button></div>
</form>
<form method="post" action="${LOGIN_BASE}/verify">${hiddenFields(ctx, { session: v.session, action: 'send' })}<button type="submit" class="secondary">${h(t('button.resend'))}</button></form>`,
  );
}

/**
 * An email verification link's page: what it is for, and a button. Opening the link spends
 * nothing (mail scanners open links too); the button checks the code.
 */
export function verifyEmailLinkPage(
  ctx: PageContext,
  v: { hidden: Record<string, string>; errors?: string[] },
): string {
  const t = ctx.t;
  return layout(
    ctx,
    'title.verifyEmail',
    `<p class="intro">${h(t('intro.verifyEmailLink'))}</p>
<form method="post" action="${LOGIN_BASE}/verify">${hiddenFields(ctx, v.hidden)}
${errorBox(v.errors)}
<div class="actions"><button type="submit" class="primary" id="verify-link">${h(t('button.verify'))}</button></div>
</form>`,
  );
}

/**
 * A WebAuthn ceremony: the options from the server in a data attribute, the script runs
 * navigator.credentials.get()/create() and posts the credential JSON back in the form.
 */
function webAuthnForm(
  ctx: PageContext,
  v: {
    id: 'webauthn-get' | 'webauthn-create';
    action: string;
    options: unknown;
    hidden: Record<string, string | undefined>;
    button: MessageKey;
    failed: MessageKey;
    unsupported: MessageKey;
    errors?: string[];
  },
): string {
  const t = ctx.t;
  return `${errorBox(v.errors)}<div class="error" role="alert" id="webauthn-error" hidden></div>
<form method="post" action="${LOGIN_BASE}/${v.action}" id="${v.id}" data-options="${h(JSON.stringify(v.options))}" data-error="${h(t(v.failed))}" data-unsupported="${h(t(v.unsupported))}">${hiddenFields(ctx, v.hidden)}
<input type="hidden" name="credential" value="">
<noscript><p>${h(t('intro.needsScript'))}</p></noscript>
<div class="actions"><button type="button" class="primary" id="webauthn-start">${h(t(v.button))}</button></div>
</form>`;
}

/** The WebAuthn check: worded for a security key when that is all the user has (a second factor after the password). */
export function passkeyPage(
  ctx: PageContext,
  v: { user: UserOnPage; session: string; options: unknown; backUrl: string; securityKey: boolean; errors?: string[] },
): string {
  const t = ctx.t;
  return layout(
    ctx,
    v.securityKey ? 'title.securityKey' : 'title.passkey',
    `${who(ctx, v.user, pageUrl('loginname', ctx.flow))}
<p class="intro">${h(t(v.securityKey ? 'intro.securityKey' : 'intro.passkey'))}</p>
${webAuthnForm(ctx, { id: 'webauthn-get', action: 'passkey', options: v.options, hidden: { session: v.session }, button: v.securityKey ? 'button.useSecurityKey' : 'button.usePasskey', failed: 'error.passkeyFailed', unsupported: 'error.passkeyUnsupported', errors: v.errors })}
<ul class="links"><li><a href="${h(v.backUrl)}">${h(t('button.back'))}</a></li></ul>`,
  );
}

/** What the set-up pages register: an authenticator app, a passkey, or a security key (U2F) as a second factor. */
export type SetupChoice = 'totp' | WebAuthnKind;

/** The factors to set up; `skippable` when MFA is not forced (the optional prompt), with a Skip form. */
export function mfaSetupPage(
  ctx: PageContext,
  v: { user: UserOnPage; session: string; choices: SetupChoice[]; skippable: boolean },
): string {
  const t = ctx.t;
  const name: Record<SetupChoice, MessageKey> = { totp: 'mfa.totp', passkey: 'mfa.passkey', u2f: 'mfa.u2f' };
  const skip = v.skippable
    ? `<form method="post" action="${LOGIN_BASE}/mfa/skip">${hiddenFields(ctx, { session: v.session })}
<div class="actions"><button type="submit" class="secondary" id="mfa-skip">${h(t('button.skip'))}</button></div>
</form>`
    : '';
  return layout(
    ctx,
    'title.mfaSetup',
    `${who(ctx, v.user)}
<p class="intro">${h(t(v.skippable ? 'intro.mfaPrompt' : 'intro.mfaSetup'))}</p>
<ul class="choices">${v.choices.map((c) => `<li><a class="button" href="${h(pageUrl(`mfa/setup/${c}`, ctx.flow, { session: v.session }))}">${h(t(name[c]))}</a></li>`).join('')}</ul>
${skip}`,
  );
}

export function totpSetupPage(
  ctx: PageContext,
  v: { user: UserOnPage; session: string; uri: string; secret: string; qrSvg?: string; errors?: string[] },
): string {
  const t = ctx.t;
  return layout(
    ctx,
    'title.totpSetup',
    `${who(ctx, v.user)}
<p class="intro">${h(t('intro.totpSetup'))}</p>
${v.qrSvg ? `<div class="qr">${v.qrSvg}</div>` : ''}
<p class="label">${h(t('label.totpKey'))}</p><p><code class="secret" id="totp-secret">${h(v.secret.replace(/(.{4})/g, '$1 ').trim())}</code></p>
<details><summary>${h(t('label.totpUri'))}</summary><p><a href="${h(v.uri)}" class="uri" id="totp-uri">${h(v.uri)}</a></p></details>
<form method="post" action="${LOGIN_BASE}/mfa/setup/totp" novalidate>${hiddenFields(ctx, { session: v.session, uri: v.uri, secret: v.secret })}
${errorBox(v.errors)}
${input('code', t('label.code'), 'type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]*" maxlength="6" required', !!v.errors?.length)}
<div class="actions"><a class="button secondary" href="${h(pageUrl('mfa/setup', ctx.flow, { session: v.session }))}">${h(t('button.back'))}</a><button type="submit" class="primary">${h(t('button.verify'))}</button></div>
</form>`,
  );
}

/** The words of a WebAuthn set-up page, by what it registers. */
export const WEBAUTHN_SETUP_TEXT: Record<
  WebAuthnKind,
  { title: MessageKey; intro: MessageKey; button: MessageKey; failed: MessageKey; unsupported: MessageKey }
> = {
  passkey: {
    title: 'title.passkeySetup',
    intro: 'intro.passkeySetup',
    button: 'button.createPasskey',
    failed: 'error.passkeyFailed',
    unsupported: 'error.passkeyUnsupported',
  },
  u2f: {
    title: 'title.u2fSetup',
    intro: 'intro.u2fSetup',
    button: 'button.registerU2f',
    failed: 'error.u2fFailed',
    unsupported: 'error.u2fUnsupported',
  },
};

/**
 * Registers a passkey or a security key: navigator.credentials.create() with the options of the
 * registration started for the page. The form posts to the page that started it (the sign-in's
 * set-up with its session, or a registration link with its user), which names the registration.
 */
export function webAuthnSetupPage(
  ctx: PageContext,
  v: {
    kind: WebAuthnKind;
    user: UserOnPage;
    action: string;
    hidden: Record<string, string>;
    options: unknown;
    backUrl?: string;
    errors?: string[];
  },
): string {
  const t = ctx.t;
  const text = WEBAUTHN_SETUP_TEXT[v.kind];
  return layout(
    ctx,
    text.title,
    `${who(ctx, v.user)}
<p class="intro">${h(t(text.intro))}</p>
${webAuthnForm(ctx, { id: 'webauthn-create', action: v.action, options: v.options, hidden: v.hidden, button: text.button, failed: text.failed, unsupported: text.unsupported, errors: v.errors })}
${v.backUrl ? `<ul class="links"><li><a href="${h(v.backUrl)}">${h(t('button.back'))}</a></li></ul>` : ''}`,
  );
}

/** A registration link's passkey is kept: nothing more to do here than sign in with it. */
/**
 * A passkey registration link's first page: what the link is for, and a button. Opening the link
 * spends nothing (mail scanners open links too); the button starts the registration with the code.
 */
export function passkeyLinkPage(ctx: PageContext, v: { user: UserOnPage; hidden: Record<string, string> }): string {
  const t = ctx.t;
  return layout(
    ctx,
    'title.passkeySetup',
    `${who(ctx, v.user)}<p class="intro">${h(t('intro.passkeySetup'))}</p>
<form method="post" action="${LOGIN_BASE}/passkey/set">${hiddenFields(ctx, v.hidden)}
<div class="actions"><button type="submit" class="primary" id="passkey-link-start">${h(t('button.next'))}</button></div>
</form>`,
  );
}

export function passkeyAddedPage(ctx: PageContext, v: { user: UserOnPage }): string {
  const t = ctx.t;
  return layout(
    ctx,
    'title.passkeyAdded',
    `${who(ctx, v.user)}<p class="intro">${h(t('intro.passkeyAdded'))}</p>
<div class="actions"><a class="button primary" id="sign-in" href="${h(pageUrl('loginname', ctx.flow, { loginName: v.user.loginName }))}">${h(t('link.signIn'))}</a></div>`,
  );
}
