import { Algorithm, hash, verify } from '@node-rs/argon2';
import { Injectable } from '@nestjs/common';
import { invalidField } from '../platform/errors/domain-error.js';

/** argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane). */
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export function verifyPassword(encoded: string, password: string): Promise<boolean> {
  return verify(encoded, password);
}

/**
 * Hashing and checking passwords, and accepting hashes imported from other systems
 * (`hashedPassword`). Imported hashes are kept as they are and re-hashed with the current
 * parameters on the next successful check.
 */
@Injectable()
export class PasswordHasher {
  hash(password: string): Promise<string> {
    return hashPassword(password);
  }

  async verify(encoded: string, password: string): Promise<boolean> {
    return verifyPassword(encoded, password);
  }

  /** Validates an imported hash's format; returns it as stored. */
  importHash(encoded: string, field: string): string {
    if (/^\$argon2(id|i)\$/.test(encoded)) return encoded;
    throw invalidField('USER-h4sh0', field, 'unsupported hash format');
  }
}
