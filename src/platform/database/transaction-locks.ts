import type { EntityManager } from 'typeorm';

/**
 * Takes a transaction-scoped advisory lock named `key` (hashed to PostgreSQL's 64-bit lock
 * space), held until the transaction ends: `exclusive` takes turns with every holder, `shared`
 * only with exclusive ones. A statement of its own, so the reads after it see what an earlier
 * holder committed.
 */
export async function holdTransactionLock(
  tx: EntityManager,
  key: string,
  mode: 'exclusive' | 'shared' = 'exclusive',
): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock${mode === 'shared' ? '_shared' : ''}(hashtextextended($1, 0))`, [key]);
}
