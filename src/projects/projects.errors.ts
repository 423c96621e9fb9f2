import {
  AlreadyExists,
  FailedPrecondition,
  InvalidArgument,
  NotFound,
  invalidField,
  errorIds,
} from '../platform/errors/domain-error.js';

// ZITADEL's ids are noted beside ours where the meaning is the same.

/** QUERY-fk2fs / Errors.Project.NotFound */

/** Stable ids of these errors, for matching a caught one: `isError(err, PROJECT_ERRORS.projectNotFound)`. */
export const PROJECT_ERRORS = errorIds({
  projectUnchanged: 'PROJ-n0chg',
  projectNotActive: 'PROJ-n0act',
  projectNotInactive: 'PROJ-n01na',
  roleUnchanged: 'PROJ-r0lnc',
  projectNotFound: 'PROJ-n0t4d',
  organizationNotFound: 'PROJ-0rgnf',
  projectNameTaken: 'PROJ-n4m3x',
  projectIdTaken: 'PROJ-1d3x1',
  roleNotFound: 'PROJ-r0l3n',
  roleKeyTaken: 'PROJ-r0l3x',
  grantNotFound: 'PROJ-gr4nf',
  grantExists: 'PROJ-gr4nx',
  grantRolesUnknown: 'PROJ-gr4nr',
  grantedOrgNotFound: 'PROJ-gr4no',
  grantToOwnOrg: 'PROJ-gr4ns',
  grantNotActive: 'PROJ-gr4n1',
  grantNotInactive: 'PROJ-gr4n2',
  privateLabelingInvalid: 'PROJ-pl4bl',
  filterMissing: 'PROJ-f1ltr',
});
const E = PROJECT_ERRORS;

export const projectNotFound = () => NotFound(E.projectNotFound, 'project not found');
/** The org a project is to be created in: absent, or not the caller's to create projects in. */
export const organizationNotFound = () => NotFound(E.organizationNotFound, 'organization not found');
/** COMMAND-Bfd2h / Errors.Project.AlreadyExists */
export const projectNameTaken = (name: string) =>
  AlreadyExists(E.projectNameTaken, `a project named "${name}" exists already in this organization`);
/** COMMAND-2M0fs / Errors.NoChangesFound */
export const projectUnchanged = () => FailedPrecondition(E.projectUnchanged, 'the project is unchanged');
/** COMMAND-3M9sd / Errors.Project.NotActive */
export const projectNotActive = () => FailedPrecondition(E.projectNotActive, 'the project is not active');
/** COMMAND-5M9sd / Errors.Project.NotInactive */
export const projectNotInactive = () => FailedPrecondition(E.projectNotInactive, 'the project is not deactivated');
/** COMMAND-5M0cs / Errors.NoChangesFound */
export const roleUnchanged = (key: string) => FailedPrecondition(E.roleUnchanged, `the role "${key}" is unchanged`);
export const projectIdTaken = () => AlreadyExists(E.projectIdTaken, 'a project with this id exists already');

/** Errors.Project.Role.NotFound */
export const roleNotFound = (key: string) => NotFound(E.roleNotFound, `the project has no role "${key}"`);
/** COMMAND-5M0cs / Errors.Project.Role.AlreadyExists */
export const roleKeyTaken = (key: string) => AlreadyExists(E.roleKeyTaken, `the project has a role "${key}" already`);

/** Errors.Project.Grant.NotFound */
export const grantNotFound = () => NotFound(E.grantNotFound, 'project grant not found');
/** COMMAND-8fbH2 / Errors.Project.Grant.AlreadyExists */
export const grantExists = () => AlreadyExists(E.grantExists, 'the project is already granted to this organization');
/** The grant names roles the project does not have (COMMAND-6m9gd / Errors.Project.Role.NotFound). */
export const grantRolesUnknown = (field: string, keys: readonly string[]) =>
  InvalidArgument(
    E.grantRolesUnknown,
    `invalid ${field}: the project has no role ${keys.map((k) => `"${k}"`).join(', ')}`,
    [{ field, description: `unknown role keys: ${keys.join(', ')}` }],
  );
export const grantedOrgNotFound = () =>
  invalidField(E.grantedOrgNotFound, 'granted_organization_id', 'no organization with this id exists');
/** A project cannot be granted to the org that owns it (PROJECT-Mb2Ll / Errors.Project.Grant.SameOrg). */
export const grantToOwnOrg = () =>
  invalidField(
    E.grantToOwnOrg,
    'granted_organization_id',
    'is the organization owning the project; grant it to another organization',
  );
/** Errors.NoChangesFound */
export const grantUnchanged = () => FailedPrecondition('PROJ-gr4nc', 'the project grant is unchanged');
/** COMMAND-47fu8 / Errors.Project.Grant.NotActive */
export const grantNotActive = () => FailedPrecondition(E.grantNotActive, 'the project grant is not active');
/** COMMAND-37fu8 / Errors.Project.Grant.NotInactive */
export const grantNotInactive = () => FailedPrecondition(E.grantNotInactive, 'the project grant is not deactivated');

export const privateLabelingInvalid = (field: string) =>
  invalidField(E.privateLabelingInvalid, field, 'must be a defined PrivateLabelingSetting');
export const filterMissing = (field: string) => invalidField(E.filterMissing, field, 'one filter must be set');
