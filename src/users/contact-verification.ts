import type { Verification } from './users.service.js';

/**
 * Whether a new email or phone verification needs user.write on the user's org, even for the user
 * itself. Marking it verified (ZITADEL's ChangeUserEmailVerified / ChangeUserPhoneVerified) proves
 * nothing about who holds the mailbox or phone, and neither does a code handed back to the caller
 * instead of sent there (ZITADEL lets users take their own code back; we do not, or a user could
 * verify any address it names). Only a code sent to the address leaves the proof to its holder.
 */
export function contactVerificationNeedsWrite(verification: Verification): boolean {
  return verification.kind !== 'send';
}
