import { pbkdf2, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { Injectable } from '@nestjs/common';
import { Algorithm, hash as argon2Hash, parseOptions as parseArgon2, verify as argon2Verify } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import { Config } from '../platform/config/config.js';
import { invalidField } from '../platform/errors/domain-error.js';

/** The argon2id parameters new hashes are made with (`PORTCULLIS_PASSWORD_HASH_*`). */
export interface Argon2Params {
  readonly memoryKib: number;
  readonly iterations: number;
  readonly parallelism: number;
}

/**
 * Ceilings for imported hashes: every login re-runs the hash with the stored parameters, so a
 * hash that asks for gigabytes or minutes would let one login attempt starve the server.
 */
const LIMITS = Object.freeze({
  argon2MemoryKib: 1 << 20, // 1 GiB
  argon2Iterations: 64,
  argon2Parallelism: 16,
  bcryptCost: 17,
  pbkdf2Iterations: 10_000_000,
  scryptMemoryBytes: 1 << 30, // 128 * N * r
  scryptParallelism: 16,
});

const PBKDF2_DIGESTS = { pbkdf2: 'sha1', 'pbkdf2-sha256': 'sha256', 'pbkdf2-sha512': 'sha512' } as const;
type Pbkdf2Digest = (typeof PBKDF2_DIGESTS)[keyof typeof PBKDF2_DIGESTS];

/** A stored hash, understood. */
export type ParsedHash =
  | {
      readonly kind: 'argon2';
      readonly variant: 'argon2i' | 'argon2id';
      readonly memoryKib: number;
      readonly iterations: number;
      readonly parallelism: number;
      readonly version: 16 | 19;
    }
  | { readonly kind: 'bcrypt'; readonly cost: number }
  | {
      readonly kind: 'pbkdf2';
      readonly digest: Pbkdf2Digest;
      readonly iterations: number;
      readonly salt: Buffer;
      readonly hash: Buffer;
    }
  | {
      readonly kind: 'scrypt';
      readonly n: number;
      readonly r: number;
      readonly p: number;
      readonly salt: Buffer;
      readonly hash: Buffer;
    };

/** passlib's "adapted base64" (`.` for `+`, no padding) and PHC's unpadded base64 both decode here. */
function decodeB64(value: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/.]+$/.test(value)) return undefined;
  const bytes = Buffer.from(value.replace(/\./g, '+'), 'base64');
  return bytes.length ? bytes : undefined;
}

/** `a=1,b=2` → { a: 1, b: 2 }, or undefined when any part is not `name=digits`. */
function params(text: string): Record<string, number> | undefined {
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    const m = /^([a-z]+)=(\d{1,10})$/.exec(part);
    if (!m) return undefined;
    out[m[1]] = Number(m[2]);
  }
  return out;
}

function parseArgon2Hash(encoded: string): ParsedHash | undefined {
  const m = /^\$(argon2id|argon2i)\$(?:v=(16|19)\$)?m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.exec(encoded);
  if (!m) return undefined;
  try {
    const o = parseArgon2(encoded);
    return {
      kind: 'argon2',
      variant: m[1] as 'argon2i' | 'argon2id',
      memoryKib: o.memoryCost,
      iterations: o.timeCost,
      parallelism: o.parallelism,
      version: m[2] === '16' ? 16 : 19,
    };
  } catch {
    return undefined;
  }
}

/**
 * Understands the formats Portcullis verifies: argon2i/argon2id (PHC), bcrypt (`$2a$`, `$2b$`,
 * `$2y$`), PBKDF2 (passlib's `$pbkdf2[-sha256|-sha512]$<rounds>$salt$hash` and PHC's
 * `$pbkdf2-sha256$i=<rounds>[,l=<len>]$salt$hash`) and scrypt (`$scrypt$ln=,r=,p=$salt$hash`).
 * Anything else, or parameters past the limits, is undefined.
 */
export function parseHash(encoded: string): ParsedHash | undefined {
  if (encoded.startsWith('$argon2')) return parseArgon2Hash(encoded);

  const bcryptMatch = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/.exec(encoded);
  if (bcryptMatch) {
    const cost = Number(bcryptMatch[1]);
    return cost >= 4 && cost <= 31 ? { kind: 'bcrypt', cost } : undefined;
  }

  const parts = encoded.split('$');
  // '', id, parameters, salt, hash
  if (parts.length !== 5 || parts[0] !== '') return undefined;
  const [, id, parameters, saltText, hashText] = parts;
  const salt = decodeB64(saltText);
  const hash = decodeB64(hashText);
  if (!salt || !hash) return undefined;

  if (id in PBKDF2_DIGESTS) {
    const digest = PBKDF2_DIGESTS[id as keyof typeof PBKDF2_DIGESTS];
    let iterations: number;
    if (/^\d{1,10}$/.test(parameters)) {
      iterations = Number(parameters);
    } else {
      const p = params(parameters);
      if (!p || p.i === undefined || Object.keys(p).some((k) => k !== 'i' && k !== 'l')) return undefined;
      if (p.l !== undefined && p.l !== hash.length) return undefined;
      iterations = p.i;
    }
    return iterations >= 1 ? { kind: 'pbkdf2', digest, iterations, salt, hash } : undefined;
  }

  if (id === 'scrypt') {
    const p = params(parameters);
    if (!p || p.ln === undefined || p.r === undefined || p.p === undefined || Object.keys(p).length !== 3)
      return undefined;
    if (p.ln < 1 || p.ln > 31 || p.r < 1 || p.p < 1) return undefined;
    return { kind: 'scrypt', n: 2 ** p.ln, r: p.r, p: p.p, salt, hash };
  }
  return undefined;
}

