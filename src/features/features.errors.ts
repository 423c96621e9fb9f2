import {
  NotFound,
  PermissionDenied,
  errorIds,
  invalidField,
  InvalidArgument,
} from '../platform/errors/domain-error.js';

/** Stable ids of these errors, for matching a caught one: `isError(err, FEATURE_ERRORS.noChanges)`. */
export const FEATURE_ERRORS = errorIds({
  noChanges: 'FEAT-n0chg',
  invalidLoginBaseUri: 'FEAT-b4seu',
  instanceFeaturesDenied: 'FEAT-1n5dn',
  orgNotFound: 'FEAT-0rgnf',
  userNotFound: 'FEAT-u5rnf',
});
const E = FEATURE_ERRORS;

/** ZITADEL's Errors.NoChangesFound: a Set request that names no flag. */
export const noChanges = () => InvalidArgument(E.noChanges, 'the request sets no feature flag');
export const invalidLoginBaseUri = (problem: string) =>
  invalidField(E.invalidLoginBaseUri, 'login_v2.base_uri', problem);
/** Instance features belong to the instance: there is no narrower resource to hide behind NOT_FOUND. */
export const instanceFeaturesDenied = (permission: string) =>
  PermissionDenied(E.instanceFeaturesDenied, `no permission: ${permission} required on the instance`);
export const orgNotFound = () => NotFound(E.orgNotFound, 'organization not found');
export const userNotFound = () => NotFound(E.userNotFound, 'user not found');
