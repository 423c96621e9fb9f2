import type { Column, Filter } from '../database/list-query.js';
import { PermissionDenied, Unauthenticated, type DomainError } from '../errors/domain-error.js';
import type { Caller } from '../rpc/call-context.js';
import {
  hasPermission,
  orgsWithPermission,
  scopesWithPermission,
  type Permission,
  type PermissionTarget,
} from './permissions.js';

/**
 * The resource-level check services make. A caller who may not even read the resource gets the
 * resource's own not-found error, so ids cannot be probed; one who can read it but not do this
 * gets PERMISSION_DENIED.
 */
export function authorize(
  caller: Caller,
  permission: Permission,
  target: PermissionTarget,
  notFound: () => DomainError,
  readPermission?: Permission,
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
export function visibleOrgs(caller: Caller, permission: Permission): 'all' | string[] {
  if (caller.system) return 'all';
  if (!caller.principal) return [];
  return orgsWithPermission(caller.principal.grants, caller.instance.id, permission);
}

/**
 * The rows a caller may see with a permission, as a list filter: those whose org, project or
 * project grant column (as given; several org columns may count, e.g. owner and granted org) is
 * among the caller's scopes; every row for instance-wide grants.
 */
export function scopeFilter(
  caller: Caller,
  permission: Permission,
  columns: { readonly orgs?: Column | readonly Column[]; readonly projects?: Column; readonly projectGrants?: Column },
): Filter {
  if (caller.system) return { op: 'true' };
  if (!caller.principal) return { op: 'false' };
  const scopes = scopesWithPermission(caller.principal.grants, caller.instance.id, permission);
  if (scopes === 'all') return { op: 'true' };
  const orgColumns: readonly Column[] =
    columns.orgs === undefined ? [] : typeof columns.orgs === 'string' ? [columns.orgs] : columns.orgs;
  const filters: Filter[] = orgColumns.map((c) => ({ op: 'in', column: c, values: scopes.orgs }));
  if (columns.projects) filters.push({ op: 'in', column: columns.projects, values: scopes.projects });
  if (columns.projectGrants) filters.push({ op: 'in', column: columns.projectGrants, values: scopes.projectGrants });
  return { op: 'or', filters };
}
