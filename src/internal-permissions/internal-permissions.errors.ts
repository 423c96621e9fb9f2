import { NotFound, PermissionDenied, invalidField } from '../platform/errors/domain-error.js';

export { orgNotFound } from '../orgs/orgs.errors.js';
export const projectNotFound = () => NotFound('IPERM-pr0jn', 'project not found');
export const projectGrantNotFound = () => NotFound('IPERM-grntn', 'project grant not found');
export const userNotFound = () => NotFound('IPERM-us3rn', 'user not found');
/** The instance is no secret: a caller without the permission is told so. */
export const instanceDenied = (permission: string) =>
  PermissionDenied('IPERM-1nstd', `no permission: ${permission} required`);
export const resourceRequired = (field: string) =>
  invalidField(
    'IPERM-r3src',
    field,
    'one resource (instance, organization_id, project_id or project_grant) must be set',
  );
export const resourceIdRequired = (field: string) => invalidField('IPERM-r3s1d', field, 'must not be empty');
