import { QueryFailedError, type EntityManager } from 'typeorm';

/** True when a query failed on a unique index (optionally a specific one). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const driverError = err.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' && (constraint === undefined || driverError.constraint === constraint);
}

/**
 * Runs one statement under a savepoint, so a constraint violation can be turned into a domain
 * error by `mapError` while the surrounding transaction stays usable.
 */
export async function underSavepoint<T>(
  tx: EntityManager,
  work: () => Promise<T>,
  mapError: (err: unknown) => unknown = (err) => err,
): Promise<T> {
  await tx.query('SAVEPOINT portcullis_statement');
  try {
    const result = await work();
    await tx.query('RELEASE SAVEPOINT portcullis_statement');
    return result;
  } catch (err) {
    await tx.query('ROLLBACK TO SAVEPOINT portcullis_statement');
    throw mapError(err);
  }
}
