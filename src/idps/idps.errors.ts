import {
  AlreadyExists,
  FailedPrecondition,
  NotFound,
  PermissionDenied,
  errorIds,
  invalidField,
} from '../platform/errors/domain-error.js';

/** Stable ids of these errors, for matching a caught one: `isError(err, IDP_ERRORS.idpNotFound)`. */
export const IDP_ERRORS = errorIds({
  required: 'IDP-r3q1d',
  notUrl: 'IDP-url0k',
  notLdapUrl: 'IDP-ld4pu',
  badLength: 'IDP-l3ngt',
  badPrivateKey: 'IDP-pk3y0',
  badCertificate: 'IDP-c3rt0',
  badMetadata: 'IDP-m3t4d',
  badEnum: 'IDP-3num0',
  idpNotFound: 'IDP-n0tfd',
  wrongKind: 'IDP-k1nd0',
  instanceDenied: 'IDP-1nstd',
  orgNotFound: 'IDP-0rgnf',
  alreadyOnPolicy: 'IDP-p0l1x',
  notOnPolicy: 'IDP-p0l1n',
  noCustomLoginPolicy: 'IDP-p0l1c',
  idpNotExisting: 'IDP-n0t3x',
  notChanged: 'IDP-n0chg',
  notActive: 'IDP-n0t4c',
  notInactive: 'IDP-n0t1n',
});
const E = IDP_ERRORS;

export const required = (field: string) => invalidField(E.required, field, 'must not be empty');
export const notUrl = (field: string) =>
  invalidField(E.notUrl, field, 'must be an absolute http or https URL without credentials');
export const notLdapUrl = (field: string) =>
  invalidField(
    E.notLdapUrl,
    field,
    'every server must be an ldap:// or ldaps:// URL, e.g. ldaps://ldap.example.com:636',
  );
export const badLength = (field: string, length: number) =>
  invalidField(E.badLength, field, `must be exactly ${length} characters`);
export const badPrivateKey = (field: string) =>
  invalidField(E.badPrivateKey, field, 'must be a PEM encoded private key (PKCS #8)');
export const badCertificate = (field: string) =>
  invalidField(E.badCertificate, field, 'must be a PEM encoded X.509 certificate');
export const badMetadata = (field: string, why: string) => invalidField(E.badMetadata, field, why);
export const badEnum = (field: string) => invalidField(E.badEnum, field, 'is not one of the allowed values');
/** Errors.IDPConfig.NotExisting: also what another org's or another instance's provider answers. */
export const idpNotFound = () => NotFound(E.idpNotFound, 'identity provider not found');
/**
 * ZITADEL reads a template through the write model of the method's kind, so one of another kind
 * does not exist for it: NOT_FOUND (Errors.Instance.IDPConfig.NotExisting), with its own id here.
 */
export const wrongKind = (kind: string) =>
  NotFound(E.wrongKind, `no identity provider of kind ${kind} with this id; update it with its own kind's method`);
/** Instance providers belong to the instance: there is no narrower resource to hide behind NOT_FOUND. */
export const instanceDenied = (permission: string) =>
  PermissionDenied(E.instanceDenied, `no permission: ${permission} required on the instance`);
export const orgNotFound = () => NotFound(E.orgNotFound, 'organization not found');
/** Errors.IAM.LoginPolicy.IDP.AlreadyExists */
export const alreadyOnPolicy = () =>
  AlreadyExists(E.alreadyOnPolicy, 'the identity provider is already on the login policy');
/** Errors.IAM.LoginPolicy.IDP.NotExisting */
export const notOnPolicy = () => NotFound(E.notOnPolicy, 'the identity provider is not on the login policy');
/** Errors.Org.LoginPolicy.NotFound: an org changes its providers on a login policy of its own. */
export const noCustomLoginPolicy = () =>
  NotFound(
    E.noCustomLoginPolicy,
    'the organization has no login policy of its own (it uses the instance default); add one first',
  );
/** Errors.IDPConfig.NotExisting: a login policy names a provider its owner does not have. */
export const idpNotExisting = () =>
  FailedPrecondition(E.idpNotExisting, 'the identity provider does not exist for this login policy');
/** Errors.IDPConfig.NotChanged: the old IDP API refuses an update that changes nothing. */
export const notChanged = () => FailedPrecondition(E.notChanged, 'the identity provider has not been changed');
/** Errors.IDPConfig.NotActive */
export const notActive = () => FailedPrecondition(E.notActive, 'the identity provider is not active');
/** Errors.IDPConfig.NotInactive */
export const notInactive = () => FailedPrecondition(E.notInactive, 'the identity provider is not inactive');
