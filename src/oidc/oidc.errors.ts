import { Unauthenticated, withHeaders } from '../platform/errors/domain-error.js';
import { refusalHeaders, type DpopRefusal } from './dpop.js';

/** A DPoP-bound token without a valid proof, or a proof with a Bearer token (RFC 9449 §7). */
export const dpopRefused = (refusal: DpopRefusal, realm: string) =>
  withHeaders(
    Unauthenticated('OIDC-dp0p1', `${refusal.error}: ${refusal.description}`),
    refusalHeaders(refusal, realm),
  );
