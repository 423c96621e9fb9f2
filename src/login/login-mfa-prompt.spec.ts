import { DEFAULT_LOGIN_SETTINGS, type LoginSettings } from '../settings/policies.queries.js';
import { mfaForced } from '../settings/settings-rules.js';
import { offerMfaSetup, setupChoices } from './login-mfa-prompt.js';

const HOUR = 60 * 60 * 1000;
const now = new Date('2026-06-01T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
/** MFA not forced, skips last a day, TOTP and passkeys may be set up. */
const settings: LoginSettings = {
  ...DEFAULT_LOGIN_SETTINGS,
  forceMfa: false,
  forceMfaLocalOnly: false,
  mfaInitSkipLifetimeMs: 24 * HOUR,
};
const bare = { hasAnySecondFactor: false, mfaInitSkippedAt: null };

describe('offerMfaSetup', () => {
  it.each([
    ['never skipped', true, {}, bare],
    ['skipped within the lifetime', false, {}, { ...bare, mfaInitSkippedAt: ago(23 * HOUR) }],
    ['skipped exactly a lifetime ago', true, {}, { ...bare, mfaInitSkippedAt: ago(24 * HOUR) }],
    ['skipped longer ago than the lifetime', true, {}, { ...bare, mfaInitSkippedAt: ago(25 * HOUR) }],
    ['the user has a second factor or passkey', false, {}, { ...bare, hasAnySecondFactor: true }],
    ['a lifetime of 0 turns the prompt off', false, { mfaInitSkipLifetimeMs: 0 }, bare],
    ['MFA is forced (the forced set-up applies, without Skip)', false, { forceMfa: true }, bare],
    ['MFA is forced for local users', false, { forceMfaLocalOnly: true }, bare],
    ['nothing may be set up', false, { secondFactors: [], passkeysType: 'notAllowed' }, bare],
    ['only U2F may be set up', true, { secondFactors: ['u2f'], passkeysType: 'notAllowed' }, bare],
  ] as const)('%s -> %s', (_case, want, change, user) => {
    expect(offerMfaSetup({ ...settings, ...change }, user, now)).toBe(want);
  });
});

describe('mfaForced and setupChoices', () => {
  it('forceMfa or forceMfaLocalOnly force MFA', () => {
    expect([
      mfaForced(settings),
      mfaForced({ ...settings, forceMfa: true }),
      mfaForced({ ...settings, forceMfaLocalOnly: true }),
    ]).toEqual([false, true, true]);
  });

  it.each([
    ['TOTP for otp', ['otp'], 'notAllowed', ['totp']],
    ['a security key for u2f, no passkey when passkeys are not allowed', ['u2f'], 'notAllowed', ['u2f']],
    ['a passkey when passkeys are allowed, whatever the second factors', ['otpEmail'], 'allowed', ['passkey']],
    ['a security key and a passkey when both are allowed', ['u2f'], 'allowed', ['u2f', 'passkey']],
    ['all three', ['otp', 'u2f'], 'allowed', ['totp', 'u2f', 'passkey']],
    ['nothing for OTP by SMS or email alone (no set-up pages for them)', ['otpSms', 'otpEmail'], 'notAllowed', []],
  ] as const)('offers %s', (_case, secondFactors, passkeysType, want) => {
    expect(setupChoices({ secondFactors: [...secondFactors], passkeysType })).toEqual(want);
  });
});
