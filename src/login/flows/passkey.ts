import { DomainError } from '../../platform/errors/domain-error.js';
import { isError } from '../../platform/errors/domain-error.js';
import { SESSION_ERRORS } from '../../sessions/sessions.errors.js';
import { pageUrl } from '../login-flow.js';
import { passkeyPage } from '../views/webauthn.views.js';
import type { PageRequest } from '../http/page-request.js';
import { PageKit } from './page-kit.js';
import { showPassword } from './password.js';

// The WebAuthn check: a passkey alone (passwordless) or, after the password, a passkey or security key as a second factor.

export async function showPasskey(k: PageKit, r: PageRequest, errors?: string[], status = 200): Promise<void> {
  const t = await k.t(r);
  const { session, view, user } = await k.sessionUser(r);
  const settings = await k.policies.loginSettings(r.instance.id, user.orgId);
  // Alone (passwordless) it must verify the user; after a password it is a second factor.
  const passwordless = !view.passwordCheckedAt;
  if (passwordless && settings.passkeysType !== 'allowed') return showPassword(k, r);
  let challenged;
  try {
    challenged = await k.login.webAuthnChallenge(
      r.caller,
      session,
      k.rpDomain(r),
      passwordless ? 'required' : 'discouraged',
    );
  } catch (err) {
    if (isError(err, SESSION_ERRORS.webAuthnNoCredentials, SESSION_ERRORS.relyingPartyInvalid))
      return showPassword(k, r, [t('error.noPasskey')], 400);
    throw err;
  }
  k.remember(r, challenged.session);
  const backUrl = passwordless ? pageUrl('password', r.flow, { session: session.id }) : pageUrl('loginname', r.flow);
  const securityKey = !passwordless && user.webAuthn.length > 0 && user.webAuthn.every((kind) => kind === 'u2f');
  return k.page(
    r,
    status,
    passkeyPage(await k.context(r), {
      user: k.shown(view.user!, user),
      session: session.id,
      options: challenged.options,
      backUrl,
      securityKey,
      errors,
    }),
  );
}

export async function submitPasskey(k: PageKit, r: PageRequest): Promise<void> {
  const t = await k.t(r);
  const session = k.session(r);
  let credential;
  try {
    credential = JSON.parse(r.params.get('credential') ?? '');
  } catch {
    return showPasskey(k, r, [t('error.passkeyFailed')], 400);
  }
  try {
    const checked = await k.login.checkWebAuthn(r.caller, session, credential);
    k.remember(r, checked);
    return k.go(r, await k.login.advance(r.caller, r.flow, checked, true));
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    if (
      err.kind === 'InvalidArgument' ||
      isError(
        err,
        SESSION_ERRORS.webAuthnAssertionInvalid,
        SESSION_ERRORS.webAuthnNotChallenged,
        SESSION_ERRORS.webAuthnChallengeExpired,
      )
    )
      return showPasskey(k, r, [t('error.passkeyFailed')], 400);
    throw err;
  }
}
