import {
  authenticationMethods,
  methodsForPendingSteps,
  pendingStepsReason,
  sessionStanding,
  type SessionUserFacts,
} from './login-rules.js';

const at = new Date('2026-01-01T00:00:00Z');

describe('authenticationMethods', () => {
  it('a password alone is one factor', () => {
    expect(authenticationMethods({ password: at })).toEqual({ amr: ['pwd'], multiFactor: false, firstFactor: true });
  });

  it('password and TOTP add up to MFA', () => {
    expect(authenticationMethods({ password: at, totp: at })).toEqual({
      amr: ['pwd', 'otp', 'mfa'],
      multiFactor: true,
      firstFactor: true,
    });
  });

  it('password and U2F add up to MFA', () => {
    expect(authenticationMethods({ password: at, webAuthn: at, webAuthnUserVerified: false })).toEqual({
      amr: ['pwd', 'user', 'mfa'],
      multiFactor: true,
      firstFactor: true,
    });
  });

  it('a passkey with user verification is a first factor and MFA on its own', () => {
    expect(authenticationMethods({ webAuthn: at, webAuthnUserVerified: true })).toEqual({
      amr: ['user', 'mfa'],
      multiFactor: true,
      firstFactor: true,
    });
  });

  it('U2F without a password proves nothing about who the user is', () => {
    expect(authenticationMethods({ webAuthn: at, webAuthnUserVerified: false }).firstFactor).toBe(false);
  });

  it('an IdP intent alone is a first factor, and one factor', () => {
    expect(authenticationMethods({ intent: at })).toEqual({ amr: [], multiFactor: false, firstFactor: true });
  });

  it('an IdP intent and TOTP add up to MFA', () => {
    expect(authenticationMethods({ intent: at, totp: at })).toMatchObject({ multiFactor: true, firstFactor: true });
  });

  it('an OTP alone is not a first factor', () => {
    expect(authenticationMethods({ otpEmail: at })).toEqual({ amr: ['otp'], multiFactor: false, firstFactor: false });
  });
});

const noFactors: SessionUserFacts = {
  passwordChangeRequired: false,
  totp: false,
  otpSms: false,
  otpEmail: false,
  webAuthn: false,
};
const defaults = { forceMfa: false, forceMfaLocalOnly: false, secondFactors: ['otp', 'u2f'] as const };
const forced = { ...defaults, forceMfa: true };

describe('sessionStanding', () => {
  it.each([
    ['a user check alone proves nothing', {}, noFactors, defaults, 'first_factor'],
    ['an OTP alone proves nothing', { otpEmail: at }, noFactors, defaults, 'first_factor'],
    [
      'a password alone is refused when the login settings force MFA and the user has a factor',
      { password: at },
      { ...noFactors, totp: true },
      forced,
      'second_factor',
    ],
    [
      'a password alone is refused when the user has TOTP set up, even without forced MFA',
      { password: at },
      { ...noFactors, totp: true },
      defaults,
      'second_factor',
    ],
    [
      'a password alone is refused when the user has a security key and U2F is allowed',
      { password: at },
      { ...noFactors, webAuthn: true },
      defaults,
      'second_factor',
    ],
  ] as const)('%s', (_name, checks, user, settings, missing) => {
    expect(sessionStanding(checks, user, settings)).toMatchObject({ missing, pending: [] });
  });

  it('a factor the login settings do not allow demands nothing (the login cannot check it)', () => {
    expect(sessionStanding({ password: at }, { ...noFactors, otpSms: true }, defaults)).toEqual({
      amr: ['pwd'],
      multiFactor: false,
      pending: [],
    });
  });

  it("password and TOTP satisfy forced MFA and the user's TOTP", () => {
    expect(sessionStanding({ password: at, totp: at }, { ...noFactors, totp: true }, forced)).toEqual({
      amr: ['pwd', 'otp', 'mfa'],
      multiFactor: true,
      pending: [],
    });
  });

  it('a passkey with user verification satisfies forced MFA alone', () => {
    expect(
      sessionStanding({ webAuthn: at, webAuthnUserVerified: true }, { ...noFactors, webAuthn: true }, forced).missing,
    ).toBeUndefined();
  });

  it('forced MFA without any factor of the user leaves the set-up pending, not a full sign-in', () => {
    expect(sessionStanding({ password: at }, noFactors, forced)).toEqual({
      amr: ['pwd'],
      multiFactor: false,
      pending: ['mfa_setup'],
    });
  });

  it("forceMfaLocalOnly forces no set-up on a sign-in through an identity provider (ZITADEL's RequiresMFA)", () => {
    const localOnly = { ...defaults, forceMfaLocalOnly: true };
    expect(sessionStanding({ intent: at }, noFactors, localOnly)).toEqual({ amr: [], multiFactor: false, pending: [] });
    expect(sessionStanding({ password: at }, noFactors, localOnly).pending).toEqual(['mfa_setup']);
    // Forced for everyone, an external sign-in needs it too.
    expect(sessionStanding({ intent: at }, noFactors, forced).pending).toEqual(['mfa_setup']);
    // The user's own second factor is still asked for after an external sign-in.
    expect(sessionStanding({ intent: at }, { ...noFactors, totp: true }, localOnly).missing).toBe('second_factor');
  });

  it("a required password change is pending after everything else (ZITADEL's order)", () => {
    expect(sessionStanding({ password: at }, { ...noFactors, passwordChangeRequired: true }, defaults).pending).toEqual(
      ['password_change'],
    );
    expect(sessionStanding({ password: at }, { ...noFactors, passwordChangeRequired: true }, forced).pending).toEqual([
      'mfa_setup',
      'password_change',
    ]);
  });

  it("a password change does not skip the user's second factor", () => {
    expect(
      sessionStanding({ password: at }, { ...noFactors, totp: true, passwordChangeRequired: true }, defaults).missing,
    ).toBe('second_factor');
  });
});

