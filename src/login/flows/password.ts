import { DomainError } from '../../platform/errors/domain-error.js';
import { isError } from '../../platform/errors/domain-error.js';
import { SESSION_ERRORS } from '../../sessions/sessions.errors.js';
import { pageUrl } from '../login-flow.js';
import { passwordPage } from '../views/sign-in.views.js';
import type { PageRequest } from '../http/page-request.js';
import { linkPendingIdp } from './idp.js';
import { PageKit } from './page-kit.js';
import { problemKey } from './page-errors.js';

// The password step (the first factor), also for an unknown login name when those are ignored.

export async function showPassword(k: PageKit, r: PageRequest, errors?: string[], status = 200): Promise<void> {
  const loginName = r.params.get('loginName');
  if (!r.params.get('session') && loginName) {
    return k.page(
      r,
      status,
      passwordPage(await k.context(r), { user: { displayName: loginName, loginName }, loginName, errors }),
    );
  }
  const { session, view, user } = await k.sessionUser(r);
  const settings = await k.policies.loginSettings(r.instance.id, user.orgId);
  const resetUrl =
    settings.hidePasswordReset || !user.email ? undefined : pageUrl('password/reset', r.flow, { session: session.id });
  const passkeyUrl =
    settings.passkeysType === 'allowed' && user.webAuthn.includes('passkey')
      ? pageUrl('passkey', r.flow, { session: session.id })
      : undefined;
  return k.page(
    r,
    status,
    passwordPage(await k.context(r), {
      user: k.shown(view.user!, user),
      session: session.id,
      errors,
      resetUrl,
      passkeyUrl,
    }),
  );
}

export async function submitPassword(k: PageKit, r: PageRequest): Promise<void> {
  const t = await k.t(r);
  const password = r.params.get('password') ?? '';
  if (!password) return showPassword(k, r, [t('error.required')], 400);
  const loginName = r.params.get('loginName');
  try {
    if (!r.params.get('session') && loginName) {
      const session = await k.login.startWithPassword(r.caller, loginName, password, k.userAgent(r));
      k.remember(r, session);
      return k.go(r, await k.login.advance(r.caller, r.flow, session, true));
    }
    const checked = await k.login.checkPassword(r.caller, k.session(r), password);
    k.remember(r, checked);
    // The account the person chose to link an upstream identity to has proven itself: link it now.
    const session = await linkPendingIdp(k, r, checked);
    return k.go(r, await k.login.advance(r.caller, r.flow, session, true));
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    if (err.id === SESSION_ERRORS.passwordInvalid) {
      if (!r.params.get('session')) return showPassword(k, r, [t('error.credentials')], 400);
      return showPassword(k, r, await k.credentialErrors(r, err, 'password'), 400);
    }
    if (isError(err, SESSION_ERRORS.userLocked, SESSION_ERRORS.userNotActive, SESSION_ERRORS.passwordNotSet))
      return showPassword(k, r, [t(problemKey(err)!)], 400);
    throw err;
  }
}
