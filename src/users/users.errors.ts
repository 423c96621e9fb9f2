import {
  AlreadyExists,
  FailedPrecondition,
  InvalidArgument,
  NotFound,
  PermissionDenied,
  ResourceExhausted,
  Unimplemented,
  invalidField,
  errorIds,
} from '../platform/errors/domain-error.js';

/** Stable ids of these errors, for matching a caught one: `isError(err, USER_ERRORS.userNotFound)`. */
export const USER_ERRORS = errorIds({
  userNotFound: 'USER-n0t4d',
  usernameTaken: 'USER-uN4m3',
  usernamesClash: 'USER-uN5cl',
  domainNotAllowedAsUsername: 'USER-uNd0m',
  userIdTaken: 'USER-1d3x1',
  passwordTooWeak: 'USER-pw0k1',
  notHuman: 'USER-hum4n',
  notMachine: 'USER-m4ch1',
  orgNotUsable: 'USER-0rg1n',
  orgNotFoundForUser: 'USER-0rgnf',
  nothingChanged: 'USER-n0chg',
  alreadyInactive: 'USER-1n4ct',
  cannotDeactivateInitial: 'USER-1n1t1',
  notInactive: 'USER-n1n4c',
  shouldBeActiveOrInitial: 'USER-4ct1n',
  notLocked: 'USER-n0l0k',
  emailAlreadyVerified: 'USER-3m4lv',
  noEmailCode: 'USER-3m4lc',
  noPhone: 'USER-ph0n0',
  phoneAlreadyVerified: 'USER-ph0nv',
  noPhoneCode: 'USER-ph0nc',
  alreadyInitialised: 'USER-1nv1t',
  noInviteCode: 'USER-1nvnc',
  metadataNotFound: 'USER-m3t4n',
  selfRemovalDenied: 'USER-s3lfd',
  notYetSupported: 'USER-n0ty3',
  contactProofDenied: 'USER-v3r1f',
  codeInvalid: 'CODE-1nv4l',
  codeExpired: 'CODE-3xp1r',
  codeSpent: 'CODE-5p3nt',
  codeChecksRateLimited: 'CODE-r4t3l',
});
const E = USER_ERRORS;

export const userNotFound = () => NotFound(E.userNotFound, 'user not found');
export const usernameTaken = (username: string) =>
  AlreadyExists(E.usernameTaken, `the username "${username}" is already taken`);
/** A domain policy change that would give two users of its new username scope one username (ZITADEL: Errors.User.AlreadyExists). */
export const usernamesClash = () =>
  AlreadyExists(
    E.usernamesClash,
    'the domain policy would make two users hold the same username; rename one of them first',
  );
/**
 * ZITADEL's userValidateDomain (COMMAND-SFd21, InvalidArgument, Errors.User.DomainNotAllowedAsUsername):
 * an instance-wide username may not end in a domain another org has verified.
 */
export const domainNotAllowedAsUsername = (field: string, domain: string) =>
  invalidField(E.domainNotAllowedAsUsername, field, `the domain "${domain}" is verified by another organization`);
export const userIdTaken = () => AlreadyExists(E.userIdTaken, 'a user with this id exists already');
export const passwordTooWeak = (field: string, problems: string[]) =>
  InvalidArgument(
    E.passwordTooWeak,
    `the password ${problems.join(', ')}`,
    problems.map((description) => ({ field, description })),
  );
export const notHuman = () => FailedPrecondition(E.notHuman, 'this applies to human users only');
export const notMachine = () => FailedPrecondition(E.notMachine, 'this applies to machine users only');
export const orgNotUsable = () => FailedPrecondition(E.orgNotUsable, 'the organization is deactivated');
export const orgNotFoundForUser = (field: string) =>
  InvalidArgument(E.orgNotFoundForUser, `no organization found for ${field}`, [
    { field, description: 'no such organization' },
  ]);
export const nothingChanged = () => FailedPrecondition(E.nothingChanged, 'nothing changed');
export const alreadyInactive = () => FailedPrecondition(E.alreadyInactive, 'the user is already deactivated');
export const cannotDeactivateInitial = () =>
  FailedPrecondition(E.cannotDeactivateInitial, 'a user in the initial state cannot be deactivated; delete it instead');
export const notInactive = () => FailedPrecondition(E.notInactive, 'the user is not deactivated');
export const shouldBeActiveOrInitial = () =>
  FailedPrecondition(E.shouldBeActiveOrInitial, 'only an active or initial user can be locked');
export const notLocked = () => FailedPrecondition(E.notLocked, 'the user is not locked');
export const emailAlreadyVerified = () => FailedPrecondition(E.emailAlreadyVerified, 'the email is already verified');
export const noEmailCode = () => FailedPrecondition(E.noEmailCode, 'no email verification code is pending');
export const noPhone = () => FailedPrecondition(E.noPhone, 'the user has no phone number');
export const phoneAlreadyVerified = () => FailedPrecondition(E.phoneAlreadyVerified, 'the phone is already verified');
export const noPhoneCode = () => FailedPrecondition(E.noPhoneCode, 'no phone verification code is pending');
export const alreadyInitialised = () =>
  FailedPrecondition(
    E.alreadyInitialised,
    'the user has already been initialised (it is not INITIAL, or has a password, a passkey or an identity provider link)',
  );
export const noInviteCode = () =>
  FailedPrecondition(E.noInviteCode, 'no invite code to resend: none is pending, or it was returned, not sent');
export const selfRemovalDenied = () =>
  PermissionDenied(
    E.selfRemovalDenied,
    'no permission: removing your own user needs user.self.delete on its organization',
  );
export const metadataNotFound = (key: string) => NotFound(E.metadataNotFound, `no metadata with the key "${key}"`);
export const notYetSupported = (field: string) =>
  Unimplemented(
    E.notYetSupported,
    `${field} is not supported yet (it arrives with the external identity provider issue)`,
  );

/** Id of the refusal to mark a contact verified (or hand its code back) without user.write on the user's org. */
export const CONTACT_PROOF_DENIED = E.contactProofDenied;
export const contactProofDenied = (contact: 'email' | 'phone') =>
  PermissionDenied(
    CONTACT_PROOF_DENIED,
    `no permission: marking the ${contact} verified or returning its code needs user.write on the user's organization; send the code instead`,
  );

// One-time codes (email, phone, invite, password reset, passkey registration, OTP sign-in codes).
export const CODE_INVALID = E.codeInvalid;
export const CODE_EXPIRED = E.codeExpired;
export const CODE_SPENT = E.codeSpent;
export const CODE_CHECKS_RATE_LIMITED = E.codeChecksRateLimited;
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
