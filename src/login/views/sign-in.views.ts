import { idpButtons, type IdpOnPage } from './idp.views.js';
import { LOGIN_BASE, pageUrl } from '../login-flow.js';
import type { MessageKey } from '../login.i18n.js';
import type { PageFactor } from '../login-users.js';
import {
  errorBox,
  h,
  hiddenFields,
  input,
  layout,
  shownLoginName,
  who,
  type PageContext,
  type UserOnPage,
} from './layout.js';

// Login name, password, one-time codes, the account list, sign-out and the SAML POST hand-over.

export function loginNamePage(
  ctx: PageContext,
  v: { loginName?: string; appName?: string; errors?: string[]; registerUrl?: string; idps?: readonly IdpOnPage[] },
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
</form>
${idpButtons(ctx, v.idps ?? [])}`,
  );
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
