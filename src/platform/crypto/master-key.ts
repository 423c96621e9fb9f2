import { createCipheriv, createDecipheriv, createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Reversible secrets (TOTP seeds, private keys, domain challenge tokens) are sealed with
 * AES-256-GCM under the master key. Format: `v1.<iv>.<tag>.<ciphertext>`, base64url parts.
 */
export class MasterKey {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('the master key must be exactly 32 bytes');
    this.key = key;
  }

  static fromString(value: string): MasterKey {
    const bytes = Buffer.from(value, 'utf8');
    if (bytes.length !== 32) {
      throw new Error(`PORTCULLIS_MASTERKEY must be exactly 32 bytes (got ${bytes.length})`);
    }
    return new MasterKey(bytes);
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), ciphertext]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** A key for one purpose (e.g. signing cookies), the same in every process with this master key. */
  derive(purpose: string): string {
    return createHmac('sha256', this.key).update(purpose).digest('base64url');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** Tokens and secrets compared but never read back are stored as SHA-256 (they are random,
 * high-entropy values, so a slow hash adds nothing). */
export function hashToken(token: string): string {
  // The one-shot hash: no Hash object per call (every token look-up hashes the token it was given).
  return hash('sha256', token, 'base64url');
}

/** Whether `token` is the one `storedHash` (a `hashToken`) was made from, compared in constant time. */
export function sameTokenHash(storedHash: string, token: string): boolean {
  const given = Buffer.from(hashToken(token));
  const stored = Buffer.from(storedHash);
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** A random, URL-safe token of `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
