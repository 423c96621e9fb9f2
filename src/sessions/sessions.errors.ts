import { create } from '@bufbuild/protobuf';
import { CredentialsCheckErrorSchema } from '@zitadel/proto/zitadel/message_pb.js';
import {
  DomainError,
  FailedPrecondition,
  InvalidArgument,
  NotFound,
  PermissionDenied,
  Unauthenticated,
  invalidField,
  errorIds,
} from '../platform/errors/domain-error.js';

// ZITADEL's ids are noted beside ours where the meaning is the same.

/** Stable ids of these errors, for matching a caught one: `isError(err, SESSION_ERRORS.sessionNotFound)`. */
export const SESSION_ERRORS = errorIds({
  sessionNotFound: 'SESSION-n0t4d',
  relyingPartyInvalid: 'SESSION-rp1d0',
  sessionTokenInvalid: 'SESSION-t0k3n',
  sessionWriteDenied: 'SESSION-d3n13',
  otpReturnDenied: 'SESSION-0tpr7',
  sessionExpired: 'SESSION-3xp1r',
  userChangeNotPossible: 'SESSION-us3rc',
  userMissing: 'SESSION-n0us3',
  userNotFound: 'SESSION-us3rn',
  userLocked: 'SESSION-l0ck3',
  userNotActive: 'SESSION-1n4ct',
  passwordNotSet: 'SESSION-pw0n0',
  intentOtherUser: 'SESSION-1dp0u',
  totpNotReady: 'SESSION-t0tp0',
  otpSmsNotEnabled: 'SESSION-0tp5n',
  otpEmailNotEnabled: 'SESSION-0tpen',
  otpSmsNotChallenged: 'SESSION-0tp5c',
  otpEmailNotChallenged: 'SESSION-0tpec',
  otpCodeExpired: 'SESSION-0tp3x',
  webAuthnNotChallenged: 'SESSION-w4nch',
  webAuthnChallengeExpired: 'SESSION-w4n3x',
  webAuthnNoCredentials: 'SESSION-w4n0c',
  webAuthnAssertionInvalid: 'SESSION-w4inv',
  noUserAgentOfCaller: 'SESSION-u4fp0',
  metadataKeyBlank: 'SESSION-m3t4k',
  sessionTokenNotAccepted: 'SESSION-b34r0',
  passwordInvalid: 'SESSION-pw1nv',
  totpInvalid: 'SESSION-t0tp1',
  otpSmsInvalid: 'SESSION-0tp51',
  otpEmailInvalid: 'SESSION-0tpe1',
  loginSessionNotAuthenticated: 'LOGIN-n0auth',
  loginSessionTooOld: 'LOGIN-m4x4g',
  loginFreshSignInRequired: 'LOGIN-f0rc3',
  loginMfaRequired: 'LOGIN-mf4rq',
  loginPasswordChangeRequired: 'LOGIN-pwchg',
  loginLinkDenied: 'LOGIN-l1nk0',
});
const E = SESSION_ERRORS;

export const sessionNotFound = () => NotFound(E.sessionNotFound, 'session not found');
/** COMMAND-sGr42: a session_token that is not the session's current one (or no such session). */
export const sessionTokenInvalid = () => PermissionDenied(E.sessionTokenInvalid, 'the session token is invalid');
export const sessionWriteDenied = (permission: string) =>
  PermissionDenied(E.sessionWriteDenied, `no permission: ${permission} required`);
/** COMMAND-asEG4 / Errors.Session.Expired */
export const OTP_RETURN_DENIED_ID = E.otpReturnDenied;
/** A returned OTP code proves no phone or mailbox: only a login client may have it handed back. */
export const otpReturnDenied = (field: string) =>
  PermissionDenied(
    OTP_RETURN_DENIED_ID,
    `${field}: having the code returned instead of sent requires session.write on the user's organization (a login client); ask for it to be sent`,
  );
export const sessionExpired = () => FailedPrecondition(E.sessionExpired, 'the session has expired');
/** "user change not possible" */
export const userChangeNotPossible = () =>
  invalidField(
    E.userChangeNotPossible,
    'checks.user',
    'the session belongs to another user; the user of a session cannot change',
  );
/** COMMAND-Sfw3f, COMMAND-eeR2e (Errors.User.UserIDMissing) */
export const userMissing = (field: string) =>
  FailedPrecondition(E.userMissing, `${field} needs a user: check the user first (checks.user)`);
/** Errors.User.NotFound */
export const userNotFound = () => NotFound(E.userNotFound, 'user not found');
/** COMMAND-SFA3t (Errors.User.Locked) */
export const userLocked = () => FailedPrecondition(E.userLocked, 'the user is locked');
export const userNotActive = () => FailedPrecondition(E.userNotActive, 'the user or its organization is not active');
/** COMMAND-WEf3t (Errors.User.Password.NotSet) */
export const passwordNotSet = () => FailedPrecondition(E.passwordNotSet, 'the user has no password');
/** COMMAND-O8xk3w (Errors.Intent.OtherUser): the intent signed in someone other than the session's user. */
export const intentOtherUser = () =>
  FailedPrecondition(E.intentOtherUser, 'checks.idp_intent: the intent belongs to another user');
