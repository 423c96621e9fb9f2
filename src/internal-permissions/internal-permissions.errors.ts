import { NotFound, PermissionDenied, invalidField, errorIds } from '../platform/errors/domain-error.js';

export { orgNotFound } from '../orgs/orgs.errors.js';

/** Stable ids of these errors, for matching a caught one: `isError(err, INTERNAL_PERMISSION_ERRORS.projectNotFound)`. */
export const INTERNAL_PERMISSION_ERRORS = errorIds({
  projectNotFound: 'IPERM-pr0jn',
  projectGrantNotFound: 'IPERM-grntn',
  userNotFound: 'IPERM-us3rn',
  instanceDenied: 'IPERM-1nstd',
  resourceRequired: 'IPERM-r3src',
  resourceIdRequired: 'IPERM-r3s1d',
});
const E = INTERNAL_PERMISSION_ERRORS;

export const projectNotFound = () => NotFound(E.projectNotFound, 'project not found');
export const projectGrantNotFound = () => NotFound(E.projectGrantNotFound, 'project grant not found');
export const userNotFound = () => NotFound(E.userNotFound, 'user not found');
/** The instance is no secret: a caller without the permission is told so. */
export const instanceDenied = (permission: string) =>
  PermissionDenied(E.instanceDenied, `no permission: ${permission} required`);
export const resourceRequired = (field: string) =>
  invalidField(
    E.resourceRequired,
    field,
    'one resource (instance, organization_id, project_id or project_grant) must be set',
  );
export const resourceIdRequired = (field: string) => invalidField(E.resourceIdRequired, field, 'must not be empty');
