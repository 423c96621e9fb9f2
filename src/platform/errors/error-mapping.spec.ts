import { DomainError, type ErrorKind, InvalidArgument, NotFound, withHeaders } from './domain-error.js';
import { type OAuthErrorsOf, wireCode } from './error-mapping.js';
import { toOAuthAnswer, toRestError } from './wire-errors.js';

/** Every kind, checked by the compiler: a kind added to ErrorKind and not here fails to compile. */
const KINDS = Object.keys({
  InvalidArgument: true,
  NotFound: true,
  AlreadyExists: true,
  PermissionDenied: true,
  ResourceExhausted: true,
  FailedPrecondition: true,
  Unimplemented: true,
  Internal: true,
  Unavailable: true,
  Unauthenticated: true,
} satisfies Record<ErrorKind, true>) as ErrorKind[];

describe('the one error mapping', () => {
  it.each(KINDS)(
    "%s: ZITADEL's oidcError rule, an HTTP status under 500 is invalid_request and any other server_error",
    (kind) => {
      const { http, oauth } = wireCode(kind);
      expect(oauth).toBe(http < 500 ? 'invalid_request' : 'server_error');
    },
  );

  it('gives REST and OAuth the same status for a kind', () => {
    for (const kind of KINDS) {
      const err = new DomainError(kind, 'TEST-k1nd0', 'refused');
      expect([kind, toOAuthAnswer(err).status]).toEqual([kind, toRestError(err).status]);
    }
  });
});

describe('OAuthErrorsOf', () => {
  // Checked by the type checker (npm run typecheck): the directive fails the build if the line compiles.
  it("takes only registered OAuth error values in an endpoint's own list", () => {
    const known: OAuthErrorsOf<'invalid_grant' | 'slow_down'> = 'slow_down';
    // @ts-expect-error 'invalid_requst' is no OAuth error value
    const typo: OAuthErrorsOf<'invalid_requst'> = 'invalid_requst';
    expect([known, typo]).toEqual(['slow_down', 'invalid_requst']);
  });
});

describe('toOAuthAnswer', () => {
  it('answers a domain error with its OAuth error and ZITADEL-style description ending in the stable id', () => {
    expect(toOAuthAnswer(InvalidArgument('TEST-b4d1n', 'the token is missing'))).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'the token is missing (TEST-b4d1n)' },
      headers: {},
    });
  });

  it('keeps the headers a domain error carries', () => {
    const err = withHeaders(NotFound('TEST-n0tfd', 'gone'), { 'www-authenticate': 'Bearer' });
    expect(toOAuthAnswer(err).headers).toEqual({ 'www-authenticate': 'Bearer' });
  });

  it('answers anything else as a bare server_error: the cause is never sent', () => {
    const answer = toOAuthAnswer(new Error('connection to 10.0.0.7:5432 refused'));
    expect(answer.status).toBe(500);
    expect(answer.body.error).toBe('server_error');
    expect(answer.body.error_description).toBe('internal error (PLAT-i0x7c)');
    expect(JSON.stringify(answer)).not.toContain('10.0.0.7');
  });
});
