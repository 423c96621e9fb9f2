import { PermissionDenied, errorIds } from '../errors/domain-error.js';
import type { Principal } from './principal.js';

/** Stable ids of these errors, for matching a caught one: `isError(err, AUTH_ERRORS.callerLimited)`. */
export const AUTH_ERRORS = errorIds({
  callerLimited: 'AUTH-l1m1t',
});
const E = AUTH_ERRORS;

export const CALLER_LIMITED_ID = E.callerLimited;

export const callerLimited = (reason: string, method: string) =>
  PermissionDenied(CALLER_LIMITED_ID, `${reason}; until then ${method} is not allowed with this token`);

/** Throws unless the principal may call the method (`package.Service/Method`): limited callers only their allowed ones. */
export function assertMethodAllowed(principal: Principal, method: string): void {
  if (principal.limitedTo && !principal.limitedTo.methods.has(method))
    throw callerLimited(principal.limitedTo.reason, method);
}
