import {
  AlreadyExists,
  FailedPrecondition,
  NotFound,
  PermissionDenied,
  errorIds,
} from '../platform/errors/domain-error.js';

/** Stable ids of these errors, for matching a caught one: `isError(err, IDP_LINK_ERRORS.linkNotFound)`. */
export const IDP_LINK_ERRORS = errorIds({
  userNotFound: 'IDPLINK-us3r0',
  providerNotFound: 'IDPLINK-1dp0x',
  linkTaken: 'IDPLINK-t4k3n',
  creationNotAllowed: 'IDPLINK-cr34t',
  linkNotFound: 'IDPLINK-n0tfd',
  selfLinkDenied: 'IDPLINK-s3lfl',
});
const E = IDP_LINK_ERRORS;

/**
 * ZITADEL's AddUserIDPLink answers a missing user with FAILED_PRECONDITION (COMMAND-vzktar7b7f);
 * a user the caller may not read answers the same, so ids cannot be probed.
 */
export const userNotFound = () => FailedPrecondition(E.userNotFound, 'user not found');

/** ZITADEL's addLink (COMMAND-39nf2): the provider must exist on the user's org or the instance. */
export const providerNotFound = (field: string) =>
  FailedPrecondition(E.providerNotFound, `${field}: identity provider not found for the user's organization`);

/** ZITADEL's COMMAND-SJI3g (Errors.ExternalIDP.CreationNotAllowed). */
export const creationNotAllowed = (field: string) =>
  FailedPrecondition(E.creationNotAllowed, `${field}: the identity provider does not allow creating users`);

/** One upstream identity links to one user per instance (ZITADEL's unique constraint `external_idps`). */
export const linkTaken = () => AlreadyExists(E.linkTaken, 'the identity of this provider is already linked to a user');

export const linkNotFound = () => NotFound(E.linkNotFound, 'identity provider link not found');

/** A user may not link an upstream identity to itself (see IdpLinksService). */
export const selfLinkDenied = () =>
  PermissionDenied(
    E.selfLinkDenied,
    'a user may not link an identity provider account to itself; sign in through the provider to link it',
  );
