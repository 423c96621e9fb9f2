import { AlreadyExists, FailedPrecondition, InvalidArgument, NotFound } from '../platform/errors/domain-error.js';

export const authorizationNotFound = () => NotFound('UGRANT-n0tfd', 'authorization not found');
/** Also for an org the project is not granted to: whether the project exists is nobody else's business. */
export const projectNotFound = () => NotFound('UGRANT-pr0jn', 'project not found');
export const userNotFound = () => NotFound('UGRANT-us3rn', 'user not found');
export const authorizationExists = () =>
  AlreadyExists(
    'UGRANT-3x1st',
    'the user already has an authorization on this project in this organization; update it instead',
  );
export const projectGrantInactive = () => FailedPrecondition('UGRANT-gr1na', 'the project grant is deactivated');
export const unknownRoles = (field: string, roles: readonly string[], grant: boolean) =>
  InvalidArgument(
    'UGRANT-r0l3s',
    `${roles.map((r) => `"${r}"`).join(', ')} ${roles.length === 1 ? 'is' : 'are'} not ${grant ? 'among the roles granted to this organization' : 'a role of the project'}`,
    roles.map((r) => ({ field, description: `unknown role: ${r}` })),
  );
