import { FailedPrecondition, NotFound, PermissionDenied, errorIds } from '../platform/errors/domain-error.js';

/** Stable ids of these errors, for matching a caught one: `isError(err, WEBKEY_ERRORS.webKeyNotFound)`. */
export const WEBKEY_ERRORS = errorIds({
  webKeyNotFound: 'WEBKEY-n0tfd',
  activeWebKeyUndeletable: 'WEBKEY-4ctdl',
  noActiveWebKey: 'WEBKEY-n04ct',
  webKeysDenied: 'WEBKEY-d3n1d',
});
const E = WEBKEY_ERRORS;

export const webKeyNotFound = () => NotFound(E.webKeyNotFound, 'web key not found');
export const activeWebKeyUndeletable = () =>
  FailedPrecondition(E.activeWebKeyUndeletable, 'the active web key cannot be deleted; activate another key first');
export const noActiveWebKey = () =>
  FailedPrecondition(E.noActiveWebKey, 'the instance has no active web key; create one and activate it');
/** Web keys belong to the instance: there is no narrower resource to hide behind NOT_FOUND. */
export const webKeysDenied = (permission: string) =>
  PermissionDenied(E.webKeysDenied, `no permission: ${permission} required on the instance`);
