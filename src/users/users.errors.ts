import {
  AlreadyExists,
  FailedPrecondition,
  InvalidArgument,
  NotFound,
  PermissionDenied,
  ResourceExhausted,
  Unimplemented,
  invalidField,
} from '../platform/errors/domain-error.js';

export const userNotFound = () => NotFound('USER-n0t4d', 'user not found');
export const USERNAME_TAKEN_ID = 'USER-uN4m3';
export const usernameTaken = (username: string) =>
  AlreadyExists(USERNAME_TAKEN_ID, `the username "${username}" is already taken`);
export const userIdTaken = () => AlreadyExists('USER-1d3x1', 'a user with this id exists already');
export const PASSWORD_TOO_WEAK_ID = 'USER-pw0k1';
export const passwordTooWeak = (field: string, problems: string[]) =>
  InvalidArgument(
    PASSWORD_TOO_WEAK_ID,
    `the password ${problems.join(', ')}`,
    problems.map((description) => ({ field, description })),
  );
export const notHuman = () => FailedPrecondition('USER-hum4n', 'this applies to human users only');
export const notMachine = () => FailedPrecondition('USER-m4ch1', 'this applies to machine users only');
export const orgNotUsable = () => FailedPrecondition('USER-0rg1n', 'the organization is deactivated');
export const orgNotFoundForUser = (field: string) =>
  InvalidArgument('USER-0rgnf', `no organization found for ${field}`, [{ field, description: 'no such organization' }]);
export const nothingChanged = () => FailedPrecondition('USER-n0chg', 'nothing changed');
export const alreadyInactive = () => FailedPrecondition('USER-1n4ct', 'the user is already deactivated');
export const cannotDeactivateInitial = () =>
  FailedPrecondition('USER-1n1t1', 'a user in the initial state cannot be deactivated; delete it instead');
export const notInactive = () => FailedPrecondition('USER-n1n4c', 'the user is not deactivated');
export const shouldBeActiveOrInitial = () =>
  FailedPrecondition('USER-4ct1n', 'only an active or initial user can be locked');
export const notLocked = () => FailedPrecondition('USER-n0l0k', 'the user is not locked');
export const emailAlreadyVerified = () => FailedPrecondition('USER-3m4lv', 'the email is already verified');
export const NO_EMAIL_CODE_ID = 'USER-3m4lc';
export const noEmailCode = () => FailedPrecondition(NO_EMAIL_CODE_ID, 'no email verification code is pending');
export const noPhone = () => FailedPrecondition('USER-ph0n0', 'the user has no phone number');
export const phoneAlreadyVerified = () => FailedPrecondition('USER-ph0nv', 'the phone is already verified');
export const noPhoneCode = () => FailedPrecondition('USER-ph0nc', 'no phone verification code is pending');
export const alreadyInitialised = () =>
  FailedPrecondition('USER-1nv1t', 'the user has already been initialised (has a password or a passkey)');
export const NO_INVITE_CODE_ID = 'USER-1nvnc';
export const noInviteCode = () => FailedPrecondition(NO_INVITE_CODE_ID, 'no invite code is pending');
export const metadataNotFound = (key: string) => NotFound('USER-m3t4n', `no metadata with the key "${key}"`);
export const notYetSupported = (field: string) =>
  Unimplemented('USER-n0ty3', `${field} is not supported yet (it arrives with the external identity provider issue)`);

/** Id of the refusal to mark a contact verified (or hand its code back) without user.write on the user's org. */
export const CONTACT_PROOF_DENIED = 'USER-v3r1f';
export const contactProofDenied = (contact: 'email' | 'phone') =>
  PermissionDenied(
    CONTACT_PROOF_DENIED,
    `no permission: marking the ${contact} verified or returning its code needs user.write on the user's organization; send the code instead`,
  );

// One-time codes (email, phone, invite, password reset, passkey registration, OTP sign-in codes).
export const CODE_INVALID = 'CODE-1nv4l';
export const CODE_EXPIRED = 'CODE-3xp1r';
export const CODE_SPENT = 'CODE-5p3nt';
export const CODE_CHECKS_RATE_LIMITED = 'CODE-r4t3l';
/** A wrong code (or none pending); the try that spends the code says so. */
export const codeInvalid = (field: string, spentNow = false) =>
  invalidField(
    CODE_INVALID,
    field,
    spentNow ? 'the code is invalid, and that was the last try: request a new code' : 'the code is invalid',
  );
export const codeExpired = (field: string) =>
  invalidField(CODE_EXPIRED, field, 'the code has expired; request a new one');
export const codeSpent = (field: string) =>
  FailedPrecondition(CODE_SPENT, `the code in ${field} is spent after too many wrong tries; request a new one`);
export const codeChecksRateLimited = () =>
  ResourceExhausted(CODE_CHECKS_RATE_LIMITED, 'too many code checks for this user; retry in a minute');
