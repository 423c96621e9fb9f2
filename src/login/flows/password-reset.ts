import { DomainError } from '../../platform/errors/domain-error.js';
import { isError } from '../../platform/errors/domain-error.js';
import { CODE_EXPIRED, CODE_INVALID, USER_ERRORS } from '../../users/users.errors.js';
import { CREDENTIAL_ERRORS } from '../../users/credentials/credentials.errors.js';
import type { MessageKey } from '../login.i18n.js';
import { pageUrl } from '../login-flow.js';
import { messagePage } from '../views/layout.js';
import { passwordResetPage, passwordSetPage } from '../views/password.views.js';
import type { PageRequest } from '../http/page-request.js';
import { PageKit } from './page-kit.js';
import { linkProblem, problemKey } from './page-errors.js';

// Password reset: the code by email, then a new password with it (in the sign-in, or from the email's link).

export async function showPasswordReset(k: PageKit, r: PageRequest, errors?: string[], status = 200): Promise<void> {
  const { session, view, user } = await k.sessionUser(r);
  if ((await k.policies.loginSettings(r.instance.id, user.orgId)).hidePasswordReset) return k.notFound(r);
  return k.page(
    r,
    status,
    passwordResetPage(await k.context(r), {
      user: k.shown(view.user!, user),
      session: session.id,
      errors,
    }),
  );
}

/** Sends the reset code by email (a POST: a GET never sends anything), then asks for it. */
export async function submitPasswordReset(k: PageKit, r: PageRequest): Promise<void> {
  const t = await k.t(r);
  const session = k.session(r);
  const { user } = await k.login.withUser(r.caller, session);
  if ((await k.policies.loginSettings(r.instance.id, user.orgId)).hidePasswordReset) return k.notFound(r);
  try {
    await k.login.requestPasswordReset(r.caller, user.id);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const key: MessageKey | undefined = isError(err, CREDENTIAL_ERRORS.noEmailForReset)
      ? 'error.noEmail'
      : isError(err, CREDENTIAL_ERRORS.notInitialised)
        ? 'error.notInitialised'
        : problemKey(err);
    if (key) return showPasswordReset(k, r, [t(key)], 400);
    throw err;
  }
  return k.redirect(r, pageUrl('password/set', r.flow, { session: session.id }));
}

export async function showPasswordSet(
  k: PageKit,
  r: PageRequest,
  errors?: string[],
  invalid?: string[],
  status = 200,
): Promise<void> {
  const { session, view, user } = await k.sessionUser(r);
  const complexity = await k.login.complexity(r.caller, user.orgId);
  return k.page(
    r,
    status,
    passwordSetPage(await k.context(r), {
      user: k.shown(view.user!, user),
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

export async function submitPasswordSet(k: PageKit, r: PageRequest): Promise<void> {
  const t = await k.t(r);
  const session = k.session(r);
  const { user } = await k.login.withUser(r.caller, session);
  const { code, password: next, problem } = await k.codeAndNewPassword(r, t, user.orgId);
  if (problem) return showPasswordSet(k, r, problem.errors, problem.invalid, 400);
  try {
    await k.login.setPasswordWithCode(r.caller, user.id, code, next);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    if (err.id === CODE_INVALID) return showPasswordSet(k, r, [t('error.code')], ['code'], 400);
    if (err.id === CODE_EXPIRED) return showPasswordSet(k, r, [t('error.codeExpired')], ['code'], 400);
    if (err.id === USER_ERRORS.passwordTooWeak)
      return showPasswordSet(k, r, [t('error.passwordWeak')], ['newPassword'], 400);
    throw err;
  }
  // The new password is the first factor of this sign-in.
  const checked = await k.login.checkPassword(r.caller, session, next);
  k.remember(r, checked);
  return k.go(r, await k.login.advance(r.caller, r.flow, checked, true));
}

/** A password reset link: `/password/set?userId=&code=`, the code filled in; then sign in with the new password. */
export async function showPasswordSetLink(
  k: PageKit,
  r: PageRequest,
  errors?: string[],
  invalid?: string[],
  status = 200,
): Promise<void> {
  const user = await k.linkUser(r, 'error.resetLink');
  const complexity = await k.login.complexity(r.caller, user.orgId);
  return k.page(
    r,
    status,
    passwordSetPage(await k.context(r), {
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

export async function submitPasswordSetLink(k: PageKit, r: PageRequest): Promise<void> {
  const t = await k.t(r);
  const user = await k.linkUser(r, 'error.resetLink');
  const { code, password: next, problem } = await k.codeAndNewPassword(r, t, user.orgId);
  if (problem) return showPasswordSetLink(k, r, problem.errors, problem.invalid, 400);
  try {
    await k.login.setPasswordWithCode(r.caller, user.id, code, next);
  } catch (err) {
    const key = linkProblem(err, 'error.resetLink');
    if (key) return showPasswordSetLink(k, r, [t(key)], ['code'], 400);
    throw err;
  }
  return k.page(
    r,
    200,
    messagePage(await k.context(r), 'title.passwordChanged', t('intro.passwordChanged'), k.signInLink(r, user, t)),
  );
}
