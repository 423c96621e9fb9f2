import { LOGIN_BASE, pageUrl } from '../login-flow.js';
import type { PasswordComplexity } from '../../settings/password-policy.js';
import { complexityBox } from './password.views.js';
import { errorBox, h, hiddenFields, input, layout, who, type PageContext, type UserOnPage } from './layout.js';

// Self-registration and email verification (in the sign-in, and from a link).

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
