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

export const sessionNotFound = () => NotFound('SESSION-n0t4d', 'session not found');
/** COMMAND-sGr42: a session_token that is not the session's current one (or no such session). */
export const sessionTokenInvalid = () => PermissionDenied('SESSION-t0k3n', 'the session token is invalid');
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
export const sessionExpired = () => FailedPrecondition('SESSION-3xp1r', 'the session has expired');
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
export const userNotFound = () => NotFound('SESSION-us3rn', 'user not found');
/** COMMAND-SFA3t (Errors.User.Locked) */
export const userLocked = () => FailedPrecondition('SESSION-l0ck3', 'the user is locked');
export const userNotActive = () => FailedPrecondition('SESSION-1n4ct', 'the user or its organization is not active');
/** COMMAND-WEf3t (Errors.User.Password.NotSet) */
export const passwordNotSet = () => FailedPrecondition('SESSION-pw0n0', 'the user has no password');
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
export const otpNotChallenged = (channel: 'sms' | 'email') =>
  FailedPrecondition(
    channel === 'sms' ? 'SESSION-0tp5c' : 'SESSION-0tpec',
    `no OTP ${channel === 'sms' ? 'SMS' : 'email'} code was requested for this session (challenges.otp_${channel})`,
  );
export const otpCodeExpired = (field: string) =>
  invalidField('SESSION-0tp3x', field, 'the code has expired; request a new one');
/** COMMAND-Ioqu5 (Errors.Session.WebAuthN.NoChallenge) */
export const webAuthnNotChallenged = () =>
  FailedPrecondition('SESSION-w4nch', 'no WebAuthn challenge was requested for this session (challenges.web_auth_n)');
export const webAuthnChallengeExpired = () =>
  FailedPrecondition('SESSION-w4n3x', 'the WebAuthn challenge has expired; request a new one');
export const webAuthnNoCredentials = () =>
  FailedPrecondition('SESSION-w4n0c', 'the user has no passkey or security key for this domain and user verification');
export const webAuthnAssertionInvalid = (reason: string) =>
  invalidField('SESSION-w4inv', 'checks.web_auth_n.credential_assertion_data', reason);
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
export function credentialsInvalid(
  kind: 'password' | 'totp' | 'otpSms' | 'otpEmail',
  failedAttempts: number | undefined,
): DomainError {
  const [id, field, message] = {
    password: ['SESSION-pw1nv', 'checks.password.password', 'the password is invalid'],
    totp: ['SESSION-t0tp1', 'checks.totp.code', 'the code is invalid'],
    otpSms: ['SESSION-0tp51', 'checks.otp_sms.code', 'the code is invalid'],
    otpEmail: ['SESSION-0tpe1', 'checks.otp_email.code', 'the code is invalid'],
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
