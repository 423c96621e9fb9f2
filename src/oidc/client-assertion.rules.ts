/**
 * The claims a client assertion (RFC 7523 §3, private_key_jwt) must carry, as ZITADEL checks
 * them (zitadel/oidc's `VerifyJWTAssertion` with `NewJWTProfileVerifier(…, time.Hour, …)`):
 * `iss` = `sub` (the client id), `aud` naming this server, `exp` in the future, `iat` present,
 * not in the future and at most an hour before `exp`. No `jti` is needed and an assertion may be
 * presented again until it expires (ZITADEL keeps no record of them; its SDKs reuse one for an
 * hour). The signature is checked apart, with the client's registered keys. No I/O.
 */

/** ZITADEL's longest life of an assertion (its verifier's maximum age of `iat`). */
export const MAX_ASSERTION_LIFETIME_SECONDS = 3600;
/** Clock difference tolerated between the client and this server (the provider's too). */
export const ASSERTION_CLOCK_TOLERANCE_SECONDS = 5;

export const CLIENT_ASSERTION_ERRORS = {
  malformed: 'OIDC-ca0jw',
  subjectNotIssuer: 'OIDC-ca1ss',
  audience: 'OIDC-ca4ud',
  expiryMissing: 'OIDC-ca3x0',
  issuedAtMissing: 'OIDC-ca1a0',
  expired: 'OIDC-ca3xp',
  notYetValid: 'OIDC-ca1af',
  tooLong: 'OIDC-ca1hr',
  notSigned: 'OIDC-ca5ig',
} as const;

/** Why a client assertion is refused: always `invalid_client` (RFC 6749 §5.2), with a stable id. */
export class ClientAssertionRefusal extends Error {
  readonly error = 'invalid_client';

  constructor(
    readonly id: string,
    readonly description: string,
  ) {
    super(`${description} (${id})`);
    this.name = 'ClientAssertionRefusal';
  }
}

const E = CLIENT_ASSERTION_ERRORS;
const refuse = (id: string, description: string) => new ClientAssertionRefusal(id, description);

export const malformedAssertion = () => refuse(E.malformed, 'client_assertion is not a signed JWT');
/** One answer for an unknown client, a client without keys and a bad signature: client ids cannot be probed. */
export const assertionNotSigned = () =>
  refuse(
    E.notSigned,
    'client_assertion is not signed by an unexpired key registered for the client named in iss and sub',
  );

export interface AssertionClaims {
  readonly iss?: unknown;
  readonly sub?: unknown;
  readonly aud?: unknown;
  readonly exp?: unknown;
  readonly iat?: unknown;
  readonly nbf?: unknown;
}

export interface AssertionContext {
  /** Seconds since the epoch. */
  readonly now: number;
  /** What `aud` may name: the issuer, the endpoint called, the token endpoint. */
  readonly audiences: readonly string[];
}

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** The client an assertion's claims name, or why they are refused. */
export function assertionClient(
  claims: AssertionClaims,
  ctx: AssertionContext,
): { clientId: string } | ClientAssertionRefusal {
  const tolerance = ASSERTION_CLOCK_TOLERANCE_SECONDS;
  if (typeof claims.iss !== 'string' || !claims.iss || claims.iss !== claims.sub) {
    return refuse(E.subjectNotIssuer, 'iss and sub of the client_assertion must both be the client id');
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.some((aud) => typeof aud === 'string' && ctx.audiences.includes(aud))) {
    return refuse(
      E.audience,
      `aud of the client_assertion must name the issuer (${ctx.audiences[0]}) or the endpoint URL`,
    );
  }
  if (!isTime(claims.exp)) return refuse(E.expiryMissing, 'exp is required in the client_assertion');
  if (!isTime(claims.iat)) return refuse(E.issuedAtMissing, 'iat is required in the client_assertion');
  if (claims.exp <= ctx.now - tolerance) return refuse(E.expired, 'the client_assertion has expired');
  if (claims.iat > ctx.now + tolerance || (isTime(claims.nbf) && claims.nbf > ctx.now + tolerance)) {
    return refuse(E.notYetValid, 'the client_assertion is not valid yet (iat or nbf in the future)');
  }
  if (claims.exp - claims.iat > MAX_ASSERTION_LIFETIME_SECONDS) {
    return refuse(E.tooLong, 'exp of the client_assertion must be at most one hour after iat');
  }
  return { clientId: claims.iss };
}
