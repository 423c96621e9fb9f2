import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Config } from '../platform/config/config.js';
import { hashToken, sameTokenHash } from '../platform/crypto/master-key.js';
import { FailAfterCommit } from '../platform/database/transactions.js';
import { RateLimiter } from '../platform/http/rate-limit.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { judgeCode, type CodeVerdict } from './code-attempts.js';
import { SecretGenerators } from '../notifications/secret-generators/generators.service.js';
import { CODE_GENERATOR, generateCode, type CodeKind } from './secret-codes.js';
import { UserCode } from './user-code.entity.js';
import { UserStore } from './users.store.js';
import type { User } from './user.entity.js';
import { codeChecksRateLimited, codeExpired, codeInvalid, codeSpent } from './users.errors.js';

/**
 * Tries at a user's codes per minute (and burst), all kinds together: enough for a person mistyping
 * a few codes, far too few to cycle through fresh codes (5 wrong tries each) in search of a hit.
 */
export const CODE_CHECKS_PER_USER_PER_MINUTE = 10;

function slot(kind: CodeKind, id?: string): string {
  return id ? `${kind}:${id}` : kind;
}

/**
 * One-time codes of every kind, one mechanism: generated with the instance's secret generator
 * for their kind, stored hashed, replaced by a newer one, deleted once used. Each code takes
 * `MAX_CODE_ATTEMPTS` wrong tries, counted in its own row under a row lock (so the count holds
 * across processes sharing the database), each try audited; then it is spent. Tries are also
 * limited per user and minute, in this process only: a cache-like brake on top of the count.
 */
@Injectable()
export class UserCodes {
  private readonly perUser: RateLimiter;

  constructor(
    private readonly store: UserStore,
    config: Config,
    private readonly generators: SecretGenerators,
  ) {
    // PORTCULLIS_RATE_LIMIT_PER_MINUTE=0 turns every rate limit off, this one too.
    this.perUser = new RateLimiter({ perMinute: config.rateLimitPerMinute > 0 ? CODE_CHECKS_PER_USER_PER_MINUTE : 0 });
  }

  /**
   * A fresh code with a fresh count of tries (any earlier one of the same kind stops working),
   * valid for its kind's time from `now`; `returned` when it goes back to the caller rather than
   * out to the user.
   */
  async issue(
    tx: EntityManager,
    instanceId: string,
    userId: string,
    kind: CodeKind,
    { id, now = new Date(), returned = false }: { id?: string; now?: Date; returned?: boolean } = {},
  ): Promise<{ code: string; expiresAt: Date }> {
    // The instance's secret generator for the kind: its stored settings or ZITADEL's defaults.
    const spec = await this.generators.recipe(tx, instanceId, CODE_GENERATOR[kind]);
    const code = generateCode(spec);
    const expiresAt = new Date(now.getTime() + spec.expiryMs);
    await tx
      .createQueryBuilder()
      .insert()
      .into(UserCode)
      .values({
        instanceId,
        userId,
        kind: slot(kind, id),
        codeHash: hashToken(code),
        expiresAt,
        createdAt: now,
        failedAttempts: 0,
        returned,
      })
      .orUpdate(
        ['code_hash', 'expires_at', 'created_at', 'failed_attempts', 'returned'],
        ['instance_id', 'user_id', 'kind'],
      )
      .execute();
    // Codes bound to an id (a session's OTP challenge, a passkey link) are never resent: a day
    // after they expired they are only litter.
    await tx.query(
      `DELETE FROM user_codes WHERE instance_id = $1 AND user_id = $2 AND kind LIKE '%:%' AND expires_at < now() - interval '1 day'`,
      [instanceId, userId],
    );
    return { code, expiresAt };
  }

  async pending(db: EntityManager, instanceId: string, userId: string, kind: CodeKind, id?: string): Promise<boolean> {
    return (await db.countBy(UserCode, { instanceId, userId, kind: slot(kind, id) })) > 0;
  }

  /** Whether the user's pending code of the kind was sent to the user (not returned to its creator). */
  async pendingSent(db: EntityManager, instanceId: string, userId: string, kind: CodeKind): Promise<boolean> {
    return (await db.countBy(UserCode, { instanceId, userId, kind: slot(kind), returned: false })) > 0;
  }

  /**
   * One try at the user's pending code: a right one uses it up; a wrong one is counted and
   * audited (`user.code.check.failed`, and `user.code.spent` on the last), in `tx`, which must
   * commit even though the request fails.
   */
  async attempt(
    tx: EntityManager,
    caller: Caller,
    user: Pick<User, 'id' | 'resourceOwner'>,
    kind: CodeKind,
    code: string,
    id?: string,
  ): Promise<CodeVerdict> {
    if (!this.perUser.take('code', `${caller.instance.id}/${user.id}`).allowed) throw codeChecksRateLimited();
    const key = [caller.instance.id, user.id, slot(kind, id)];
    const [row]: { code_hash: string; expires_at: Date; failed_attempts: number }[] = await tx.query(
      `SELECT code_hash, expires_at, failed_attempts FROM user_codes WHERE instance_id = $1 AND user_id = $2 AND kind = $3 FOR UPDATE`,
      key,
    );
    const verdict = judgeCode(
      row && { failedAttempts: row.failed_attempts, expiresAt: row.expires_at },
      !!row && sameTokenHash(row.code_hash, code),
      new Date(),
    );
    if (verdict.kind === 'right')
      await tx.query(`DELETE FROM user_codes WHERE instance_id = $1 AND user_id = $2 AND kind = $3`, key);
    if (verdict.kind === 'wrong') {
      await tx.query(
        `UPDATE user_codes SET failed_attempts = $4 WHERE instance_id = $1 AND user_id = $2 AND kind = $3`,
        [...key, verdict.failedAttempts],
      );
      const events = [{ type: 'user.code.check.failed', payload: { kind, failedAttempts: verdict.failedAttempts } }];
      if (verdict.spentNow)
        events.push({ type: 'user.code.spent', payload: { kind, failedAttempts: verdict.failedAttempts } });
      await this.store.push(tx, caller, user, events);
    }
    return verdict;
  }

  /**
   * Uses the code up, or fails naming `field`: a wrong try fails after `tx` commits its count (the
   * code must be checked before the unit of work writes anything else).
   */
  async consume(
    tx: EntityManager,
    caller: Caller,
    user: Pick<User, 'id' | 'resourceOwner'>,
    kind: CodeKind,
    code: string,
    field: string,
    id?: string,
  ): Promise<void> {
    const verdict = await this.attempt(tx, caller, user, kind, code, id);
    switch (verdict.kind) {
      case 'right':
        return;
      case 'none':
        throw codeInvalid(field);
      case 'expired':
        throw codeExpired(field);
      case 'spent':
        throw codeSpent(field);
      case 'wrong':
        throw new FailAfterCommit(codeInvalid(field, verdict.spentNow));
    }
  }

  async discard(tx: EntityManager, instanceId: string, userId: string, kind: CodeKind, id?: string): Promise<void> {
    await tx.delete(UserCode, { instanceId, userId, kind: slot(kind, id) });
  }
}
