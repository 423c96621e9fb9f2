import { create, toJson, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { ErrorDetailSchema } from '@zitadel/proto/zitadel/message_pb.js';
import { BadRequestSchema } from '../../gen/google/rpc/error_details_pb.js';
import { DomainError } from './domain-error.js';
import { httpStatusForCode, wireCode, type OAuthErrorCode } from './error-mapping.js';

/** Details are kept as (schema, message) so each transport renders them its own way. */
export interface ErrorDetailValue {
  desc: DescMessage;
  value: MessageShape<DescMessage>;
}

const INTERNAL_ID = 'PLAT-i0x7c';

/** ZITADEL's message format: the human message followed by the stable id. */
function wireMessage(message: string, id: string): string {
  return `${message} (${id})`;
}

/**
 * Converts anything thrown below the edge into the ConnectError every transport sends. Domain
 * errors keep their kind, id, field violations and extra details; anything unexpected becomes a
 * bare INTERNAL (the cause is kept for the log, never sent).
 */
export function toConnectError(err: unknown): ConnectError {
  if (err instanceof DomainError) {
    const details: ErrorDetailValue[] = [
      { desc: ErrorDetailSchema, value: create(ErrorDetailSchema, { id: err.id, message: err.message }) },
    ];
    if (err.fieldViolations.length) {
      details.push({
        desc: BadRequestSchema,
        value: create(BadRequestSchema, { fieldViolations: err.fieldViolations }),
      });
    }
    details.push(...err.details);
    return new ConnectError(wireMessage(err.message, err.id), wireCode(err.kind).grpc, err.headers, details, err);
  }
  if (err instanceof ConnectError) return err;
  return new ConnectError(
    wireMessage('internal error', INTERNAL_ID),
    Code.Internal,
    undefined,
    [{ desc: ErrorDetailSchema, value: create(ErrorDetailSchema, { id: INTERNAL_ID, message: 'internal error' }) }],
    err,
  );
}

export interface RestErrorBody {
  code: number;
  message: string;
  details: Record<string, unknown>[];
}

/** REST rendering of an error, as grpc-gateway (and so ZITADEL) writes it. */
export function toRestError(err: unknown): { status: number; body: RestErrorBody } {
  const ce = toConnectError(err);
  const details = ce.details.flatMap((d) =>
    'desc' in d
      ? [{ '@type': `type.googleapis.com/${d.desc.typeName}`, ...(toJson(d.desc, d.value as never) as object) }]
      : [],
  );
  return { status: httpStatusForCode(ce.code), body: { code: ce.code, message: ce.rawMessage, details } };
}

/** An OAuth error answer's JSON body (RFC 6749 §5.2). */
export interface OAuthErrorBody {
  error: OAuthErrorCode;
  error_description: string;
}

/**
 * OAuth rendering of an error, for the OAuth and OIDC endpoints: the kind's OAuth error and HTTP
 * status from the one mapping, and ZITADEL's message with the stable id as the description.
 * Anything that is not a domain error is a bare server_error (the cause is never sent).
 */
export function toOAuthAnswer(err: unknown): {
  status: number;
  body: OAuthErrorBody;
  headers: Readonly<Record<string, string>>;
} {
  const known = err instanceof DomainError ? err : undefined;
  const kind = known?.kind ?? 'Internal';
  const description = known ? wireMessage(known.message, known.id) : wireMessage('internal error', INTERNAL_ID);
  const { http, oauth } = wireCode(kind);
  return { status: http, body: { error: oauth, error_description: description }, headers: known?.headers ?? {} };
}

/** True for errors the caller caused (worth a debug line), false for our own faults. */
export function isServerFault(err: ConnectError): boolean {
  return err.code === Code.Internal || err.code === Code.Unknown || err.code === Code.DataLoss;
}
