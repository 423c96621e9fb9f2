import { createHash, hkdfSync, timingSafeEqual } from 'node:crypto';
import { EmbeddedJWK, calculateJwkThumbprint, jwtVerify, type JWK } from 'jose';
import type { OAuthErrorsOf } from '../platform/errors/error-mapping.js';

/**
 * DPoP (RFC 9449) as a resource server and for the grants Portcullis mints itself: proof checks,
 * server nonces and the sender-constraint rule. oidc-provider checks proofs at its own endpoints;
 * these checks agree with its (same algorithms, same iat window, same nonces), so a client sees
 * one DPoP server.
 */

/** Proof signing algorithms accepted (oidc-provider's default, advertised in discovery). */
export const DPOP_ALGS: readonly string[] = ['ES256', 'Ed25519', 'EdDSA'];

/** How far a proof's iat may be from now when it carries no nonce (oidc-provider's window). */
export const PROOF_WINDOW_SECONDS = 300;

const NONCE_STEP_SECONDS = 60;
const NONCE_INFO = 'DPoP';

/** The key a nonce secret is derived under (per instance), from the master key. */
export const dpopNonceSecretPurpose = (instanceId: string) => `oidc-dpop-nonce:${instanceId}`;

function nonceOfStep(secret: Buffer, step: number): string {
  const salt = Buffer.alloc(8);
  salt.writeBigUInt64BE(BigInt(step));
  return Buffer.from(hkdfSync('sha256', secret, salt, NONCE_INFO, 32)).toString('base64url');
}

/**
 * Server nonces (RFC 9449 §8): stateless, HKDF of the secret over the current minute, valid two
 * minutes either side; the same construction as oidc-provider's, so a nonce its token endpoint
 * hands out is accepted by userinfo and the API, and every process with the same master key
 * accepts every other process's nonces.
 */
export class DpopNonces {
  /**
   * @param required every proof must carry a nonce (else a client may prove with iat alone,
   *   which lets a proof be made ahead of time within the window)
   */
  constructor(
    private readonly secret: Buffer,
    readonly required = false,
  ) {
    if (secret.byteLength !== 32) throw new TypeError('a DPoP nonce secret is 32 bytes');
  }

  /** The nonce to hand out now (the next step's, so it stays valid longest). */
  next(nowSeconds = Math.floor(Date.now() / 1000)): string {
    return nonceOfStep(this.secret, Math.floor(nowSeconds / NONCE_STEP_SECONDS) + 1);
  }

  check(nonce: string, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
    const step = Math.floor(nowSeconds / NONCE_STEP_SECONDS);
    const given = Buffer.from(nonce);
    let matched = false;
    for (let s = step - 2; s <= step + 2; s++) {
      const expected = Buffer.from(nonceOfStep(this.secret, s));
      if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
    }
    return matched;
  }
}

/** RFC 9449 §7.1 error codes a refusal answers with. */
export type DpopErrorCode = OAuthErrorsOf<
  'invalid_token' | 'invalid_dpop_proof' | 'use_dpop_nonce' | 'invalid_request'
>;

/** A DPoP refusal: the OAuth error, why, and the nonce to retry with when one is due. */
export class DpopRefusal extends Error {
  constructor(
    readonly error: DpopErrorCode,
    readonly description: string,
    readonly nonce?: string,
  ) {
    super(description);
    this.name = 'DpopRefusal';
  }
}

/** What a request must match: its method and URL (RFC 9449 §4.3), and the token it carries. */
export interface ProofTarget {
  readonly htm: string;
  /** The URL without query and fragment, as the server is reached at (the issuer's origin). */
  readonly htu: string;
  /** The access token the proof goes with (`ath`, RFC 9449 §4.2), none at the token endpoint. */
  readonly accessToken?: string;
}

export interface VerifiedProof {
  /** The JWK SHA-256 thumbprint of the proof's key (RFC 7638), what tokens are bound to. */
  readonly jkt: string;
  readonly jti: string;
  readonly iat: number;
  /** A fresh nonce to send back (`DPoP-Nonce`) when the proof did not use the current one. */
  readonly nextNonce?: string;
}

/** base64url(SHA-256(token)): the `ath` claim of a proof for that token. */
export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token, 'ascii').digest('base64url');
}

/** htu as compared: the URL without query and fragment, undefined when not a URL. */
function normalizedUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || !URL.canParse(value)) return undefined;
  const url = new URL(value);
  url.hash = '';
  url.search = '';
  return url.href;
}

/**
 * Checks a DPoP proof JWT (RFC 9449 §4.3): typ `dpop+jwt`, an allowed algorithm, signed by the
 * public key in its header, a jti, an iat within the window unless it carries a valid nonce,
 * htm and htu of this request and, with an access token, its `ath`. Replay is the caller's
 * (shared by every process, see ReplayDetection).
 */
