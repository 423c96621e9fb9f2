import { ts } from '../platform/rpc/proto-mapping.js';
import { objectDetailsV1 } from '../platform/rpc/v1-mapping.js';
import type { RefreshTokenView } from './refresh-tokens.service.js';

/** zitadel.user.v1.RefreshToken: the details carry the issue time and the user's org. */
export function refreshTokenV1(t: RefreshTokenView, resourceOwner: string) {
  return {
    id: t.id,
    details: objectDetailsV1({ sequence: 0n, creationDate: t.issuedAt, changeDate: t.issuedAt, resourceOwner }),
    clientId: t.clientId,
    authTime: ts(t.authTime),
    idleExpiration: ts(t.idleExpiration),
    expiration: ts(t.expiration),
    scopes: t.scopes,
    audience: t.audience,
  };
}
