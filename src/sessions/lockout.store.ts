import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Caller } from '../platform/rpc/call-context.js';
import { Policies } from '../settings/policies.queries.js';
import { UserStore } from '../users/users.store.js';

/** Which counter a failed check adds to: passwords, or one-time codes (TOTP, OTP SMS, OTP email). */
export type CheckKind = 'password' | 'otp';

/**
 * ZITADEL's lockout rule: a failed check adds one to the user's count; reaching the policy's
 * maximum locks the user. A maximum of 0 never locks.
 */
export function afterFailedCheck(failuresBefore: number, maxAttempts: number): { failures: number; lock: boolean } {
  const failures = failuresBefore + 1;
  return { failures, lock: maxAttempts > 0 && failures >= maxAttempts };
}

/** What a failed check did to the user's counts. */
export interface FailedCheck {
  readonly failures: number;
  readonly locked: boolean;
  /** The lockout policy's `showLockoutFailures`: whether the count may be told to the caller. */
  readonly showFailures: boolean;
}

const FAILED_EVENT = {
  password: 'user.human.password.check.failed',
  totp: 'user.human.mfa.otp.check.failed',
  otpSms: 'user.human.otp.sms.check.failed',
  otpEmail: 'user.human.otp.email.check.failed',
} as const;

/**
 * Counting failed password and one-time code checks against `Policies.lockoutSettings`, and
 * locking the user when the count reaches the maximum. Counts live in `user_lockouts`, changed by
 * one atomic upsert, so concurrent attempts cannot lose one.
 */
@Injectable()
export class LockoutCounters {
  constructor(
    private readonly policies: Policies,
    private readonly users: UserStore,
  ) {}

  /** Records a failed check in `tx` (which must commit even though the request fails). */
  async recordFailure(
    tx: EntityManager,
    caller: Caller,
    user: { readonly id: string; readonly resourceOwner: string },
    check: keyof typeof FAILED_EVENT,
  ): Promise<FailedCheck> {
    const kind: CheckKind = check === 'password' ? 'password' : 'otp';
    // Read on `tx`'s own connection: asking the pool for another while this transaction holds
    // the user's lockout row would deadlock under concurrent failures (every pooled connection
    // then belongs to a transaction waiting for that row).
    const { settings } = await this.policies.resolve('lockout', caller.instance.id, user.resourceOwner, tx);
    const [row]: { password_failures: number; otp_failures: number }[] = await tx.query(
      `INSERT INTO user_lockouts AS l (instance_id, user_id, password_failures, otp_failures)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (instance_id, user_id) DO UPDATE SET
         password_failures = CASE WHEN l.locked_at IS NULL THEN l.password_failures ELSE 0 END + EXCLUDED.password_failures,
         otp_failures = CASE WHEN l.locked_at IS NULL THEN l.otp_failures ELSE 0 END + EXCLUDED.otp_failures,
         locked_at = NULL
       RETURNING password_failures, otp_failures`,
      [caller.instance.id, user.id, kind === 'password' ? 1 : 0, kind === 'otp' ? 1 : 0],
    );
    const counted = kind === 'password' ? row.password_failures : row.otp_failures;
    const max = kind === 'password' ? settings.maxPasswordAttempts : settings.maxOtpAttempts;
    const { failures, lock } = afterFailedCheck(counted - 1, max);
    const events: { type: string }[] = [{ type: FAILED_EVENT[check] }];
    let locked = false;
    if (lock) {
      locked = await this.users.lockAfterFailedChecks(tx, caller.instance.id, user.id);
      if (locked) {
        await tx.query(`UPDATE user_lockouts SET locked_at = now() WHERE instance_id = $1 AND user_id = $2`, [
          caller.instance.id,
          user.id,
        ]);
        events.push({ type: 'user.locked' });
      }
    }
    await this.users.push(tx, caller, user, events);
    return { failures, locked, showFailures: settings.showLockoutFailures };
  }

  /**
   * A successful check starts its count again. A lock the counts caused that has since been
   * lifted resets both counts, as the unlock would have. A user with nothing to reset (the usual
   * case) has no row changed or locked.
   */
  async reset(tx: EntityManager, instanceId: string, userId: string, kinds: ReadonlySet<CheckKind>): Promise<void> {
    await tx.query(lockoutResetSql(1), lockoutResetParams(instanceId, userId, kinds));
  }
}

/**
 * `reset` as a statement of its own or a CTE of a larger one (the new session's insert): its
 * parameters, from `$first` on, are `lockoutResetParams`.
 */
export function lockoutResetSql(first: number): string {
  const [instance, user, password, otp] = [0, 1, 2, 3].map((i) => `$${first + i}`);
  return `UPDATE user_lockouts SET
         password_failures = CASE WHEN locked_at IS NOT NULL OR ${password}::boolean THEN 0 ELSE password_failures END,
         otp_failures = CASE WHEN locked_at IS NOT NULL OR ${otp}::boolean THEN 0 ELSE otp_failures END,
         locked_at = NULL
       WHERE instance_id = ${instance} AND user_id = ${user}
         AND ((${password}::boolean AND password_failures > 0) OR (${otp}::boolean AND otp_failures > 0) OR locked_at IS NOT NULL)`;
}

export function lockoutResetParams(instanceId: string, userId: string, kinds: ReadonlySet<CheckKind>): unknown[] {
  return [instanceId, userId, kinds.has('password'), kinds.has('otp')];
}
