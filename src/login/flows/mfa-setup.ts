import { DomainError } from '../../platform/errors/domain-error.js';
import { isError } from '../../platform/errors/domain-error.js';
import { mfaForced } from '../../settings/settings-rules.js';
import { MFA_ERRORS } from '../../users/mfa/mfa.errors.js';
import type { WebAuthnKind } from '../../users/mfa/webauthn-credentials.queries.js';
import { qrSvg } from '../login-qr.js';
import { setupChoices } from '../login-mfa-prompt.js';
import { LoginProblem } from '../login.service.js';
import { pageUrl } from '../login-flow.js';
import {
  WEBAUTHN_SETUP_TEXT,
  mfaSetupPage,
  totpSetupPage,
  webAuthnSetupPage,
  type SetupChoice,
} from '../views/webauthn.views.js';
import type { PageRequest } from '../http/page-request.js';
import { PageKit } from './page-kit.js';
import { WEBAUTHN_REGISTRATION_FAILED } from './page-errors.js';

// Second factor set-up: forced by the login settings, or offered with Skip (TOTP, passkey, security key).

/** The set-up pages serve a signed-in user without any second factor (forced MFA or the optional prompt). */
async function settingUp(k: PageKit, r: PageRequest, choice?: SetupChoice) {
  const found = await k.signedIn(r);
  if (found.user.hasAnySecondFactor) throw new LoginProblem('error.session');
  const choices = setupChoices(found.settings);
  if (!choices.length || (choice && !choices.includes(choice))) throw new LoginProblem('error.mfaSetup');
  return { ...found, choices };
}

export async function showMfaSetup(k: PageKit, r: PageRequest): Promise<void> {
  const { view, user, session, choices, settings } = await settingUp(k, r);
  const skippable = !mfaForced(settings);
  return k.page(
    r,
    200,
    mfaSetupPage(await k.context(r), {
      user: k.shown(view.user!, user),
      session: session.id,
      choices,
      skippable,
    }),
  );
}

/** Skip: recorded through the user service (as HumanMFAInitSkipped), then on as a completed sign-in goes. */
export async function submitMfaSkip(k: PageKit, r: PageRequest): Promise<void> {
  const { session, settings } = await settingUp(k, r);
  // A Skip form from before the settings forced MFA records nothing: advance sends the user back to the set-up.
  if (!mfaForced(settings)) await k.login.skipMfaSetup(r.caller, session);
  return k.go(r, await k.login.advance(r.caller, r.flow, session, true));
}

/**
 * Showing the page makes a new pending seed (a verified one is never replaced). After a wrong
 * code the same seed is shown again from the form (display only: the stored seed decides).
 */
export async function showTotpSetup(
  k: PageKit,
  r: PageRequest,
  errors?: string[],
  status = 200,
  shown?: { uri: string; secret: string },
): Promise<void> {
  const { view, user, session } = await settingUp(k, r, 'totp');
  const { uri, secret } = shown ?? (await k.login.registerTotp(r.caller, session));
  return k.page(
    r,
    status,
    totpSetupPage(await k.context(r), {
      user: k.shown(view.user!, user),
      session: session.id,
      uri,
      secret,
      qrSvg: qrSvg(uri, 'QR code'),
      errors,
    }),
  );
}

export async function submitTotpSetup(k: PageKit, r: PageRequest): Promise<void> {
  const t = await k.t(r);
  const { session } = await settingUp(k, r, 'totp');
  const code = (r.params.get('code') ?? '').trim();
  const uri = r.params.get('uri') ?? '';
  const secret = r.params.get('secret') ?? '';
  const shown = uri.startsWith('otpauth://totp/') && /^[A-Z2-7]{16,128}$/.test(secret) ? { uri, secret } : undefined;
  if (!code) return showTotpSetup(k, r, [t('error.required')], 400, shown);
  try {
    await k.login.verifyTotp(r.caller, session, code);
  } catch (err) {
    if (isError(err, MFA_ERRORS.totpCodeInvalid)) return showTotpSetup(k, r, [t('error.code')], 400, shown);
    if (isError(err, MFA_ERRORS.totpNotFound)) return showTotpSetup(k, r, [t('error.code')], 400);
    throw err;
  }
  // The code just shown proves the new factor for this sign-in too.
  let current = session;
  try {
    current = await k.login.checkCode(r.caller, session, 'totp', code);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
  }
  k.remember(r, current);
  return k.go(r, await k.login.advance(r.caller, r.flow, current, true));
}

/** A passkey or a security key (U2F): each showing starts a new registration (RegisterPasskey / RegisterU2F). */
export async function showWebAuthnSetup(
  k: PageKit,
  r: PageRequest,
  kind: WebAuthnKind,
  errors?: string[],
  status = 200,
): Promise<void> {
  const { view, user, session } = await settingUp(k, r, kind);
  const registration = await k.login.registerWebAuthn(r.caller, session, kind, k.rpDomain(r));
  return k.page(
    r,
    status,
    webAuthnSetupPage(await k.context(r), {
      kind,
      user: k.shown(view.user!, user),
      action: `mfa/setup/${kind}`,
      hidden: { session: session.id, registration: registration.id },
      options: registration.options,
      backUrl: pageUrl('mfa/setup', r.flow, { session: session.id }),
      errors,
    }),
  );
}

export async function submitWebAuthnSetup(k: PageKit, r: PageRequest, kind: WebAuthnKind): Promise<void> {
  const t = await k.t(r);
  const { session } = await settingUp(k, r, kind);
  try {
    const credential = JSON.parse(r.params.get('credential') ?? '');
    await k.login.verifyWebAuthn(
      r.caller,
      session,
      kind,
      r.params.get('registration') ?? '',
      credential,
      k.webAuthnName(r),
    );
  } catch (err) {
    if (err instanceof SyntaxError || isError(err, ...WEBAUTHN_REGISTRATION_FAILED))
      return showWebAuthnSetup(k, r, kind, [t(WEBAUTHN_SETUP_TEXT[kind].failed)], 400);
    throw err;
  }
  // Registering is not a check: the sign-in's WebAuthn page (passkey or security key, after the
  // password a second factor) proves the new credential on the session, then the flow goes on.
  return k.redirect(r, pageUrl('passkey', r.flow, { session: session.id }));
}
