import { FailedPrecondition, NotFound, PermissionDenied } from '../platform/errors/domain-error.js';

export const webKeyNotFound = () => NotFound('WEBKEY-n0tfd', 'web key not found');
export const activeWebKeyUndeletable = () =>
  FailedPrecondition('WEBKEY-4ctdl', 'the active web key cannot be deleted; activate another key first');
export const noActiveWebKey = () =>
  FailedPrecondition('WEBKEY-n04ct', 'the instance has no active web key; create one and activate it');
/** Web keys belong to the instance: there is no narrower resource to hide behind NOT_FOUND. */
export const webKeysDenied = (permission: string) =>
  PermissionDenied('WEBKEY-d3n1d', `no permission: ${permission} required on the instance`);
