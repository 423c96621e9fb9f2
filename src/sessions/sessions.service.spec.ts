import { writesBesideSession } from './sessions.service.js';

describe('writesBesideSession', () => {
  it('is false for a new session with a user, password and TOTP check, whose checks ran before', () => {
    expect(writesBesideSession({}, {})).toBe(false);
    expect(writesBesideSession({ user: { kind: 'id', id: '1' }, password: 'x', totp: '123456' }, {})).toBe(false);
    expect(writesBesideSession({ user: { kind: 'id', id: '1' }, password: undefined, webAuthn: undefined }, {})).toBe(
      false,
    );
  });

  it.each([
    ['a WebAuthn assertion (its key counter)', { webAuthn: {} }],
    ['an IdP intent (used up)', { idpIntent: { id: 'i', token: 't' } }],
    ['an OTP SMS code (its tries)', { otpSms: '123456' }],
    ['an OTP email code (its tries)', { otpEmail: '123456' }],
  ])('is true with %s', (_, checks) => {
    expect(writesBesideSession({ user: { kind: 'id', id: '1' }, ...checks }, {})).toBe(true);
  });

  it.each([
    ['WebAuthn', { webAuthn: { domain: 'example.com', userVerification: 'required' as const } }],
    ['OTP SMS', { otpSms: { returnCode: true } }],
    ['OTP email', { otpEmail: { kind: 'return' as const } }],
  ])('is true with the %s challenge', (_, challenges) => {
    expect(writesBesideSession({ user: { kind: 'id', id: '1' } }, challenges)).toBe(true);
  });

  it('counts a check it does not know as writing', () => {
    expect(writesBesideSession({ unknown: 'x' } as never, {})).toBe(true);
  });
});
