import type { LoginSettings } from '../settings/policies.queries.js';
import { bridgedMethodPaths } from '../platform/rpc/bridged-methods.js';
import { mfaForced } from '../settings/settings-rules.js';

/**
 * The login rules a session is judged by, wherever it is used: as a Bearer token on the API, and
 * when it finishes an OIDC, device or SAML login (CreateCallback and friends). Pure, no I/O.
 */

/** When each factor was checked on the session (null or absent: never). */
export interface SessionChecks {
  readonly password?: Date | null;
  readonly intent?: Date | null;
  readonly webAuthn?: Date | null;
  readonly webAuthnUserVerified?: boolean;
  readonly totp?: Date | null;
  readonly otpSms?: Date | null;
  readonly otpEmail?: Date | null;
}

/** The amr values and factor count of a session's checks. */
export function authenticationMethods(checks: SessionChecks): {
  amr: string[];
  multiFactor: boolean;
  firstFactor: boolean;
} {
  const amr = new Set<string>();
  let factors = 0;
  if (checks.password) amr.add('pwd'), factors++;
  if (checks.intent) factors++;
  if (checks.webAuthn) {
    amr.add('user');
    // A passkey with user verification is two factors on its own (possession + knowledge/biometric).
    factors += checks.webAuthnUserVerified ? 2 : 1;
  }
  if (checks.totp || checks.otpSms || checks.otpEmail) amr.add('otp'), factors++;
  if (factors > 1) amr.add('mfa');
  const firstFactor = !!checks.password || !!checks.intent || (!!checks.webAuthn && !!checks.webAuthnUserVerified);
  return { amr: [...amr], multiFactor: factors > 1, firstFactor };
}

/** What the rules need to know of the session's user. */
export interface SessionUserFacts {
  readonly passwordChangeRequired: boolean;
  /** The user's ready second factors: TOTP, OTP by SMS or email, any WebAuthn credential. */
  readonly totp: boolean;
  readonly otpSms: boolean;
  readonly otpEmail: boolean;
  readonly webAuthn: boolean;
}

/**
 * A step the user must take before the session counts as a sign-in: setting up the second factor
 * the login settings force, or the password change an admin or the bootstrap asked for. Until
 * then the session may only take that step.
 */
export type PendingStep = 'mfa_setup' | 'password_change';

export interface SessionStanding {
  readonly amr: string[];
  readonly multiFactor: boolean;
  /**
   * What the session lacks to prove its user at all: no first factor, or a second factor the
   * settings force or the user has configured was not checked. Such a session authenticates nothing.
   */
  readonly missing?: 'first_factor' | 'second_factor';
  /** Steps still to take (empty for a full sign-in), in the order the login takes them. */
  readonly pending: readonly PendingStep[];
}

/**
 * Whether the user has a second factor the login settings let the login check (U2F covers every
 * WebAuthn credential, as the login pages' second-factor step does).
 */
export function hasUsableSecondFactor(user: SessionUserFacts, settings: Pick<LoginSettings, 'secondFactors'>): boolean {
  const allowed = settings.secondFactors;
  return (
    (user.totp && allowed.includes('otp')) ||
    (user.otpSms && allowed.includes('otpSms')) ||
    (user.otpEmail && allowed.includes('otpEmail')) ||
    (user.webAuthn && allowed.includes('u2f'))
  );
}

/**
 * ZITADEL's login steps, in its order: a first factor (password, IdP, or a passkey with user
 * verification); then a second factor when the settings force one or the user has one set up
 * (a forced one the user does not have yet is a pending set-up; forceMfaLocalOnly forces none on
 * a sign-in through an identity provider); then the pending password change.
 */
export function sessionStanding(
  checks: SessionChecks,
  user: SessionUserFacts,
  settings: Pick<LoginSettings, 'forceMfa' | 'forceMfaLocalOnly' | 'secondFactors'>,
): SessionStanding {
  const { amr, multiFactor, firstFactor } = authenticationMethods(checks);
  if (!firstFactor) return { amr, multiFactor, missing: 'first_factor', pending: [] };
  const pending: PendingStep[] = [];
  if (!multiFactor) {
    if (hasUsableSecondFactor(user, settings)) return { amr, multiFactor, missing: 'second_factor', pending: [] };
    // A sign-in through an identity provider is external: forceMfaLocalOnly does not force it.
    if (mfaForced(settings, !!checks.intent)) pending.push('mfa_setup');
  }
  if (user.passwordChangeRequired) pending.push('password_change');
  return { amr, multiFactor, pending };
}

const userMethods = (...names: string[]) => bridgedMethodPaths('user', 'UserService', names);
/** ZITADEL's v1 self-service twins of the same steps (its console and login v1 take them there). */
const authMethods = (...names: string[]) => names.map((name) => `zitadel.auth.v1.AuthService/${name}`);
const SESSION_API = bridgedMethodPaths('session', 'SessionService', [
  'CreateSession',
  'SetSession',
  'GetSession',
  'ListSessions',
  'DeleteSession',
]);

/**
 * What a session with pending steps may call (as `package.Service/Method`): its own user, the
 * session API, and what each step needs. The callee's own checks keep each to the session's user,
 * since such a session carries none of the user's roles.
 */
const STEP_METHODS: Readonly<Record<PendingStep, readonly string[]>> = {
  password_change: [...userMethods('SetPassword'), ...authMethods('UpdateMyPassword')],
  mfa_setup: userMethods(
    'RegisterTOTP',
    'VerifyTOTPRegistration',
    'RegisterU2F',
    'VerifyU2FRegistration',
    'RegisterPasskey',
    'VerifyPasskeyRegistration',
    'AddOTPSMS',
    'AddOTPEmail',
    'ListAuthenticationMethodTypes',
  ).concat(
    authMethods(
      'AddMyAuthFactorOTP',
      'VerifyMyAuthFactorOTP',
      'AddMyAuthFactorU2F',
      'VerifyMyAuthFactorU2F',
      'AddMyPasswordless',
      'VerifyMyPasswordless',
      'AddMyAuthFactorOTPSMS',
      'AddMyAuthFactorOTPEmail',
      'ListMyAuthFactors',
    ),
  ),
};
const ALWAYS = [...userMethods('GetUserByID'), ...authMethods('GetMyUser'), ...SESSION_API];

/** The methods a session with these pending steps may call. */
export function methodsForPendingSteps(pending: readonly PendingStep[]): ReadonlySet<string> {
  return new Set([...ALWAYS, ...pending.flatMap((step) => STEP_METHODS[step])]);
}

/** Why a session is limited, in the words an API client reads in the error. */
export function pendingStepsReason(pending: readonly PendingStep[]): string {
  const what = pending.map((step) =>
    step === 'password_change' ? 'change the password' : 'set up the second factor the login settings require',
  );
  return `the session's user must first ${what.join(' and ')}`;
}
