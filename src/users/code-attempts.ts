/** Wrong tries a one-time code takes before it is spent: after them even the right code fails. */
export const MAX_CODE_ATTEMPTS = 5;

/** What a check needs to know of the pending code. */
export interface PendingCode {
  readonly failedAttempts: number;
  readonly expiresAt: Date;
}

/** The outcome of one try, and for a wrong one the count it leaves and whether that spends the code. */
export type CodeVerdict =
  | { readonly kind: 'none' }
  | { readonly kind: 'spent' }
  | { readonly kind: 'expired' }
  | { readonly kind: 'right' }
  | { readonly kind: 'wrong'; readonly failedAttempts: number; readonly spentNow: boolean };

/**
 * Judges one try at a code. A spent code fails before it is compared, so guessing on cannot tell
 * a right code from a wrong one; an expired code is not counted (it cannot be used anyway).
 */
export function judgeCode(
  pending: PendingCode | undefined,
  matches: boolean,
  now: Date,
  max = MAX_CODE_ATTEMPTS,
): CodeVerdict {
  if (!pending) return { kind: 'none' };
  if (pending.failedAttempts >= max) return { kind: 'spent' };
  if (pending.expiresAt.getTime() <= now.getTime()) return { kind: 'expired' };
  if (matches) return { kind: 'right' };
  const failedAttempts = pending.failedAttempts + 1;
  return { kind: 'wrong', failedAttempts, spentNow: failedAttempts >= max };
}