/** Errors.User.MFA.OTP.NotReady */
export const totpNotReady = () => FailedPrecondition(E.totpNotReady, 'the user has no verified TOTP');
export const otpNotEnabled = (channel: 'sms' | 'email') =>
  FailedPrecondition(
    channel === 'sms' ? E.otpSmsNotEnabled : E.otpEmailNotEnabled,
    `OTP ${channel === 'sms' ? 'SMS' : 'email'} is not enabled for the user`,
  );
/** Errors.User.Code.NotFound: a check without a challenge before it. */
export const otpNotChallenged = (channel: 'sms' | 'email') =>
  FailedPrecondition(
    channel === 'sms' ? E.otpSmsNotChallenged : E.otpEmailNotChallenged,
    `no OTP ${channel === 'sms' ? 'SMS' : 'email'} code was requested for this session (challenges.otp_${channel})`,
  );
export const otpCodeExpired = (field: string) =>
  invalidField(E.otpCodeExpired, field, 'the code has expired; request a new one');
/** COMMAND-Ioqu5 (Errors.Session.WebAuthN.NoChallenge) */
export const webAuthnNotChallenged = () =>
  FailedPrecondition(
    E.webAuthnNotChallenged,
    'no WebAuthn challenge was requested for this session (challenges.web_auth_n)',
  );
export const webAuthnChallengeExpired = () =>
  FailedPrecondition(E.webAuthnChallengeExpired, 'the WebAuthn challenge has expired; request a new one');
export const webAuthnNoCredentials = () =>
  FailedPrecondition(
    E.webAuthnNoCredentials,
    'the user has no passkey or security key for this domain and user verification',
  );
export const webAuthnAssertionInvalid = (reason: string) =>
  invalidField(E.webAuthnAssertionInvalid, 'checks.web_auth_n.credential_assertion_data', reason);
export const noUserAgentOfCaller = () =>
  InvalidArgument(
    E.noUserAgentOfCaller,
    'user_agent_query without fingerprint_id needs a caller authenticated by a session with a user agent fingerprint',
    [{ field: 'user_agent_query.fingerprint_id', description: 'the call has no user agent; set a fingerprint id' }],
  );
export const metadataKeyBlank = (field: string) =>
  invalidField(E.metadataKeyBlank, field, 'metadata keys must not be blank');
export const SESSION_TOKEN_NOT_ACCEPTED_ID = E.sessionTokenNotAccepted;
export const sessionTokenNotAccepted = (reason: string) =>
  Unauthenticated(SESSION_TOKEN_NOT_ACCEPTED_ID, `the session token is not accepted: ${reason}`);

/**
 * A failed password or one-time code check, as ZITADEL reports it (COMMAND-452ad, Errors.User.Password.Invalid;
 * Errors.User.Code.Invalid): INVALID_ARGUMENT, with a `zitadel.v1.CredentialsCheckError` detail
 * carrying the failed attempts so far when the lockout policy shows them.
 */
export function credentialsInvalid(
  kind: 'password' | 'totp' | 'otpSms' | 'otpEmail',
  failedAttempts: number | undefined,
): DomainError {
  const [id, field, message] = {
    password: [E.passwordInvalid, 'checks.password.password', 'the password is invalid'],
    totp: [E.totpInvalid, 'checks.totp.code', 'the code is invalid'],
    otpSms: [E.otpSmsInvalid, 'checks.otp_sms.code', 'the code is invalid'],
    otpEmail: [E.otpEmailInvalid, 'checks.otp_email.code', 'the code is invalid'],
  }[kind];
  const details =
    failedAttempts === undefined
      ? []
      : [
          {
            desc: CredentialsCheckErrorSchema,
            value: create(CredentialsCheckErrorSchema, { id, message, failedAttempts }),
          },
        ];
  return new DomainError('InvalidArgument', id, message, [{ field, description: message }], details);
}

// The hand-off of a session to an OIDC or SAML login (login-handoff.ts).
export const LOGIN_NOT_AUTHENTICATED_ID = E.loginSessionNotAuthenticated;
export const LOGIN_TOO_OLD_ID = E.loginSessionTooOld;
export const LOGIN_MFA_REQUIRED_ID = E.loginMfaRequired;
export const LOGIN_PASSWORD_CHANGE_ID = E.loginPasswordChangeRequired;
export const LOGIN_LINK_DENIED_ID = E.loginLinkDenied;

export const loginSessionNotAuthenticated = () =>
  FailedPrecondition(
    LOGIN_NOT_AUTHENTICATED_ID,
    'the session has not verified a password, passkey or identity provider yet',
  );
export const loginSessionTooOld = () =>
  FailedPrecondition(
    LOGIN_TOO_OLD_ID,
    'the session was authenticated longer ago than the request allows (max_age); check a factor again',
  );
export const loginFreshSignInRequired = () =>
  FailedPrecondition(
    E.loginFreshSignInRequired,
    'the service provider asked for a fresh sign-in (ForceAuthn): check a factor on the session again',
  );
export const loginMfaRequired = () =>
  FailedPrecondition(
    LOGIN_MFA_REQUIRED_ID,
    "the login settings or the user's own second factors require a second factor: check TOTP, OTP, U2F or a passkey on the session first (or set one up)",
  );
export const loginPasswordChangeRequired = () =>
  FailedPrecondition(
    LOGIN_PASSWORD_CHANGE_ID,
    'the user must change the password before the session can finish a login',
  );
export const loginLinkDenied = () =>
  PermissionDenied(
    LOGIN_LINK_DENIED_ID,
    'no permission to read or finish logins: session.link on the instance (role IAM_LOGIN_CLIENT) required',
  );
