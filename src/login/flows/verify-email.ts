import { DomainError } from '../../platform/errors/domain-error.js';
import { isError } from '../../platform/errors/domain-error.js';
import { CODE_EXPIRED, CODE_INVALID, USER_ERRORS } from '../../users/users.errors.js';
import { pageUrl } from '../login-flow.js';
import { messagePage } from '../views/layout.js';
import { verifyEmailLinkPage, verifyEmailPage } from '../views/register.views.js';
import type { PageRequest } from '../http/page-request.js';
import { PageKit } from './page-kit.js';
import { linkProblem } from './page-errors.js';

// Email verification: with a code in the sign-in, or from the email's link.

export async function showVerifyEmail(k: PageKit, r: PageRequest, errors?: string[], status = 200): Promise<void> {
  const { view, user, session } = await k.signedIn(r);
  if (user.emailVerified) return k.go(r, await k.login.advance(r.caller, r.flow, session, false));
  return k.page(
    r,
    status,
    verifyEmailPage(await k.context(r), {
      user: k.shown(view.user!, user),
      email: user.email,
      session: session.id,
      errors,
    }),
  );
}

export async function submitVerifyEmail(k: PageKit, r: PageRequest): Promise<void> {
  const t = await k.t(r);
  const { user, session } = await k.signedIn(r);
  if (user.emailVerified) return k.go(r, await k.login.advance(r.caller, r.flow, session, true));
  if (r.params.get('action') === 'send') {
    await k.login.sendEmailCode(r.caller, user.id);
    return k.redirect(r, pageUrl('verify', r.flow, { session: session.id }));
  }
  const code = (r.params.get('code') ?? '').trim();
  if (!code) return showVerifyEmail(k, r, [t('error.required')], 400);
  try {
    await k.login.verifyEmail(r.caller, user.id, code);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    if (err.id === CODE_INVALID) return showVerifyEmail(k, r, [t('error.code')], 400);
    if (isError(err, CODE_EXPIRED, USER_ERRORS.noEmailCode))
      return showVerifyEmail(k, r, [t('error.codeExpired')], 400);
    throw err;
  }
  return k.go(r, await k.login.advance(r.caller, r.flow, session, true));
}

/** An email verification link: `/verify?userId=&code=`; the button (not opening the link) verifies. */
export async function showVerifyEmailLink(k: PageKit, r: PageRequest, errors?: string[], status = 200): Promise<void> {
  const user = await k.linkUser(r, 'error.verifyLink');
  return k.page(
    r,
    status,
    verifyEmailLinkPage(await k.context(r), {
      hidden: { userId: user.id, code: r.params.get('code') ?? '' },
      errors,
    }),
  );
}

export async function submitVerifyEmailLink(k: PageKit, r: PageRequest): Promise<void> {
  const t = await k.t(r);
  const user = await k.linkUser(r, 'error.verifyLink');
  try {
    await k.login.verifyEmail(r.caller, user.id, (r.params.get('code') ?? '').trim());
  } catch (err) {
    const key = linkProblem(err, 'error.verifyLink');
    if (key) return showVerifyEmailLink(k, r, [t(key)], 400);
    throw err;
  }
  return k.page(
    r,
    200,
    messagePage(await k.context(r), 'title.emailVerified', t('intro.emailVerified'), k.signInLink(r, user, t)),
  );
}