export async function verifyDpopProof(
  proof: string,
  target: ProofTarget,
  nonces: DpopNonces,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<VerifiedProof> {
  const nextNonce = nonces.next(nowSeconds);
  let payload: Record<string, unknown>;
  let jwk: JWK;
  try {
    const verified = await jwtVerify(proof, EmbeddedJWK, {
      algorithms: [...DPOP_ALGS],
      typ: 'dpop+jwt',
      currentDate: new Date(nowSeconds * 1000),
    });
    payload = verified.payload;
    jwk = verified.protectedHeader.jwk!;
  } catch (err) {
    throw new DpopRefusal('invalid_dpop_proof', `invalid DPoP proof: ${(err as Error).message}`);
  }
  const { iat, jti, nonce, htm, htu, ath } = payload;
  if (typeof iat !== 'number' || !iat)
    throw new DpopRefusal('invalid_dpop_proof', 'the DPoP proof needs an iat number');
  if (typeof jti !== 'string' || !jti) throw new DpopRefusal('invalid_dpop_proof', 'the DPoP proof needs a jti string');
  if (nonce !== undefined && typeof nonce !== 'string')
    throw new DpopRefusal('invalid_dpop_proof', 'the DPoP proof nonce must be a string');
  if (!nonce && Math.abs(nowSeconds - iat) > PROOF_WINDOW_SECONDS) {
    throw new DpopRefusal('use_dpop_nonce', 'the DPoP proof iat is not recent enough: use a DPoP nonce', nextNonce);
  }
  if (htm !== target.htm)
    throw new DpopRefusal('invalid_dpop_proof', 'the DPoP proof htm does not match the request method');
  if (normalizedUrl(htu) === undefined || normalizedUrl(htu) !== normalizedUrl(target.htu)) {
    throw new DpopRefusal('invalid_dpop_proof', 'the DPoP proof htu does not match the request URL');
  }
  if (target.accessToken !== undefined && ath !== accessTokenHash(target.accessToken)) {
    throw new DpopRefusal('invalid_dpop_proof', 'the DPoP proof ath does not match the access token');
  }
  if (!nonce && nonces.required)
    throw new DpopRefusal('use_dpop_nonce', 'a DPoP nonce is required in the proof', nextNonce);
  if (nonce && !nonces.check(nonce, nowSeconds))
    throw new DpopRefusal('use_dpop_nonce', 'the DPoP nonce is invalid or expired', nextNonce);
  return { jkt: await calculateJwkThumbprint(jwk), jti, iat, ...(nonce !== nextNonce ? { nextNonce } : {}) };
}

/** How a request presents an access token: `Authorization: Bearer|DPoP <token>` and the DPoP header. */
export interface TokenPresentation {
  readonly scheme: 'bearer' | 'dpop';
  readonly token: string;
  readonly proof?: string;
}

/** `Authorization: Bearer <token>` or `DPoP <token>` (RFC 9449 §7.1), else undefined. */
export function parseAuthorization(
  header: string | null | undefined,
  proof?: string | null,
): TokenPresentation | undefined {
  const match = /^(Bearer|DPoP)\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  return {
    scheme: match[1].toLowerCase() === 'dpop' ? 'dpop' : 'bearer',
    token: match[2],
    ...(proof ? { proof } : {}),
  };
}

/**
 * The sender-constraint rule (RFC 9449 §7.1, §7.2) once the token and the proof's key are known:
 * a bound token only with the DPoP scheme and a proof of its key; an unbound token only as a
 * Bearer token without a proof. Undefined when the request may go on.
 */
export function senderConstraintRefusal(
  scheme: TokenPresentation['scheme'],
  tokenJkt: string | undefined,
  proofJkt: string | undefined,
): DpopRefusal | undefined {
  if (tokenJkt && scheme !== 'dpop')
    return new DpopRefusal(
      'invalid_token',
      'the access token is DPoP-bound: send it as Authorization: DPoP <token> with a DPoP proof',
    );
  if (!tokenJkt && (scheme === 'dpop' || proofJkt))
    return new DpopRefusal('invalid_token', 'the access token is not DPoP-bound but was presented with DPoP');
  if (tokenJkt && tokenJkt !== proofJkt)
    return new DpopRefusal('invalid_token', 'the DPoP proof is not signed by the key the access token is bound to');
  return undefined;
}

/** A proof header that comes without the DPoP scheme, or the scheme without a proof (RFC 9449 §7.1). */
export function presentationRefusal(presented: TokenPresentation): DpopRefusal | undefined {
  if (presented.scheme === 'dpop' && !presented.proof)
    return new DpopRefusal('invalid_request', 'the DPoP scheme needs a DPoP proof header');
  if (presented.scheme === 'bearer' && presented.proof)
    return new DpopRefusal('invalid_request', 'a DPoP proof goes with Authorization: DPoP <token>');
  return undefined;
}

/** The `WWW-Authenticate` challenge of a refusal (RFC 9449 §7.1). */
export function dpopChallenge(refusal: DpopRefusal, realm?: string): string {
  const quote = (v: string) => `"${v.replace(/["\\]/g, '')}"`;
  const parts = [
    realm ? `realm=${quote(realm)}` : undefined,
    `error=${quote(refusal.error)}`,
    `error_description=${quote(refusal.description)}`,
    `algs=${quote(DPOP_ALGS.join(' '))}`,
  ];
  return `DPoP ${parts.filter(Boolean).join(', ')}`;
}

/** The response headers of a refusal: the challenge and, when one is due, a nonce. */
export function refusalHeaders(refusal: DpopRefusal, realm?: string): Record<string, string> {
  return {
    'www-authenticate': dpopChallenge(refusal, realm),
    ...(refusal.nonce ? { 'dpop-nonce': refusal.nonce } : {}),
  };
}
