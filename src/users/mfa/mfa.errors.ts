import {
  AlreadyExists,
  FailedPrecondition,
  InvalidArgument,
  NotFound,
  invalidField,
  errorIds,
} from '../../platform/errors/domain-error.js';

// ZITADEL's ids are noted beside ours where the meaning is the same.

/** Stable ids of these errors, for matching a caught one: `isError(err, MFA_ERRORS.notHuman)`. */
export const MFA_ERRORS = errorIds({
  notHuman: 'MFA-hum4n',
  totpAlreadyReady: 'MFA-t0tp1',
  totpNotFound: 'MFA-t0tp2',
  totpAlreadyVerified: 'MFA-t0tp3',
  totpCodeInvalid: 'MFA-t0tp4',
  totpSecretInvalid: 'MFA-t0tp5',
  otpSmsAlreadyAdded: 'MFA-0tp5a',
  otpEmailAlreadyAdded: 'MFA-0tpea',
  otpSmsContactNotVerified: 'MFA-0tp5p',
  otpEmailContactNotVerified: 'MFA-0tpep',
  otpSmsNotAdded: 'MFA-0tp5n',
  otpEmailNotAdded: 'MFA-0tpen',
  webAuthnNotFound: 'MFA-w4n0f',
  webAuthnAlreadyVerified: 'MFA-w4rdy',
  webAuthnChallengeExpired: 'MFA-w4exp',
  webAuthnCredentialInvalid: 'MFA-w4inv',
  webAuthnCredentialTaken: 'MFA-w4dup',
  relyingPartyInvalid: 'MFA-rp1d0',
  noEmailForLink: 'MFA-3ma1l',
  urlTemplateInvalid: 'MFA-url7p',
});
const E = MFA_ERRORS;

export const notHuman = () => FailedPrecondition(E.notHuman, 'second factors and passkeys are only for human users');

/** COMMAND-do9se */
export const totpAlreadyReady = () =>
  AlreadyExists(E.totpAlreadyReady, 'TOTP is already set up for this user; remove it first');
/** COMMAND-3Mif9s, COMMAND-Hd9sd */
export const totpNotFound = () => NotFound(E.totpNotFound, 'the user has no TOTP registration');
/** COMMAND-qx4ls */
export const totpAlreadyVerified = () =>
  FailedPrecondition(E.totpAlreadyVerified, 'the TOTP registration is already verified');
/** EVENT-8isk2 */
export const totpCodeInvalid = () => invalidField(E.totpCodeInvalid, 'code', 'the code is invalid');

export const totpSecretInvalid = (field: string) =>
  invalidField(E.totpSecretInvalid, field, 'must be a base32 TOTP seed of at least 80 bits');

/** COMMAND-Ad3g2, COMMAND-MKL2s */
export const otpAlreadyAdded = (channel: 'sms' | 'email') =>
  AlreadyExists(
    channel === 'sms' ? E.otpSmsAlreadyAdded : E.otpEmailAlreadyAdded,
    `OTP ${channel === 'sms' ? 'SMS' : 'email'} is already added`,
  );
/** COMMAND-Q54j2, COMMAND-KLJ2d */
export const otpContactNotVerified = (channel: 'sms' | 'email') =>
  channel === 'sms'
    ? FailedPrecondition(E.otpSmsContactNotVerified, 'OTP SMS needs a verified phone number')
    : FailedPrecondition(E.otpEmailContactNotVerified, 'OTP email needs a verified email address');
/** COMMAND-Sr3h3, COMMAND-b312D */
export const otpNotAdded = (channel: 'sms' | 'email') =>
  NotFound(
    channel === 'sms' ? E.otpSmsNotAdded : E.otpEmailNotAdded,
    `OTP ${channel === 'sms' ? 'SMS' : 'email'} is not added`,
  );

/** COMMAND-DAfb2 */
export const webAuthnNotFound = (what: string) => NotFound(E.webAuthnNotFound, `${what} not found`);
export const webAuthnAlreadyVerified = (what: string) =>
  FailedPrecondition(E.webAuthnAlreadyVerified, `the ${what} is already verified`);
export const webAuthnChallengeExpired = (what: string) =>
  FailedPrecondition(E.webAuthnChallengeExpired, `the ${what} registration has expired; register it again`);
export const webAuthnCredentialInvalid = (field: string, reason: string) =>
  invalidField(E.webAuthnCredentialInvalid, field, reason);
export const webAuthnCredentialTaken = () =>
  AlreadyExists(E.webAuthnCredentialTaken, 'this authenticator credential is already registered');
export const relyingPartyInvalid = (domain: string) =>
  invalidField(
    E.relyingPartyInvalid,
    'domain',
    `"${domain}" is neither a domain of this instance nor a parent domain of one`,
  );

export const noEmailForLink = () =>
  FailedPrecondition(E.noEmailForLink, 'the user has no email address to send the registration link to');
export const urlTemplateInvalid = (reason: string) =>
  InvalidArgument(E.urlTemplateInvalid, `invalid send_link.url_template: ${reason}`, [
    { field: 'send_link.url_template', description: reason },
  ]);
