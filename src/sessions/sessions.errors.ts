import { create } from '@bufbuild/protobuf';
import { CredentialsCheckErrorSchema } from '@zitadel/proto/zitadel/message_pb.js';
import {
  DomainError,
  FailedPrecondition,
  InvalidArgument,
  NotFound,
  PermissionDenied,
  Unauthenticated,
  Unimplemented,
  invalidField,
} from '../platform/errors/domain-error.js';

// ZITADEL's ids are noted beside ours where the meaning is the same.

export const SESSION_NOT_FOUND_ID = 'SESSION-n0t4d';
export const sessionNotFound = () => NotFound(SESSION_NOT_FOUND_ID, 'session not found');
/** COMMAND-sGr42: a session_token that is not the session's current one (or no such session). */
export const SESSION_TOKEN_INVALID_ID = 'SESSION-t0k3n';
export const sessionTokenInvalid = () => PermissionDenied(SESSION_TOKEN_INVALID_ID, 'the session token is invalid');
export const sessionWriteDenied = (permission: string) =>
  PermissionDenied('SESSION-d3n13', `no permission: ${permission} required`);
/** COMMAND-asEG4 / Errors.Session.Expired */
export const OTP_RETURN_DENIED_ID = 'SESSION-0tpr7';
/** A returned OTP code proves no phone or mailbox: only a login client may have it handed back. */
export const otpReturnDenied = (field: string) =>
  PermissionDenied(
    OTP_RETURN_DENIED_ID,
    `${field}: having the code returned instead of sent requires session.write on the user's organization (a login client); ask for it to be sent`,
  );
export const SESSION_EXPIRED_ID = 'SESSION-3xp1r';
export const sessionExpired = () => FailedPrecondition(SESSION_EXPIRED_ID, 'the session has expired');
/** "user change not possible" */
export const userChangeNotPossible = () =>
  invalidField(
    'SESSION-us3rc',
    'checks.user',
    'the session belongs to another user; the user of a session cannot change',
  );
/** COMMAND-Sfw3f, COMMAND-eeR2e (Errors.User.UserIDMissing) */
export const userMissing = (field: string) =>
  FailedPrecondition('SESSION-n0us3', `${field} needs a user: check the user first (checks.user)`);
/** Errors.User.NotFound */
export const USER_NOT_FOUND_ID = 'SESSION-us3rn';
export const userNotFound = () => NotFound(USER_NOT_FOUND_ID, 'user not found');
/** COMMAND-SFA3t (Errors.User.Locked) */
export const USER_LOCKED_ID = 'SESSION-l0ck3';
export const userLocked = () => FailedPrecondition(USER_LOCKED_ID, 'the user is locked');
export const USER_NOT_ACTIVE_ID = 'SESSION-1n4ct';
export const userNotActive = () => FailedPrecondition(USER_NOT_ACTIVE_ID, 'the user or its organization is not active');
/** COMMAND-WEf3t (Errors.User.Password.NotSet) */
export const PASSWORD_NOT_SET_ID = 'SESSION-pw0n0';
export const passwordNotSet = () => FailedPrecondition(PASSWORD_NOT_SET_ID, 'the user has no password');
export const intentNotSupported = () =>
  Unimplemented(
    'SESSION-1dp00',
    'checks.idp_intent is not supported yet (it arrives with the external identity provider issue)',
  );
/** Errors.User.MFA.OTP.NotReady */
export const totpNotReady = () => FailedPrecondition('SESSION-t0tp0', 'the user has no verified TOTP');
export const otpNotEnabled = (channel: 'sms' | 'email') =>
  FailedPrecondition(
    channel === 'sms' ? 'SESSION-0tp5n' : 'SESSION-0tpen',
    `OTP ${channel === 'sms' ? 'SMS' : 'email'} is not enabled for the user`,
  );
