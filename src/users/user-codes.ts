import { timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { hashToken } from '../platform/crypto/master-key.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { CODE_SPECS, generateCode, type CodeKind } from './secret-codes.js';
import { UserCode } from './user-code.entity.js';

function slot(kind: CodeKind, id?: string): string {
  return id ? `${kind}:${id}` : kind;
}

/**
 * One-time codes: generated with ZITADEL's default settings for their kind, stored hashed,
 * replaced by a newer one, deleted once used.
 */
@Injectable()
export class UserCodes {
  /** A fresh code (any earlier one of the same kind stops working). */
  async issue(tx: EntityManager, instanceId: string, userId: string, kind: CodeKind, id?: string): Promise<{ code: string; expiresAt: Date }> {
    const spec = CODE_SPECS[kind];
    const code = generateCode(spec);
    const now = new Date();
    const expiresAt = new Date(now.getTime() + spec.expiryMs);
    await tx
      .createQueryBuilder()
      .insert()
      .into(UserCode)
      .values({ instanceId, userId, kind: slot(kind, id), codeHash: hashToken(code), expiresAt, createdAt: now })
      .orUpdate(['code_hash', 'expires_at', 'created_at'], ['instance_id', 'user_id', 'kind'])
      .execute();
    return { code, expiresAt };
  }

  async pending(db: EntityManager, instanceId: string, userId: string, kind: CodeKind, id?: string): Promise<boolean> {
    return (await db.countBy(UserCode, { instanceId, userId, kind: slot(kind, id) })) > 0;
  }

  /** Uses the code up, or throws INVALID_ARGUMENT on `field` (wrong, expired or none pending). */
  async consume(tx: EntityManager, instanceId: string, userId: string, kind: CodeKind, code: string, field: string, id?: string): Promise<void> {
    const stored = await tx.findOneBy(UserCode, { instanceId, userId, kind: slot(kind, id) });
    const given = Buffer.from(hashToken(code));
    if (!stored || given.length !== stored.codeHash.length || !timingSafeEqual(given, Buffer.from(stored.codeHash))) {
      throw invalidField('CODE-1nv4l', field, 'the code is invalid');
    }
    if (stored.expiresAt.getTime() <= Date.now()) throw invalidField('CODE-3xp1r', field, 'the code has expired; request a new one');
    await tx.delete(UserCode, { instanceId, userId, kind: slot(kind, id) });
  }

  async discard(tx: EntityManager, instanceId: string, userId: string, kind: CodeKind, id?: string): Promise<void> {
    await tx.delete(UserCode, { instanceId, userId, kind: slot(kind, id) });
  }
}
