import {
  AlreadyExists,
  FailedPrecondition,
  InvalidArgument,
  NotFound,
  invalidField,
} from '../platform/errors/domain-error.js';

// ZITADEL's ids are noted beside ours where the meaning is the same.

/** QUERY-fk2fs / Errors.Project.NotFound */
export const projectNotFound = () => NotFound('PROJ-n0t4d', 'project not found');
/** The org a project is to be created in: absent, or not the caller's to create projects in. */
export const organizationNotFound = () => NotFound('PROJ-0rgnf', 'organization not found');
/** COMMAND-Bfd2h / Errors.Project.AlreadyExists */
export const projectNameTaken = (name: string) =>
  AlreadyExists('PROJ-n4m3x', `a project named "${name}" exists already in this organization`);
/** COMMAND-2M0fs / Errors.NoChangesFound */
export const projectUnchanged = () => FailedPrecondition('PROJ-n0chg', 'the project is unchanged');
/** COMMAND-3M9sd / Errors.Project.NotActive */
export const projectNotActive = () => FailedPrecondition('PROJ-n0act', 'the project is not active');
/** COMMAND-5M9sd / Errors.Project.NotInactive */
export const projectNotInactive = () => FailedPrecondition('PROJ-n01na', 'the project is not deactivated');
/** COMMAND-5M0cs / Errors.NoChangesFound */
export const roleUnchanged = (key: string) => FailedPrecondition('PROJ-r0lnc', `the role "${key}" is unchanged`);
export const projectIdTaken = () => AlreadyExists('PROJ-1d3x1', 'a project with this id exists already');

/** Errors.Project.Role.NotFound */
export const roleNotFound = (key: string) => NotFound('PROJ-r0l3n', `the project has no role "${key}"`);
/** COMMAND-5M0cs / Errors.Project.Role.AlreadyExists */
export const roleKeyTaken = (key: string) => AlreadyExists('PROJ-r0l3x', `the project has a role "${key}" already`);

/** Errors.Project.Grant.NotFound */
export const grantNotFound = () => NotFound('PROJ-gr4nf', 'project grant not found');
/** COMMAND-8fbH2 / Errors.Project.Grant.AlreadyExists */
export const grantExists = () => AlreadyExists('PROJ-gr4nx', 'the project is already granted to this organization');
/** The grant names roles the project does not have (COMMAND-6m9gd / Errors.Project.Role.NotFound). */
export const grantRolesUnknown = (field: string, keys: readonly string[]) =>
  InvalidArgument('PROJ-gr4nr', `invalid ${field}: the project has no role ${keys.map((k) => `"${k}"`).join(', ')}`, [
    { field, description: `unknown role keys: ${keys.join(', ')}` },
  ]);
export const grantedOrgNotFound = () =>
  invalidField('PROJ-gr4no', 'granted_organization_id', 'no organization with this id exists');
/** A project cannot be granted to the org that owns it (PROJECT-Mb2Ll / Errors.Project.Grant.SameOrg). */
export const grantToOwnOrg = () =>
  invalidField(
    'PROJ-gr4ns',
    'granted_organization_id',
    'is the organization owning the project; grant it to another organization',
  );
/** Errors.NoChangesFound */
export const grantUnchanged = () => FailedPrecondition('PROJ-gr4nc', 'the project grant is unchanged');
/** COMMAND-47fu8 / Errors.Project.Grant.NotActive */
export const grantNotActive = () => FailedPrecondition('PROJ-gr4n1', 'the project grant is not active');
/** COMMAND-37fu8 / Errors.Project.Grant.NotInactive */
export const grantNotInactive = () => FailedPrecondition('PROJ-gr4n2', 'the project grant is not deactivated');

export const privateLabelingInvalid = (field: string) =>
  invalidField('PROJ-pl4bl', field, 'must be a defined PrivateLabelingSetting');
export const filterMissing = (field: string) => invalidField('PROJ-f1ltr', field, 'one filter must be set');
