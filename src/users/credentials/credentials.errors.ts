import {
  FailedPrecondition,
  NotFound,
  PermissionDenied,
  invalidField,
  errorIds,
} from '../../platform/errors/domain-error.js';

/** Stable ids of these errors, for matching a caught one: `isError(err, CREDENTIAL_ERRORS.patNotFound)`. */
export const CREDENTIAL_ERRORS = errorIds({
  patNotFound: 'CRED-p4tnf',
  keyNotFound: 'CRED-k3ynf',
  noSecret: 'CRED-s3cnx',
  newPasswordMissing: 'CRED-pw0nw',
  wrongCurrentPassword: 'CRED-pw1nv',
  noPasswordYet: 'CRED-pw0st',
  passwordUnchanged: 'CRED-pw5m3',
  passwordNeedsVerification: 'CRED-pw4dm',
  resetCodeReturnDenied: 'CRED-pw5rc',
  notInitialised: 'CRED-1n1t0',
  noEmailForReset: 'CRED-n0m4l',
  noPhoneForReset: 'CRED-n0ph0',
});
const E = CREDENTIAL_ERRORS;

export const patNotFound = () => NotFound(E.patNotFound, 'personal access token not found');
export const keyNotFound = () => NotFound(E.keyNotFound, 'key not found');
export const noSecret = () => FailedPrecondition(E.noSecret, 'the user has no client secret');

export const newPasswordMissing = () => invalidField(E.newPasswordMissing, 'new_password.password', 'is required');
export const wrongCurrentPassword = () =>
  invalidField(E.wrongCurrentPassword, 'current_password', 'is not the current password');
export const noPasswordYet = () =>
  FailedPrecondition(E.noPasswordYet, 'the user has no password yet, so there is no current password to check');
export const passwordUnchanged = () =>
  FailedPrecondition(E.passwordUnchanged, 'the new password must differ from the current one');
/** A user may change their own password only by proving it (current password or reset code). */
export const passwordNeedsVerification = () =>
  PermissionDenied(
    E.passwordNeedsVerification,
    "setting a password without the current password or a verification code requires user.write on the user's organization",
  );
/** A returned reset code is a password change without proof: only user managers may have it handed back. */
export const resetCodeReturnDenied = () =>
  PermissionDenied(
    E.resetCodeReturnDenied,
    "having the password reset code returned requires user.write on the user's organization; ask for it to be sent instead",
  );
export const notInitialised = () =>
  FailedPrecondition(
    E.notInitialised,
    'the user has not been initialised yet (no password and no verified email); send an invite code instead',
  );
export const noEmailForReset = () =>
  FailedPrecondition(E.noEmailForReset, 'the user has no email address to send the reset link to');
export const noPhoneForReset = () =>
  FailedPrecondition(E.noPhoneForReset, 'the user has no phone number to send the reset code to');
