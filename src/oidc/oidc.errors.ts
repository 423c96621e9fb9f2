import { Unauthenticated, withHeaders } from '../platform/errors/domain-error.js';
import { refusalHeaders, type DpopRefusal } from './dpop.js';

/** A DPoP-bound token without a valid proof, or a proof with a Bearer token (RFC 9449 §7). */
export const dpopRefused = (refusal: DpopRefusal, realm: string) =>
  withHeaders(
    Unauthenticated('OIDC-dp0p1', `${refusal.error}: ${refusal.description}`),
    refusalHeaders(refusal, realm),
  );

// Ids of the auth request and device authorization errors the login pages tell apart (oidc.service.ts throws them).
export const AUTH_REQUEST_NOT_FOUND_ID = 'OIDC-4uthr';
export const AUTH_REQUEST_ID_MISSING_ID = 'OIDC-4uth0';
export const CLIENT_INACTIVE_ID = 'OIDC-cl13n';
export const DEVICE_REQUEST_NOT_FOUND_ID = 'OIDC-d3v1c';
export const DEVICE_REQUEST_ID_MISSING_ID = 'OIDC-d3v1d';
export const WRONG_ORG_ID = 'OIDC-0rg5c';
export const NO_PROJECT_ACCESS_ID = 'OIDC-pr0j4';
