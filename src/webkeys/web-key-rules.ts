import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

export type RsaBits = 2048 | 3072 | 4096;
export type RsaHasher = 'sha256' | 'sha384' | 'sha512';
/** ZITADEL's ECDSA_CURVE_P512 is NIST P-521 (Go's elliptic.P521), signing ES512. */
export type EcdsaCurve = 'P-256' | 'P-384' | 'P-521';

export type WebKeyConfig =
  | { readonly type: 'rsa'; readonly bits: RsaBits; readonly hasher: RsaHasher }
  | { readonly type: 'ecdsa'; readonly curve: EcdsaCurve }
  | { readonly type: 'ed25519' };

/** ZITADEL's default when CreateWebKey names no key type (and the bootstrap key). */
export const DEFAULT_WEB_KEY: WebKeyConfig = { type: 'rsa', bits: 2048, hasher: 'sha256' };

const RSA_ALG: Record<RsaHasher, string> = { sha256: 'RS256', sha384: 'RS384', sha512: 'RS512' };
const ECDSA_ALG: Record<EcdsaCurve, string> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };

/** The JWS `alg` (RFC 7518 §3.1, RFC 8037 §3.1) a key of this config signs with. */
export function algOf(config: WebKeyConfig): string {
  switch (config.type) {
    case 'rsa':
      return RSA_ALG[config.hasher];
    case 'ecdsa':
      return ECDSA_ALG[config.curve];
    case 'ed25519':
      return 'EdDSA';
  }
}

export interface GeneratedWebKey {
  readonly alg: string;
  /** Public JWK with `kid`, `use: "sig"` and `alg` (RFC 7517 §4). */
  readonly publicJwk: Record<string, unknown>;
  /** PKCS#8 PEM, to be sealed before it is stored. */
  readonly privatePem: string;
}

export async function generateWebKey(kid: string, config: WebKeyConfig): Promise<GeneratedWebKey> {
  let pair: { publicKey: KeyObject; privateKey: KeyObject };
  switch (config.type) {
    case 'rsa':
      pair = await generateKeyPairAsync('rsa', { modulusLength: config.bits });
      break;
    case 'ecdsa':
      pair = await generateKeyPairAsync('ec', { namedCurve: config.curve });
      break;
    case 'ed25519':
      pair = await generateKeyPairAsync('ed25519');
      break;
  }
  const alg = algOf(config);
  return {
    alg,
    publicJwk: { ...pair.publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg },
    privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
