import {
  FailedPrecondition,
  NotFound,
  Unauthenticated,
  withHeaders,
  errorIds,
} from '../platform/errors/domain-error.js';
import { refusalHeaders, type DpopRefusal } from './dpop.js';

/** A DPoP-bound token without a valid proof, or a proof with a Bearer token (RFC 9449 §7). */

/** Stable ids of these errors, for matching a caught one: `isError(err, OIDC_ERRORS.dpopRefused)`. */
export const OIDC_ERRORS = errorIds({
  dpopRefused: 'OIDC-dp0p1',
  authRequestNotFound: 'OIDC-4uthr',
  deviceRequestNotFound: 'OIDC-d3v1c',
  authRequestIdMissing: 'OIDC-4uth0',
  deviceRequestIdMissing: 'OIDC-d3v1d',
  clientInactive: 'OIDC-cl13n',
  wrongOrg: 'OIDC-0rg5c',
  authRequestNotFinished: 'OIDC-cbr35',
  noProjectAccess: 'OIDC-pr0j4',
});
const E = OIDC_ERRORS;

export const dpopRefused = (refusal: DpopRefusal, realm: string) =>
  withHeaders(
    Unauthenticated(E.dpopRefused, `${refusal.error}: ${refusal.description}`),
    refusalHeaders(refusal, realm),
  );

export const authRequestNotFound = () =>
  NotFound(E.authRequestNotFound, 'auth request not found (or expired, or already answered)');
export const deviceRequestNotFound = () =>
  NotFound(E.deviceRequestNotFound, 'device authorization not found (or expired, or already answered)');
export const wrongOrg = () =>
  FailedPrecondition(
    E.wrongOrg,
    'the auth request is limited to another organization (urn:zitadel:iam:org:id / domain scope): sign in with a user of that organization',
  );
/** The provider could not resume the request (it expired meanwhile, or its app changed): nothing for the browser. */
export const authRequestNotFinished = (status: number) =>
  FailedPrecondition(
    E.authRequestNotFinished,
    `the auth request could not be finished (the provider answered ${status}); start a new one`,
  );
export const noProjectAccess = (what: string) =>
  FailedPrecondition(E.noProjectAccess, `the user ${what} of the application's project (project role / access check)`);
