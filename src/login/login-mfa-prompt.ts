import type { LoginSettings } from '../settings/policies.queries.js';
import { mfaForced } from '../settings/settings-rules.js';
import type { LoginUser } from './login-users.js';
import type { SetupChoice } from './views/webauthn.views.js';

/**
 * The second factors the set-up pages can register, as the login settings allow them: an
 * authenticator app for OTP, a security key for U2F, and a passkey only where passkeys are allowed
 * (a passkey also signs in alone, which a U2F-only setting does not permit).
 */
export function setupChoices(settings: Pick<LoginSettings, 'secondFactors' | 'passkeysType'>): SetupChoice[] {
  const choices: SetupChoice[] = [];
  if (settings.secondFactors.includes('otp')) choices.push('totp');
  if (settings.secondFactors.includes('u2f')) choices.push('u2f');
  if (settings.passkeysType === 'allowed') choices.push('passkey');
  return choices;
}

/**
 * ZITADEL's optional MFA set-up prompt (`mfaChecked` / `mfaSkippedOrSetUp` of its auth requests): when
 * MFA is not forced, a user without any second factor or passkey is offered the set-up after the
 * first factor, with Skip, unless they skipped it less than `mfaInitSkipLifetime` ago. A lifetime
 * of 0 turns the prompt off; with nothing the settings let the pages set up, there is no prompt.
 */
export function offerMfaSetup(
  settings: Pick<
    LoginSettings,
    'forceMfa' | 'forceMfaLocalOnly' | 'mfaInitSkipLifetimeMs' | 'secondFactors' | 'passkeysType'
  >,
  user: Pick<LoginUser, 'hasAnySecondFactor' | 'mfaInitSkippedAt'>,
  now: Date,
): boolean {
  if (
    mfaForced(settings) ||
    user.hasAnySecondFactor ||
    settings.mfaInitSkipLifetimeMs <= 0 ||
    !setupChoices(settings).length
  )
    return false;
  return !user.mfaInitSkippedAt || now.getTime() - user.mfaInitSkippedAt.getTime() >= settings.mfaInitSkipLifetimeMs;
}
