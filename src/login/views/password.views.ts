import type { PasswordComplexity } from '../../settings/password-policy.js';
import { LOGIN_BASE, pageUrl } from '../login-flow.js';
import type { MessageKey, Translate } from '../login.i18n.js';
import { errorBox, h, hiddenFields, input, layout, who, type PageContext, type UserOnPage } from './layout.js';

// Changing, resetting and setting a password (with a reset or an invitation code).

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
export function complexityBox(t: Translate, policy: PasswordComplexity, field: string): string {
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
