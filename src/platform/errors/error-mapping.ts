import { Code } from '@connectrpc/connect';
import type { ErrorKind } from './domain-error.js';

/**
 * The `error` values of OAuth error answers: RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1 (bearer
 * tokens), RFC 7009 §2.2.1 (revocation), RFC 8628 §3.5 (device grant), RFC 8693 §2.2.2 (token
 * exchange) and RFC 9449 §7.1 / §8 (DPoP).
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'unsupported_token_type'
  | 'authorization_pending'
  | 'slow_down'
  | 'expired_token'
  | 'invalid_target'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce';

/** The OAuth errors one endpoint answers, each checked to be an OAuthErrorCode. */
export type OAuthErrorsOf<T extends OAuthErrorCode> = T;

export interface WireCode {
  grpc: Code;
  http: number;
  /**
   * What an OAuth endpoint answers for a domain error of the kind. ZITADEL's rule (its OIDC
   * layer's `oidcError`): a status under 500 is `invalid_request`, anything else `server_error`;
   * the endpoints that owe a more specific value (invalid_client, invalid_token, slow_down…)
   * answer it themselves before a domain error gets this far.
   */
  oauth: OAuthErrorCode;
}

function assertNever(kind: never): never {
  throw new Error(`unmapped error kind ${String(kind)}`);
}

/** The one mapping from a domain error kind to its gRPC code, HTTP status and OAuth error. */
export function wireCode(kind: ErrorKind): WireCode {
  switch (kind) {
    case 'InvalidArgument':
      return { grpc: Code.InvalidArgument, http: 400, oauth: 'invalid_request' };
    case 'NotFound':
      return { grpc: Code.NotFound, http: 404, oauth: 'invalid_request' };
    case 'AlreadyExists':
      return { grpc: Code.AlreadyExists, http: 409, oauth: 'invalid_request' };
    case 'PermissionDenied':
      return { grpc: Code.PermissionDenied, http: 403, oauth: 'invalid_request' };
    case 'ResourceExhausted':
      return { grpc: Code.ResourceExhausted, http: 429, oauth: 'invalid_request' };
    case 'FailedPrecondition':
      return { grpc: Code.FailedPrecondition, http: 400, oauth: 'invalid_request' };
    case 'Unimplemented':
      return { grpc: Code.Unimplemented, http: 501, oauth: 'server_error' };
    case 'Internal':
      return { grpc: Code.Internal, http: 500, oauth: 'server_error' };
    case 'Unavailable':
      return { grpc: Code.Unavailable, http: 503, oauth: 'server_error' };
    case 'Unauthenticated':
      return { grpc: Code.Unauthenticated, http: 401, oauth: 'invalid_request' };
    default:
      return assertNever(kind);
  }
}

/** HTTP status for a gRPC code, per google.rpc.Code's documented mapping (used for errors that
 * did not start as domain errors, e.g. connect's own). */
export function httpStatusForCode(code: Code): number {
  const table: Record<Code, number> = {
    [Code.Canceled]: 499,
    [Code.Unknown]: 500,
    [Code.InvalidArgument]: 400,
    [Code.DeadlineExceeded]: 504,
    [Code.NotFound]: 404,
    [Code.AlreadyExists]: 409,
    [Code.PermissionDenied]: 403,
    [Code.ResourceExhausted]: 429,
    [Code.FailedPrecondition]: 400,
    [Code.Aborted]: 409,
    [Code.OutOfRange]: 400,
    [Code.Unimplemented]: 501,
    [Code.Internal]: 500,
    [Code.Unavailable]: 503,
    [Code.DataLoss]: 500,
    [Code.Unauthenticated]: 401,
  };
  return table[code] ?? 500;
}
