import { NotFound } from '../errors/domain-error.js';

/** Stable id of "no instance serves this host", on every transport. */
export const UNKNOWN_HOST_ID = 'INST-h0st4';

/**
 * Names neither the host's neighbours nor any configured domain: a caller guessing Host headers
 * learns only that this one is not served (the server log lists the domains for the operator).
 */
export const unknownHost = () =>
  NotFound(
    UNKNOWN_HOST_ID,
    'no instance serves this host; to serve it, add it to PORTCULLIS_TRUSTED_DOMAINS (or use it in PORTCULLIS_EXTERNAL_URL) and restart. The server log lists the configured domains',
  );
