import {
  AlreadyExists,
  FailedPrecondition,
  NotFound,
  invalidField,
  errorIds,
} from '../platform/errors/domain-error.js';

/** Stable ids of these errors, for matching a caught one: `isError(err, ORG_ERRORS.orgNotFound)`. */
export const ORG_ERRORS = errorIds({
  orgNotFound: 'ORG-7hq2k',
  orgNameTaken: 'ORG-n4m3x',
  orgIdTaken: 'ORG-1d3x1',
  orgNameUnchanged: 'ORG-n0chg',
  orgNotActive: 'ORG-4ct1v',
  orgAlreadyActive: 'ORG-4ct1x',
  orgAlreadyInactive: 'ORG-1n4ct',
  defaultOrgUndeletable: 'ORG-d3f4u',
  adminUserNotFound: 'ORG-4dm1n',
  metadataNotFound: 'ORG-m3t4n',
  domainNotFound: 'ORG-d0mnf',
  domainExists: 'ORG-d0m3x',
  domainVerifiedElsewhere: 'ORG-d0m0t',
  generatedDomainTaken: 'ORG-d0mgn',
  domainAlreadyVerified: 'ORG-d0mv1',
  primaryDomainUndeletable: 'ORG-d0mpr',
  noPendingValidation: 'ORG-d0mnv',
  domainVerificationFailed: 'ORG-d0mvf',
  domainNotVerified: 'ORG-d0mnv1',
  domainAlreadyPrimary: 'ORG-d0map',
});
const E = ORG_ERRORS;

export const orgNotFound = () => NotFound(E.orgNotFound, 'organization not found');
export const orgNameTaken = (name: string) =>
  AlreadyExists(E.orgNameTaken, `an organization named "${name}" exists already`);
export const orgIdTaken = () => AlreadyExists(E.orgIdTaken, 'an organization with this id exists already');
export const orgNameUnchanged = () => FailedPrecondition(E.orgNameUnchanged, 'the organization name is unchanged');
export const orgNotActive = () => FailedPrecondition(E.orgNotActive, 'the organization is deactivated');
export const orgAlreadyActive = () => FailedPrecondition(E.orgAlreadyActive, 'the organization is already active');
export const orgAlreadyInactive = () =>
  FailedPrecondition(E.orgAlreadyInactive, 'the organization is already deactivated');
export const defaultOrgUndeletable = () =>
  FailedPrecondition(E.defaultOrgUndeletable, 'the default organization cannot be deleted');
export const adminUserNotFound = (field: string) =>
  invalidField(E.adminUserNotFound, field, 'no user with this id exists');
export const metadataNotFound = (key: string) => NotFound(E.metadataNotFound, `no metadata with the key "${key}"`);
export const domainNotFound = (domain: string) =>
  NotFound(E.domainNotFound, `the organization has no domain "${domain}"`);
export const domainExists = (domain: string) =>
  AlreadyExists(E.domainExists, `the domain "${domain}" is already added to this organization`);
export const domainVerifiedElsewhere = (domain: string) =>
  AlreadyExists(E.domainVerifiedElsewhere, `the domain "${domain}" is verified by another organization`);
export const generatedDomainTaken = (domain: string) =>
  AlreadyExists(
    E.generatedDomainTaken,
    `another organization already uses the domain "${domain}"; choose a more distinct name`,
  );
export const domainAlreadyVerified = (domain: string) =>
  FailedPrecondition(E.domainAlreadyVerified, `the domain "${domain}" is already verified`);
export const primaryDomainUndeletable = (domain: string) =>
  FailedPrecondition(E.primaryDomainUndeletable, `"${domain}" is the primary domain and cannot be removed`);
export const noPendingValidation = (domain: string) =>
  FailedPrecondition(
    E.noPendingValidation,
    `no validation was generated for "${domain}"; call GenerateOrganizationDomainValidation first`,
  );
export const domainVerificationFailed = (domain: string, reason: string) =>
  FailedPrecondition(E.domainVerificationFailed, `verifying "${domain}" failed: ${reason}`);
export const domainNotVerified = (domain: string) =>
  FailedPrecondition(E.domainNotVerified, `the domain "${domain}" is not verified`);
export const domainAlreadyPrimary = (domain: string) =>
  FailedPrecondition(E.domainAlreadyPrimary, `"${domain}" is already the primary domain`);
