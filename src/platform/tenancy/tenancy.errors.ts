import { NotFound, errorIds } from '../errors/domain-error.js';

/** Stable id of "no instance serves this host", on every transport. */

/** Stable ids of these errors, for matching a caught one: `isError(err, TENANCY_ERRORS.unknownHost)`. */
export const TENANCY_ERRORS = errorIds({
  unknownHost: 'INST-h0st4',
  untrustedPublicHost: 'INST-pub1c',
});
const E = TENANCY_ERRORS;

export const UNKNOWN_HOST_ID = E.unknownHost;

/**
 * Names neither the host's neighbours nor any configured domain: a caller guessing Host headers
 * learns only that this one is not served (the server log lists the domains for the operator).
 */
export const unknownHost = () =>
  NotFound(
    UNKNOWN_HOST_ID,
    'no instance serves this host; to serve it, add it to PORTCULLIS_TRUSTED_DOMAINS (or use it in PORTCULLIS_EXTERNAL_URL) and restart. The server log lists the configured domains',
  );

/** Stable id of "the public host is not a domain of the instance the request is for". */
export const UNTRUSTED_PUBLIC_HOST_ID = E.untrustedPublicHost;

/**
 * ZITADEL answers NotFound (QUERY-IuGh1) when `x-zitadel-public-host` is not one of the
 * instance's trusted domains; the message names neither host.
 */
export const untrustedPublicHost = () =>
  NotFound(
    UNTRUSTED_PUBLIC_HOST_ID,
    'the public host (x-zitadel-public-host) is not a domain of this instance; to serve it, add it to the instance domains (PORTCULLIS_TRUSTED_DOMAINS for the first instance)',
  );
