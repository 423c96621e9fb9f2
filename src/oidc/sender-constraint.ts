import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { oidcLibrary } from './oidc-library.js';
import { invalidGrant } from './oauth-errors.js';
import {
  DpopRefusal,
  PROOF_WINDOW_SECONDS,
  presentationRefusal,
  senderConstraintRefusal,
  verifyDpopProof,
  type DpopNonces,
  type TokenPresentation,
} from './dpop.js';

/** The stored token's binding: its DPoP key thumbprint (`cnf.jkt`) and its client (replay scope). */
export interface BoundToken {
  readonly jkt?: string;
  readonly clientId?: string;
}

/**
 * Whether the request may use the token (RFC 9449 §7): a DPoP-bound token only with a valid,
 * unused proof of its key for this request (method, URL, `ath` of this token); a Bearer token
 * without one. Proof jtis are recorded in PostgreSQL, so a proof replayed to another process is
 * refused too. Answers the nonce to send back, if any; throws a DpopRefusal.
 */
export async function checkSenderConstraint(
  provider: Provider,
  nonces: DpopNonces,
  token: BoundToken,
  presented: TokenPresentation,
  target: { htm: string; htu: string },
): Promise<{ nextNonce?: string }> {
  const malformed = presentationRefusal(presented);
  if (malformed) throw malformed;
  let proof: Awaited<ReturnType<typeof verifyDpopProof>> | undefined;
  if (presented.proof) {
    proof = await verifyDpopProof(presented.proof, { ...target, accessToken: presented.token }, nonces);
    const now = Math.floor(Date.now() / 1000);
    if (!(await provider.ReplayDetection.unique(token.clientId ?? '', proof.jti, now + PROOF_WINDOW_SECONDS))) {
      throw new DpopRefusal('invalid_dpop_proof', 'the DPoP proof was used before (replay)');
    }
  }
  const refusal = senderConstraintRefusal(presented.scheme, token.jkt, proof?.jkt);
  if (refusal) throw refusal;
  return proof?.nextNonce ? { nextNonce: proof.nextNonce } : {};
}

/** A token request's DPoP header and what its proof must match. */
export interface TokenRequestProof {
  readonly proof: string | undefined;
  readonly htm: string;
  /** The token endpoint's URL as the client reaches it. */
  readonly htu: string;
  /** The authenticated client: proof jtis are unique per client, as oidc-provider keeps them. */
  readonly clientId: string;
}

/**
 * The DPoP proof of a token request to a grant Portcullis serves itself (client_credentials, the
 * JWT profile): checked as oidc-provider checks it at its own grants (its errors, a nonce when
 * due, the jti recorded once); the key's thumbprint to bind the token to, undefined without a
 * proof. `setNonce` gets the nonce to send back (`DPoP-Nonce`), if any.
 */
export async function tokenRequestProof(
  provider: Provider,
  nonces: DpopNonces,
  request: TokenRequestProof,
  setNonce: (nonce: string) => void,
): Promise<string | undefined> {
  if (!request.proof) return undefined;
  let proof: Awaited<ReturnType<typeof verifyDpopProof>>;
  try {
    proof = await verifyDpopProof(request.proof, { htm: request.htm, htu: request.htu }, nonces);
  } catch (err) {
    if (!(err instanceof DpopRefusal)) throw err;
    if (err.nonce) setNonce(err.nonce);
    throw err.error === 'use_dpop_nonce'
      ? new (oidcLibrary().errors.UseDpopNonce)(err.description)
      : new (oidcLibrary().errors.InvalidDpopProof)(err.description);
  }
  if (proof.nextNonce) setNonce(proof.nextNonce);
  const now = Math.floor(Date.now() / 1000);
  if (!(await provider.ReplayDetection.unique(request.clientId, proof.jti, now + PROOF_WINDOW_SECONDS))) {
    throw invalidGrant('the DPoP proof was used before (replay)');
  }
  return proof.jkt;
}

/** The token request's proof inside oidc-provider (a grant registered with it). */
export function providerTokenRequestProof(
  provider: Provider,
  ctx: KoaContextWithOIDC,
  nonces: DpopNonces,
): Promise<string | undefined> {
  return tokenRequestProof(
    provider,
    nonces,
    {
      proof: ctx.get('DPoP') || undefined,
      htm: ctx.method,
      htu: ctx.oidc.urlFor(ctx.oidc.route),
      clientId: ctx.oidc.client!.clientId,
    },
    (nonce) => ctx.set('DPoP-Nonce', nonce),
  );
}
