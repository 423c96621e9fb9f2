import { DomainError } from '../../platform/errors/domain-error.js';
import { isError } from '../../platform/errors/domain-error.js';
import { SESSION_ERRORS } from '../../sessions/sessions.errors.js';
import { allowedFactors, type PageFactor } from '../login-users.js';
import { pageUrl } from '../login-flow.js';
import { codePage, mfaChoosePage } from '../views/sign-in.views.js';
import type { PageRequest } from '../http/page-request.js';
import { PageKit } from './page-kit.js';

// One-time codes as a second factor (TOTP, SMS, email) and the choice between the user's factors.

export async function showCode(
  k: PageKit,
  r: PageRequest,
  factor: PageFactor,
  errors?: string[],
  status = 200,
): Promise<void> {
  const { session, view, user } = await k.sessionUser(r);
  const settings = await k.policies.loginSettings(r.instance.id, user.orgId);
  const others = allowedFactors(user, settings.secondFactors).filter((f) => f !== factor);
  return k.page(
    r,
    status,
    codePage(await k.context(r), {
      factor,
      user: k.shown(view.user!, user),
      session: session.id,
      errors,
      others,
    }),
  );
}

export async function submitCode(k: PageKit, r: PageRequest, factor: PageFactor): Promise<void> {
  const t = await k.t(r);
  const session = k.session(r);
  if (r.params.get('action') === 'send' && factor !== 'totp') {
    k.remember(r, await k.login.sendCode(r.caller, session, factor));
    return k.redirect(r, pageUrl(r.path.slice(1), r.flow, { session: session.id }));
  }
  const code = (r.params.get('code') ?? '').trim();
  if (!code) return showCode(k, r, factor, [t('error.required')], 400);
  try {
    const checked = await k.login.checkCode(r.caller, session, factor, code);
    k.remember(r, checked);
    return k.go(r, await k.login.advance(r.caller, r.flow, checked, true));
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    if (isError(err, SESSION_ERRORS.totpInvalid, SESSION_ERRORS.otpSmsInvalid, SESSION_ERRORS.otpEmailInvalid))
      return showCode(k, r, factor, await k.credentialErrors(r, err, 'otp'), 400);
    if (
      isError(
        err,
        SESSION_ERRORS.otpCodeExpired,
        SESSION_ERRORS.otpSmsNotChallenged,
        SESSION_ERRORS.otpEmailNotChallenged,
      )
    )
      return showCode(k, r, factor, [t('error.codeExpired')], 400);
    if (isError(err, SESSION_ERRORS.userLocked)) return showCode(k, r, factor, [t('error.locked')], 400);
    throw err;
  }
}

export async function showFactorChoice(k: PageKit, r: PageRequest): Promise<void> {
  const { session, view, user } = await k.sessionUser(r);
  const factors = allowedFactors(user, (await k.policies.loginSettings(r.instance.id, user.orgId)).secondFactors);
  return k.page(
    r,
    200,
    mfaChoosePage(await k.context(r), { user: k.shown(view.user!, user), session: session.id, factors }),
  );
}

export async function submitFactorChoice(k: PageKit, r: PageRequest): Promise<void> {
  const session = k.session(r);
  const { user } = await k.login.withUser(r.caller, session);
  const factors = allowedFactors(user, (await k.policies.loginSettings(r.instance.id, user.orgId)).secondFactors);
  const factor = factors.find((f) => f === r.params.get('factor'));
  if (!factor) return showFactorChoice(k, r);
  return k.go(r, await k.login.toFactor(r.caller, r.flow, session, factor, true));
}
