import type { WebAuthnKind } from '../../users/mfa/webauthn-credentials.queries.js';
import { LOGIN_BASE, pageUrl } from '../login-flow.js';
import type { MessageKey } from '../login.i18n.js';
import { errorBox, h, hiddenFields, input, layout, who, type PageContext, type UserOnPage } from './layout.js';

// Passkey and security key checks, second factor set-up, and passkey registration links.

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

/** A registration link's passkey is kept: nothing more to do here than sign in with it. */

export function passkeyAddedPage(ctx: PageContext, v: { user: UserOnPage }): string {
  const t = ctx.t;
  return layout(
    ctx,
    'title.passkeyAdded',
    `${who(ctx, v.user)}<p class="intro">${h(t('intro.passkeyAdded'))}</p>
<div class="actions"><a class="button primary" id="sign-in" href="${h(pageUrl('loginname', ctx.flow, { loginName: v.user.loginName }))}">${h(t('link.signIn'))}</a></div>`,
  );
}
