import { AlreadyExists, FailedPrecondition, NotFound, invalidField } from '../platform/errors/domain-error.js';

export const orgNotFound = () => NotFound('ORG-7hq2k', 'organization not found');
export const orgNameTaken = (name: string) =>
  AlreadyExists('ORG-n4m3x', `an organization named "${name}" exists already`);
export const orgIdTaken = () => AlreadyExists('ORG-1d3x1', 'an organization with this id exists already');
export const orgNameUnchanged = () => FailedPrecondition('ORG-n0chg', 'the organization name is unchanged');
export const orgNotActive = () => FailedPrecondition('ORG-4ct1v', 'the organization is deactivated');
export const orgAlreadyActive = () => FailedPrecondition('ORG-4ct1x', 'the organization is already active');
export const orgAlreadyInactive = () => FailedPrecondition('ORG-1n4ct', 'the organization is already deactivated');
export const defaultOrgUndeletable = () =>
  FailedPrecondition('ORG-d3f4u', 'the default organization cannot be deleted');
export const adminUserNotFound = (field: string) => invalidField('ORG-4dm1n', field, 'no user with this id exists');
export const metadataNotFound = (key: string) => NotFound('ORG-m3t4n', `no metadata with the key "${key}"`);
export const domainNotFound = (domain: string) => NotFound('ORG-d0mnf', `the organization has no domain "${domain}"`);
export const domainExists = (domain: string) =>
  AlreadyExists('ORG-d0m3x', `the domain "${domain}" is already added to this organization`);
export const domainVerifiedElsewhere = (domain: string) =>
  AlreadyExists('ORG-d0m0t', `the domain "${domain}" is verified by another organization`);
export const generatedDomainTaken = (domain: string) =>
  AlreadyExists('ORG-d0mgn', `another organization already uses the domain "${domain}"; choose a more distinct name`);
export const domainAlreadyVerified = (domain: string) =>
  FailedPrecondition('ORG-d0mv1', `the domain "${domain}" is already verified`);
export const primaryDomainUndeletable = (domain: string) =>
  FailedPrecondition('ORG-d0mpr', `"${domain}" is the primary domain and cannot be removed`);
export const noPendingValidation = (domain: string) =>
  FailedPrecondition(
    'ORG-d0mnv',
    `no validation was generated for "${domain}"; call GenerateOrganizationDomainValidation first`,
  );
export const domainVerificationFailed = (domain: string, reason: string) =>
  FailedPrecondition('ORG-d0mvf', `verifying "${domain}" failed: ${reason}`);
export const domainNotVerified = (domain: string) =>
  FailedPrecondition('ORG-d0mnv1', `the domain "${domain}" is not verified`);
export const domainAlreadyPrimary = (domain: string) =>
  FailedPrecondition('ORG-d0map', `"${domain}" is already the primary domain`);
