import { Code } from '@connectrpc/connect';
import type { ErrorKind } from './domain-error.js';

export interface WireCode {
  grpc: Code;
  http: number;
}

function assertNever(kind: never): never {
  throw new Error(`unmapped error kind ${String(kind)}`);
}

/** The one mapping from a domain error kind to its gRPC code and HTTP status. */
export function wireCode(kind: ErrorKind): WireCode {
  switch (kind) {
    case 'InvalidArgument':
      return { grpc: Code.InvalidArgument, http: 400 };
    case 'NotFound':
      return { grpc: Code.NotFound, http: 404 };
    case 'AlreadyExists':
      return { grpc: Code.AlreadyExists, http: 409 };
    case 'PermissionDenied':
      return { grpc: Code.PermissionDenied, http: 403 };
    case 'ResourceExhausted':
      return { grpc: Code.ResourceExhausted, http: 429 };
    case 'FailedPrecondition':
      return { grpc: Code.FailedPrecondition, http: 400 };
    case 'Unimplemented':
      return { grpc: Code.Unimplemented, http: 501 };
    case 'Internal':
      return { grpc: Code.Internal, http: 500 };
    case 'Unavailable':
      return { grpc: Code.Unavailable, http: 503 };
    case 'Unauthenticated':
      return { grpc: Code.Unauthenticated, http: 401 };
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
