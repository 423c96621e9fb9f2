import { createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { invalidField } from '../../platform/errors/domain-error.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** ZITADEL's expiration when none is given: the end of 9999 (domain.defaultExpDate). */
export const NEVER_EXPIRES = new Date(Date.UTC(9999, 11, 31, 23, 59, 59));

/** The smallest RSA modulus accepted for supplied public keys (NIST SP 800-131A). */
const MIN_RSA_BITS = 2048;

/** An expiration date for a new credential: unset means ZITADEL's "never", the past is refused. */
export function expirationOf(date: Date | undefined, field: string, now = new Date()): Date {
  if (!date) return NEVER_EXPIRES;
  if (Number.isNaN(date.getTime())) throw invalidField('CRED-3xp1v', field, 'is not a valid timestamp');
  if (date.getTime() <= now.getTime()) throw invalidField('CRED-3xp1r', field, 'must be in the future');
  return date;
}

/**
 * A supplied public key, validated: PEM text of an RSA public key (SPKI `PUBLIC KEY` or PKCS#1
 * `RSA PUBLIC KEY`) of at least 2048 bits. Returned as SPKI PEM, the form that is stored.
 * Private keys are refused rather than silently reduced to their public half.
 */
export function parsePublicKey(bytes: Uint8Array, field: string): string {
  const text = Buffer.from(bytes).toString('utf8').trim();
  const header = /^-----BEGIN ((?:RSA )?PUBLIC KEY)-----/.exec(text);
  if (!header) {
    throw invalidField('CRED-k3yp1', field, 'must be a PEM encoded RSA public key ("-----BEGIN PUBLIC KEY-----")');
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: 'pem' });
  } catch {
    throw invalidField('CRED-k3yp2', field, 'is not a readable PEM public key');
  }
  if (key.asymmetricKeyType !== 'rsa') throw invalidField('CRED-k3yp3', field, 'must be an RSA key');
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS)
    throw invalidField('CRED-k3yp4', field, `must be at least ${MIN_RSA_BITS} bits long (got ${bits})`);
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** A fresh RSA 2048 key pair: SPKI public PEM to store, PKCS#1 private PEM for the key file (as ZITADEL). */
export async function generateRsaKeyPair(): Promise<{ publicKey: string; privateKey: string }> {
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  };
}

/** Go's `time.Time` JSON form (RFC 3339 with only the fraction digits needed), as in ZITADEL's key files. */
export function goTime(date: Date): string {
  return date.toISOString().replace(/\.(\d*?)0*Z$/, (_m, digits: string) => (digits ? `.${digits}Z` : 'Z'));
}

/**
 * ZITADEL's JSON key file for a machine key (`{"type":"serviceaccount","keyId","key",
 * "expirationDate","userId"}`), which its SDKs read to sign JWT profile assertions. `key`, the
 * private key, is only there when the server generated the pair.
 */
export function keyFile(key: { keyId: string; userId: string; expiresAt: Date; privateKey?: string }): Buffer {
  const file: Record<string, string> = { type: 'serviceaccount', keyId: key.keyId };
  if (key.privateKey) file.key = key.privateKey;
  file.expirationDate = goTime(key.expiresAt);
  file.userId = key.userId;
  return Buffer.from(JSON.stringify(file), 'utf8');
}