describe('methodsForPendingSteps', () => {
  it('a pending password change allows SetPassword, GetUserByID and the session API (v2 and v2beta), nothing else', () => {
    const allowed = methodsForPendingSteps(['password_change']);
    for (const m of [
      'zitadel.user.v2.UserService/SetPassword',
      'zitadel.user.v2beta.UserService/SetPassword',
      'zitadel.user.v2.UserService/GetUserByID',
      'zitadel.session.v2.SessionService/GetSession',
    ]) {
      expect(allowed.has(m)).toBe(true);
    }
    for (const m of [
      'zitadel.org.v2.OrganizationService/AddOrganization',
      'zitadel.user.v2.UserService/RegisterTOTP',
      'zitadel.user.v2.UserService/SetEmail',
      'zitadel.oidc.v2.OIDCService/CreateCallback',
    ]) {
      expect(allowed.has(m)).toBe(false);
    }
  });

  it("a pending step allows its v1 auth twin (UpdateMyPassword, AddMyAuthFactorOTP…) and GetMyUser, not v1's other self-service", () => {
    const auth = (m: string) => `zitadel.auth.v1.AuthService/${m}`;
    const password = methodsForPendingSteps(['password_change']);
    expect(password.has(auth('UpdateMyPassword'))).toBe(true);
    expect(password.has(auth('GetMyUser'))).toBe(true);
    for (const m of ['SetMyEmail', 'UpdateMyProfile', 'AddMyAuthFactorOTP', 'RemoveMyUser', 'ListMyMemberships'])
      expect(password.has(auth(m))).toBe(false);
    const mfa = methodsForPendingSteps(['mfa_setup']);
    expect(mfa.has(auth('AddMyAuthFactorOTP'))).toBe(true);
    expect(mfa.has(auth('VerifyMyPasswordless'))).toBe(true);
    expect(mfa.has(auth('UpdateMyPassword'))).toBe(false);
    expect(mfa.has(auth('RemoveMyAuthFactorOTP'))).toBe(false);
  });

  it('a pending MFA set-up allows registering factors, not changing the password', () => {
    const allowed = methodsForPendingSteps(['mfa_setup']);
    expect(allowed.has('zitadel.user.v2.UserService/RegisterTOTP')).toBe(true);
    expect(allowed.has('zitadel.user.v2.UserService/SetPassword')).toBe(false);
    expect(pendingStepsReason(['mfa_setup', 'password_change'])).toMatch(
      /second factor.*and change the password|set up.*and change the password/,
    );
  });
});