/** Why a parsed hash is too costly to accept, or undefined when it is within the limits. */
function overLimit(h: ParsedHash): string | undefined {
  switch (h.kind) {
    case 'argon2':
      if (
        h.memoryKib > LIMITS.argon2MemoryKib ||
        h.iterations > LIMITS.argon2Iterations ||
        h.parallelism > LIMITS.argon2Parallelism
      ) {
        return `argon2 parameters above m=${LIMITS.argon2MemoryKib},t=${LIMITS.argon2Iterations},p=${LIMITS.argon2Parallelism} are not accepted`;
      }
      return undefined;
    case 'bcrypt':
      return h.cost > LIMITS.bcryptCost ? `bcrypt costs above ${LIMITS.bcryptCost} are not accepted` : undefined;
    case 'pbkdf2':
      return h.iterations > LIMITS.pbkdf2Iterations
        ? `more than ${LIMITS.pbkdf2Iterations} PBKDF2 iterations are not accepted`
        : undefined;
    case 'scrypt':
      if (128 * h.n * h.r > LIMITS.scryptMemoryBytes || h.p > LIMITS.scryptParallelism)
        return 'scrypt parameters needing more than 1 GiB are not accepted';
      return undefined;
  }
}

const pbkdf2Async = promisify(pbkdf2);
const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Hashing and checking passwords. New hashes are argon2id with the configured parameters;
 * hashes imported from other systems (`hashedPassword`) are kept as they are, checked in their
 * own format, and should be replaced with a new hash after the next successful check
 * (`needsRehash`).
 */
@Injectable()
export class PasswordHasher {
  private readonly argon2: Argon2Params;

  constructor(config: Config) {
    this.argon2 = {
      memoryKib: config.passwordHashMemoryKib,
      iterations: config.passwordHashIterations,
      parallelism: config.passwordHashParallelism,
    };
  }

  hash(password: string): Promise<string> {
    return argon2Hash(password, {
      algorithm: Algorithm.Argon2id,
      memoryCost: this.argon2.memoryKib,
      timeCost: this.argon2.iterations,
      parallelism: this.argon2.parallelism,
    });
  }

  /** Whether the password matches the stored hash; false for unknown or malformed hashes. */
  async verify(encoded: string | null | undefined, password: string): Promise<boolean> {
    if (!encoded) return false;
    const parsed = parseHash(encoded);
    if (!parsed || overLimit(parsed)) return false;
    switch (parsed.kind) {
      case 'argon2':
        return argon2Verify(encoded, password).catch(() => false);
      case 'bcrypt':
        return bcrypt.compare(password, encoded).catch(() => false);
      case 'pbkdf2': {
        const derived = await pbkdf2Async(password, parsed.salt, parsed.iterations, parsed.hash.length, parsed.digest);
        return sameBytes(derived, parsed.hash);
      }
      case 'scrypt': {
        const { n, r, p } = parsed;
        const derived = await scryptAsync(password, parsed.salt, parsed.hash.length, {
          N: n,
          r,
          p,
          maxmem: 256 * n * r + (1 << 20),
        });
        return sameBytes(derived, parsed.hash);
      }
    }
  }

  /** True unless the hash is argon2id (v19) with exactly the configured parameters. */
  needsRehash(encoded: string): boolean {
    const parsed = parseHash(encoded);
    return !(
      parsed?.kind === 'argon2' &&
      parsed.variant === 'argon2id' &&
      parsed.version === 19 &&
      parsed.memoryKib === this.argon2.memoryKib &&
      parsed.iterations === this.argon2.iterations &&
      parsed.parallelism === this.argon2.parallelism
    );
  }

  /** Validates an imported hash's format and cost; returns it as stored. */
  importHash(encoded: string, field: string): string {
    const parsed = parseHash(encoded.trim());
    if (!parsed) {
      throw invalidField(
        'USER-h4sh0',
        field,
        'unsupported hash format (argon2i/argon2id, bcrypt, pbkdf2 or scrypt in PHC/passlib form)',
      );
    }
    const tooCostly = overLimit(parsed);
    if (tooCostly) throw invalidField('USER-h4sh1', field, tooCostly);
    return encoded.trim();
  }
}
