import {
  AlreadyExists,
  FailedPrecondition,
  InvalidArgument,
  NotFound,
  PermissionDenied,
  type FieldViolation,
} from '../platform/errors/domain-error.js';

export const orgNotFound = () => NotFound('SETTINGS-0rgnf', 'organization not found');
export const instancePolicyDenied = (permission: string) =>
  PermissionDenied('SETTINGS-1nstd', `no permission: ${permission} required on the instance`);
export const customPolicyExists = (kind: string) =>
  AlreadyExists('SETTINGS-cu5tx', `the organization already has its own ${kind} policy; update or reset it instead`);
export const customPolicyNotFound = (kind: string) =>
  NotFound('SETTINGS-cu5tn', `the organization has no ${kind} policy of its own (it uses the instance default)`);
export const defaultPolicyExists = (kind: string) =>
  AlreadyExists('SETTINGS-d3fx1', `the instance already has a ${kind} policy; update it instead`);
export const policyUnchanged = (kind: string) =>
  FailedPrecondition('SETTINGS-n0chg', `the ${kind} policy has not been changed`);
export const invalidPolicy = (kind: string, violations: FieldViolation[]) =>
  InvalidArgument(
    'SETTINGS-1nv4l',
    `invalid ${kind} policy: ${violations.map((v) => `${v.field}: ${v.description}`).join('; ')}`,
    violations,
  );
export const noIdentityProviders = (field: string) =>
  InvalidArgument('SETTINGS-1dp0n', `invalid ${field}: no identity provider with this id exists`, [
    { field, description: 'no identity provider with this id exists (identity providers are not supported yet)' },
  ]);
export const invalidLocale = (field: string) =>
  InvalidArgument('SETTINGS-l0c4l', `invalid ${field}: must be a BCP 47 language tag, e.g. "de" or "de-CH"`, [
    { field, description: 'must be a BCP 47 language tag' },
  ]);
export const levelRequired = (field: string) =>
  InvalidArgument('SETTINGS-l3v3l', `invalid ${field}: one level must be set`, [
    { field, description: 'one level must be set' },
  ]);
