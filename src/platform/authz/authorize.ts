import { PermissionDenied, Unauthenticated, type DomainError } from '../errors/domain-error.js';
import type { Caller } from '../rpc/call-context.js';
import { hasPermission, orgsWithPermission, type PermissionTarget } from './permissions.js';

/**
 * The resource-level check services make. A caller who may not even read the resource gets the
 * resource's own not-found error, so ids cannot be probed; one who can read it but not do this
 * gets PERMISSION_DENIED.
 */
export function authorize(
  caller: Caller,
  permission: string,
  target: PermissionTarget,
  notFound: () => DomainError,
  readPermission?: string,
): void {
  if (caller.system) return;
  const principal = caller.principal;
  if (!principal) throw Unauthenticated('AUTHZ-n0pr1', 'authentication required');
  if (hasPermission(principal.grants, caller.instance.id, permission, target)) return;
  if (readPermission && hasPermission(principal.grants, caller.instance.id, readPermission, target)) {
    throw PermissionDenied('AUTHZ-d3n13', `no permission: ${permission} required`);
  }
  throw notFound();
}

/** The org ids a caller may see with a permission ('all' for instance-wide grants). */
export function visibleOrgs(caller: Caller, permission: string): 'all' | string[] {
  if (caller.system) return 'all';
  if (!caller.principal) return [];
  return orgsWithPermission(caller.principal.grants, caller.instance.id, permission);
}
