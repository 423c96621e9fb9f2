import { FailedPrecondition, NotFound, PermissionDenied, invalidField } from '../../platform/errors/domain-error.js';

export const patNotFound = () => NotFound('CRED-p4tnf', 'personal access token not found');
export const keyNotFound = () => NotFound('CRED-k3ynf', 'key not found');
export const noSecret = () => FailedPrecondition('CRED-s3cnx', 'the user has no client secret');

export const newPasswordMissing = () => invalidField('CRED-pw0nw', 'new_password.password', 'is required');
export const WRONG_CURRENT_PASSWORD_ID = 'CRED-pw1nv';
export const wrongCurrentPassword = () =>
  invalidField(WRONG_CURRENT_PASSWORD_ID, 'current_password', 'is not the current password');
export const noPasswordYet = () =>
  FailedPrecondition('CRED-pw0st', 'the user has no password yet, so there is no current password to check');
export const PASSWORD_UNCHANGED_ID = 'CRED-pw5m3';
export const passwordUnchanged = () =>
  FailedPrecondition(PASSWORD_UNCHANGED_ID, 'the new password must differ from the current one');
/** A user may change their own password only by proving it (current password or reset code). */
export const passwordNeedsVerification = () =>
  PermissionDenied(
    'CRED-pw4dm',
    "setting a password without the current password or a verification code requires user.write on the user's organization",
  );
/** A returned reset code is a password change without proof: only user managers may have it handed back. */
export const resetCodeReturnDenied = () =>
  PermissionDenied(
    'CRED-pw5rc',
    "having the password reset code returned requires user.write on the user's organization; ask for it to be sent instead",
  );
export const NOT_INITIALISED_ID = 'CRED-1n1t0';
export const notInitialised = () =>
  FailedPrecondition(
    NOT_INITIALISED_ID,
    'the user has not been initialised yet (no password and no verified email); send an invite code instead',
  );
export const NO_EMAIL_FOR_RESET_ID = 'CRED-n0m4l';
export const noEmailForReset = () =>
  FailedPrecondition(NO_EMAIL_FOR_RESET_ID, 'the user has no email address to send the reset link to');
export const noPhoneForReset = () =>
  FailedPrecondition('CRED-n0ph0', 'the user has no phone number to send the reset code to');
