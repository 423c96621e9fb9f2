import { DomainError } from './domain-error.js';

/**
 * Whether `err` is a domain error with one of `ids`. Callers pass the id constants the owning
 * context's `*.errors.ts` exports, so a renamed or removed id fails to compile instead of
 * silently never matching. A plain boolean rather than a type guard: a guard would narrow `err`
 * to `never` on the other branch once the caller has established it is a DomainError.
 */
export function isError(err: unknown, ...ids: readonly string[]): boolean {
  return err instanceof DomainError && ids.includes(err.id);
}
