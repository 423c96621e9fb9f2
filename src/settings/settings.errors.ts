import {
  AlreadyExists,
  FailedPrecondition,
  InvalidArgument,
  NotFound,
  PermissionDenied,
  type FieldViolation,
  errorIds,
} from '../platform/errors/domain-error.js';

/** Stable ids of these errors, for matching a caught one: `isError(err, SETTINGS_ERRORS.orgNotFound)`. */
export const SETTINGS_ERRORS = errorIds({
  orgNotFound: 'SETTINGS-0rgnf',
  factorAlreadyAllowed: 'SETTINGS-f4cta',
  factorNotAllowed: 'SETTINGS-f4ctn',
  instancePolicyDenied: 'SETTINGS-1nstd',
  customPolicyExists: 'SETTINGS-cu5tx',
  customPolicyNotFound: 'SETTINGS-cu5tn',
  defaultPolicyExists: 'SETTINGS-d3fx1',
  policyUnchanged: 'SETTINGS-n0chg',
  invalidPolicy: 'SETTINGS-1nv4l',
  invalidLocale: 'SETTINGS-l0c4l',
  levelRequired: 'SETTINGS-l3v3l',
  messageTextNotFound: 'SETTINGS-msgtn',
  loginTextNotFound: 'SETTINGS-lgtnf',
});
const E = SETTINGS_ERRORS;

export const orgNotFound = () => NotFound(E.orgNotFound, 'organization not found');
export const instancePolicyDenied = (permission: string) =>
  PermissionDenied(E.instancePolicyDenied, `no permission: ${permission} required on the instance`);
export const customPolicyExists = (kind: string) =>
  AlreadyExists(
    E.customPolicyExists,
    `the organization already has its own ${kind} policy; update or reset it instead`,
  );
export const customPolicyNotFound = (kind: string) =>
  NotFound(E.customPolicyNotFound, `the organization has no ${kind} policy of its own (it uses the instance default)`);
export const defaultPolicyExists = (kind: string) =>
  AlreadyExists(E.defaultPolicyExists, `the instance already has a ${kind} policy; update it instead`);
export const policyUnchanged = (kind: string) =>
  FailedPrecondition(E.policyUnchanged, `the ${kind} policy has not been changed`);
export const invalidPolicy = (kind: string, violations: FieldViolation[]) =>
  InvalidArgument(
    E.invalidPolicy,
    `invalid ${kind} policy: ${violations.map((v) => `${v.field}: ${v.description}`).join('; ')}`,
    violations,
  );
export const invalidLocale = (field: string) =>
  InvalidArgument(E.invalidLocale, `invalid ${field}: must be a BCP 47 language tag, e.g. "de" or "de-CH"`, [
    { field, description: 'must be a BCP 47 language tag' },
  ]);
export const levelRequired = (field: string) =>
  InvalidArgument(E.levelRequired, `invalid ${field}: one level must be set`, [
    { field, description: 'one level must be set' },
  ]);
/** Errors.IAM.LoginPolicy.MFA.AlreadyExists: the factor is allowed already. */
export const factorAlreadyAllowed = () =>
  AlreadyExists(E.factorAlreadyAllowed, 'the login policy already allows this factor');
/** Errors.IAM.LoginPolicy.MFA.NotExisting: the factor is not allowed. */
export const factorNotAllowed = () => NotFound(E.factorNotAllowed, 'the login policy does not allow this factor');
/** Errors.CustomText.NotFound: there is no custom text of this type and language to reset. */
export const messageTextNotFound = () =>
  NotFound(E.messageTextNotFound, 'there is no custom text of this message type and language to reset');
export const loginTextNotFound = () =>
  NotFound(E.loginTextNotFound, 'there are no custom login texts of this language to reset');