/** Errors.User.Code.NotFound: a check without a challenge before it. */
export const OTP_NOT_CHALLENGED_ID = { sms: 'SESSION-0tp5c', email: 'SESSION-0tpec' } as const;
export const otpNotChallenged = (channel: 'sms' | 'email') =>
  FailedPrecondition(
    OTP_NOT_CHALLENGED_ID[channel],
    `no OTP ${channel === 'sms' ? 'SMS' : 'email'} code was requested for this session (challenges.otp_${channel})`,
  );
export const OTP_CODE_EXPIRED_ID = 'SESSION-0tp3x';
export const otpCodeExpired = (field: string) =>
  invalidField(OTP_CODE_EXPIRED_ID, field, 'the code has expired; request a new one');
/** COMMAND-Ioqu5 (Errors.Session.WebAuthN.NoChallenge) */
export const WEBAUTHN_NOT_CHALLENGED_ID = 'SESSION-w4nch';
export const webAuthnNotChallenged = () =>
  FailedPrecondition(
    WEBAUTHN_NOT_CHALLENGED_ID,
    'no WebAuthn challenge was requested for this session (challenges.web_auth_n)',
  );
export const WEBAUTHN_CHALLENGE_EXPIRED_ID = 'SESSION-w4n3x';
export const webAuthnChallengeExpired = () =>
  FailedPrecondition(WEBAUTHN_CHALLENGE_EXPIRED_ID, 'the WebAuthn challenge has expired; request a new one');
export const WEBAUTHN_NO_CREDENTIALS_ID = 'SESSION-w4n0c';
export const webAuthnNoCredentials = () =>
  FailedPrecondition(
    WEBAUTHN_NO_CREDENTIALS_ID,
    'the user has no passkey or security key for this domain and user verification',
  );
export const WEBAUTHN_ASSERTION_INVALID_ID = 'SESSION-w4inv';
/** A challenge domain that is not the instance's (or a parent of one): no relying party id to ask for. */
export const RELYING_PARTY_INVALID_ID = 'SESSION-rp1d0';
export const webAuthnAssertionInvalid = (reason: string) =>
  invalidField(WEBAUTHN_ASSERTION_INVALID_ID, 'checks.web_auth_n.credential_assertion_data', reason);
export const noUserAgentOfCaller = () =>
  InvalidArgument(
    'SESSION-u4fp0',
    'user_agent_query without fingerprint_id needs a caller authenticated by a session with a user agent fingerprint',
    [{ field: 'user_agent_query.fingerprint_id', description: 'the call has no user agent; set a fingerprint id' }],
  );
export const metadataKeyBlank = (field: string) =>
  invalidField('SESSION-m3t4k', field, 'metadata keys must not be blank');
export const SESSION_TOKEN_NOT_ACCEPTED_ID = 'SESSION-b34r0';
export const sessionTokenNotAccepted = (reason: string) =>
  Unauthenticated(SESSION_TOKEN_NOT_ACCEPTED_ID, `the session token is not accepted: ${reason}`);

/**
 * A failed password or one-time code check, as ZITADEL reports it (COMMAND-452ad, Errors.User.Password.Invalid;
 * Errors.User.Code.Invalid): INVALID_ARGUMENT, with a `zitadel.v1.CredentialsCheckError` detail
 * carrying the failed attempts so far when the lockout policy shows them.
 */
export const CREDENTIALS_INVALID_ID = {
  password: 'SESSION-pw1nv',
  totp: 'SESSION-t0tp1',
  otpSms: 'SESSION-0tp51',
  otpEmail: 'SESSION-0tpe1',
} as const;
export function credentialsInvalid(
  kind: 'password' | 'totp' | 'otpSms' | 'otpEmail',
  failedAttempts: number | undefined,
): DomainError {
  const id = CREDENTIALS_INVALID_ID[kind];
  const [field, message] = {
    password: ['checks.password.password', 'the password is invalid'],
    totp: ['checks.totp.code', 'the code is invalid'],
    otpSms: ['checks.otp_sms.code', 'the code is invalid'],
    otpEmail: ['checks.otp_email.code', 'the code is invalid'],
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
