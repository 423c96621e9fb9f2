import {
  AlreadyExists,
  FailedPrecondition,
  InvalidArgument,
  NotFound,
  invalidField,
} from '../../platform/errors/domain-error.js';

// ZITADEL's ids are noted beside ours where the meaning is the same.

export const notHuman = () => FailedPrecondition('MFA-hum4n', 'second factors and passkeys are only for human users');

/** COMMAND-do9se */
export const totpAlreadyReady = () =>
  AlreadyExists('MFA-t0tp1', 'TOTP is already set up for this user; remove it first');
/** COMMAND-3Mif9s, COMMAND-Hd9sd */
export const TOTP_NOT_FOUND_ID = 'MFA-t0tp2';
export const totpNotFound = () => NotFound(TOTP_NOT_FOUND_ID, 'the user has no TOTP registration');
/** COMMAND-qx4ls */
export const totpAlreadyVerified = () => FailedPrecondition('MFA-t0tp3', 'the TOTP registration is already verified');
/** EVENT-8isk2 */
export const TOTP_CODE_INVALID_ID = 'MFA-t0tp4';
export const totpCodeInvalid = () => invalidField(TOTP_CODE_INVALID_ID, 'code', 'the code is invalid');

export const totpSecretInvalid = (field: string) =>
  invalidField('MFA-t0tp5', field, 'must be a base32 TOTP seed of at least 80 bits');

/** COMMAND-Ad3g2, COMMAND-MKL2s */
export const otpAlreadyAdded = (channel: 'sms' | 'email') =>
  AlreadyExists(
    channel === 'sms' ? 'MFA-0tp5a' : 'MFA-0tpea',
    `OTP ${channel === 'sms' ? 'SMS' : 'email'} is already added`,
  );
/** COMMAND-Q54j2, COMMAND-KLJ2d */
export const otpContactNotVerified = (channel: 'sms' | 'email') =>
  channel === 'sms'
    ? FailedPrecondition('MFA-0tp5p', 'OTP SMS needs a verified phone number')
    : FailedPrecondition('MFA-0tpep', 'OTP email needs a verified email address');
/** COMMAND-Sr3h3, COMMAND-b312D */
export const otpNotAdded = (channel: 'sms' | 'email') =>
  NotFound(channel === 'sms' ? 'MFA-0tp5n' : 'MFA-0tpen', `OTP ${channel === 'sms' ? 'SMS' : 'email'} is not added`);

/** COMMAND-DAfb2 */
export const WEBAUTHN_NOT_FOUND_ID = 'MFA-w4n0f';
export const webAuthnNotFound = (what: string) => NotFound(WEBAUTHN_NOT_FOUND_ID, `${what} not found`);
export const WEBAUTHN_ALREADY_VERIFIED_ID = 'MFA-w4rdy';
export const webAuthnAlreadyVerified = (what: string) =>
  FailedPrecondition(WEBAUTHN_ALREADY_VERIFIED_ID, `the ${what} is already verified`);
export const WEBAUTHN_REGISTRATION_EXPIRED_ID = 'MFA-w4exp';
export const webAuthnChallengeExpired = (what: string) =>
  FailedPrecondition(WEBAUTHN_REGISTRATION_EXPIRED_ID, `the ${what} registration has expired; register it again`);
export const WEBAUTHN_CREDENTIAL_INVALID_ID = 'MFA-w4inv';
export const webAuthnCredentialInvalid = (field: string, reason: string) =>
  invalidField(WEBAUTHN_CREDENTIAL_INVALID_ID, field, reason);
export const WEBAUTHN_CREDENTIAL_TAKEN_ID = 'MFA-w4dup';
export const webAuthnCredentialTaken = () =>
  AlreadyExists(WEBAUTHN_CREDENTIAL_TAKEN_ID, 'this authenticator credential is already registered');
export const relyingPartyInvalid = (domain: string) =>
  invalidField('MFA-rp1d0', 'domain', `"${domain}" is neither a domain of this instance nor a parent domain of one`);

export const noEmailForLink = () =>
  FailedPrecondition('MFA-3ma1l', 'the user has no email address to send the registration link to');
export const urlTemplateInvalid = (reason: string) =>
  InvalidArgument('MFA-url7p', `invalid send_link.url_template: ${reason}`, [
    { field: 'send_link.url_template', description: reason },
  ]);
