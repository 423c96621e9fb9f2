import { authenticationMethods } from './login-handoff.js';

const at = new Date('2026-01-01T00:00:00Z');

describe('authenticationMethods', () => {
  it('a password alone is one factor', () => {
    expect(authenticationMethods({ password: at })).toEqual({ amr: ['pwd'], multiFactor: false, firstFactor: true });
  });

  it('password and TOTP add up to MFA', () => {
    expect(authenticationMethods({ password: at, totp: at })).toEqual({ amr: ['pwd', 'otp', 'mfa'], multiFactor: true, firstFactor: true });
  });

  it('password and U2F add up to MFA', () => {
    expect(authenticationMethods({ password: at, webAuthn: at, webAuthnUserVerified: false })).toEqual({ amr: ['pwd', 'user', 'mfa'], multiFactor: true, firstFactor: true });
  });

  it('a passkey with user verification is a first factor and MFA on its own', () => {
    expect(authenticationMethods({ webAuthn: at, webAuthnUserVerified: true })).toEqual({ amr: ['user', 'mfa'], multiFactor: true, firstFactor: true });
  });

  it('U2F without a password proves nothing about who the user is', () => {
    expect(authenticationMethods({ webAuthn: at, webAuthnUserVerified: false }).firstFactor).toBe(false);
  });

  it('an OTP alone is not a first factor', () => {
    expect(authenticationMethods({ otpEmail: at })).toEqual({ amr: ['otp'], multiFactor: false, firstFactor: false });
  });
});
