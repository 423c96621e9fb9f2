import { PermissionDenied } from '../errors/domain-error.js';
import type { Principal } from './principal.js';

export const CALLER_LIMITED_ID = 'AUTH-l1m1t';

export const callerLimited = (reason: string, method: string) =>
  PermissionDenied(CALLER_LIMITED_ID, `${reason}; until then ${method} is not allowed with this token`);

/** Throws unless the principal may call the method (`package.Service/Method`): limited callers only their allowed ones. */
export function assertMethodAllowed(principal: Principal, method: string): void {
  if (principal.limitedTo && !principal.limitedTo.methods.has(method))
    throw callerLimited(principal.limitedTo.reason, method);
}
