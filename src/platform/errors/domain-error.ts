import type { DescMessage, Message } from '@bufbuild/protobuf';

/**
 * Typed domain errors. Services throw these with a stable, greppable id (e.g. `ORG-7hq2k`);
 * the transport edge maps the kind to a wire code exactly once (see error-mapping.ts).
 */
export type ErrorKind =
  | 'InvalidArgument'
  | 'NotFound'
  | 'AlreadyExists'
  | 'PermissionDenied'
  | 'ResourceExhausted'
  | 'FailedPrecondition'
  | 'Unimplemented'
  | 'Internal'
  | 'Unavailable'
  | 'Unauthenticated';

/**
 * A stable error id (e.g. `ORG-7hq2k`) as a context's `*.errors.ts` declares it in its id table
 * (`errorIds`). Only those constants have this type, so code that matches a caught error by a
 * typed-in id string does not compile: it imports the constant, and the compiler checks the name.
 */
export type ErrorId = string & { readonly [errorIdBrand]: true };
declare const errorIdBrand: unique symbol;

/** A context's table of error ids, each one an `ErrorId`: `export const ORG_ERRORS = errorIds({ orgNotFound: 'ORG-7hq2k' })`. */
export function errorIds<const T extends Record<string, string>>(ids: T): { readonly [K in keyof T]: ErrorId } {
  return Object.freeze({ ...ids }) as unknown as { readonly [K in keyof T]: ErrorId };
}

export interface FieldViolation {
  field: string;
  description: string;
}

/** A further typed detail sent with the error, e.g. `zitadel.v1.CredentialsCheckError` with the failed attempts. */
export interface ExtraErrorDetail {
  readonly desc: DescMessage;
  readonly value: Message;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly id: string,
    message: string,
    readonly fieldViolations: FieldViolation[] = [],
    readonly details: readonly ExtraErrorDetail[] = [],
    /** Response headers the answer carries (e.g. an RFC 9449 `WWW-Authenticate` challenge). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = `${kind}Error`;
  }
}

/** Whether `err` is a domain error with one of these ids: `if (isError(err, SESSION_ERRORS.userLocked, …))`. */
export function isError(err: unknown, ...ids: readonly ErrorId[]): err is DomainError {
  return err instanceof DomainError && (ids as readonly string[]).includes(err.id);
}

const make =
  (kind: ErrorKind) =>
  (id: string, message: string, fieldViolations?: FieldViolation[]): DomainError =>
    new DomainError(kind, id, message, fieldViolations);

export const InvalidArgument = make('InvalidArgument');
export const NotFound = make('NotFound');
export const AlreadyExists = make('AlreadyExists');
export const PermissionDenied = make('PermissionDenied');
export const ResourceExhausted = make('ResourceExhausted');
export const FailedPrecondition = make('FailedPrecondition');
export const Unimplemented = make('Unimplemented');
export const Internal = make('Internal');
export const Unavailable = make('Unavailable');
export const Unauthenticated = make('Unauthenticated');

/** The same error, answered with these response headers too. */
export function withHeaders(err: DomainError, headers: Record<string, string>): DomainError {
  return new DomainError(err.kind, err.id, err.message, err.fieldViolations, err.details, {
    ...err.headers,
    ...headers,
  });
}

/** A single invalid field, the most common validation failure. */
export function invalidField(id: string, field: string, description: string): DomainError {
  return InvalidArgument(id, `invalid ${field}: ${description}`, [{ field, description }]);
}
