import {
  AlreadyExists,
  FailedPrecondition,
  InvalidArgument,
  NotFound,
  errorIds,
} from '../platform/errors/domain-error.js';

/** Stable ids of these errors, for matching a caught one: `isError(err, AUTHORIZATION_ERRORS.authorizationNotFound)`. */
export const AUTHORIZATION_ERRORS = errorIds({
  authorizationNotFound: 'UGRANT-n0tfd',
  projectNotFound: 'UGRANT-pr0jn',
  userNotFound: 'UGRANT-us3rn',
  authorizationExists: 'UGRANT-3x1st',
  projectGrantInactive: 'UGRANT-gr1na',
  projectGrantMismatch: 'UGRANT-gr1dm',
  unknownRoles: 'UGRANT-r0l3s',
});
const E = AUTHORIZATION_ERRORS;

export const authorizationNotFound = () => NotFound(E.authorizationNotFound, 'authorization not found');
/** Also for an org the project is not granted to: whether the project exists is nobody else's business. */
export const projectNotFound = () => NotFound(E.projectNotFound, 'project not found');
export const userNotFound = () => NotFound(E.userNotFound, 'user not found');
export const authorizationExists = () =>
  AlreadyExists(
    E.authorizationExists,
    'the user already has an authorization on this project in this organization; update it instead',
  );
export const projectGrantInactive = () =>
  FailedPrecondition(E.projectGrantInactive, 'the project grant is deactivated');
/** ZITADEL's Errors.Project.Grant.NotFound precondition: project_grant_id is not the org's grant of the project. */
export const projectGrantMismatch = () =>
  FailedPrecondition(E.projectGrantMismatch, 'project_grant_id is not the grant of this project to this organization');
export const unknownRoles = (field: string, roles: readonly string[], grant: boolean) =>
  InvalidArgument(
    E.unknownRoles,
    `${roles.map((r) => `"${r}"`).join(', ')} ${roles.length === 1 ? 'is' : 'are'} not ${grant ? 'among the roles granted to this organization' : 'a role of the project'}`,
    roles.map((r) => ({ field, description: `unknown role: ${r}` })),
  );
