import { pbkdf2Sync, randomBytes, scryptSync } from 'node:crypto';
import { Algorithm, hash as argon2Hash } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import type { Config } from '../platform/config/config.js';
import { DomainError } from '../platform/errors/domain-error.js';
import { parseHash, PasswordHasher } from './passwords.js';

// Small parameters keep the suite fast; the formats, not the costs, are under test.
const config = { passwordHashMemoryKib: 1024, passwordHashIterations: 1, passwordHashParallelism: 1 } as Config;
const hasher = new PasswordHasher(config);
const PASSWORD = 'correct horse battery staple';

/** passlib's adapted base64: `.` instead of `+`, no padding. */
const ab64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '').replace(/\+/g, '.');
/** PHC's base64: standard alphabet, no padding. */
const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

function passlibPbkdf2(
  id: 'pbkdf2' | 'pbkdf2-sha256' | 'pbkdf2-sha512',
  digest: string,
  length: number,
  rounds = 1000,
): string {
  const salt = randomBytes(16);
  return `$${id}$${rounds}$${ab64(salt)}$${ab64(pbkdf2Sync(PASSWORD, salt, rounds, length, digest))}`;
}

function passlibScrypt(ln = 10, r = 8, p = 1): string {
  const salt = randomBytes(16);
  const key = scryptSync(PASSWORD, salt, 32, { N: 2 ** ln, r, p });
  return `$scrypt$ln=${ln},r=${r},p=${p}$${ab64(salt)}$${ab64(key)}`;
}

const formats: [string, () => Promise<string>][] = [
  ['argon2id (our own)', () => hasher.hash(PASSWORD)],
  [
    'argon2i',
    () => argon2Hash(PASSWORD, { algorithm: Algorithm.Argon2i, memoryCost: 1024, timeCost: 2, parallelism: 1 }),
  ],
  [
    'argon2id with other parameters',
    () => argon2Hash(PASSWORD, { algorithm: Algorithm.Argon2id, memoryCost: 2048, timeCost: 1, parallelism: 2 }),
  ],
  ['bcrypt $2a$', async () => (await bcrypt.hash(PASSWORD, 4)).replace(/^\$2b\$/, '$2a$')],
  ['bcrypt $2b$', () => bcrypt.hash(PASSWORD, 4)],
  ['bcrypt $2y$', async () => (await bcrypt.hash(PASSWORD, 4)).replace(/^\$2b\$/, '$2y$')],
  ['pbkdf2 (sha1, passlib)', async () => passlibPbkdf2('pbkdf2', 'sha1', 20)],
  ['pbkdf2-sha256 (passlib)', async () => passlibPbkdf2('pbkdf2-sha256', 'sha256', 32)],
  ['pbkdf2-sha512 (passlib)', async () => passlibPbkdf2('pbkdf2-sha512', 'sha512', 64)],
  [
    'pbkdf2-sha256 (PHC i=,l=)',
    async () => {
      const salt = randomBytes(16);
      return `$pbkdf2-sha256$i=1200,l=32$${b64(salt)}$${b64(pbkdf2Sync(PASSWORD, salt, 1200, 32, 'sha256'))}`;
    },
  ],
  ['scrypt (ln=10,r=8,p=1)', async () => passlibScrypt()],
  ['scrypt (ln=14,r=8,p=2, above node’s default maxmem)', async () => passlibScrypt(14, 8, 2)],
];

describe('PasswordHasher', () => {
  it.each(formats)('verifies %s, accepts it for import and rejects a wrong password', async (_name, make) => {
    const encoded = await make();
    expect(parseHash(encoded)).toBeDefined();
    expect(hasher.importHash(encoded, 'hashed_password.hash')).toBe(encoded);
    await expect(hasher.verify(encoded, PASSWORD)).resolves.toBe(true);
    await expect(hasher.verify(encoded, PASSWORD + '!')).resolves.toBe(false);
    await expect(hasher.verify(encoded, '')).resolves.toBe(false);
  });

  it("reads passlib's own output (its documented pbkdf2-sha256 example of 'password')", async () => {
    const passlib = '$pbkdf2-sha256$6400$.6UI/S.nXIk8jcbdHx3Fhg$98jZicV16ODfEsEZeYPGHU3kbrUrvUEXOPimVSQDD44';
    await expect(hasher.verify(passlib, 'password')).resolves.toBe(true);
  });

  it('hashes with argon2id and the configured parameters', async () => {
    const encoded = await hasher.hash(PASSWORD);
    expect(encoded).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(hasher.needsRehash(encoded)).toBe(false);
  });

  it('uses the defaults of the configuration (OWASP: 19 MiB, 2 passes, 1 lane)', async () => {
    const { loadConfig } = await import('../platform/config/config.js');
    const defaults = loadConfig({});
    expect([defaults.passwordHashMemoryKib, defaults.passwordHashIterations, defaults.passwordHashParallelism]).toEqual(
      [19456, 2, 1],
    );
    expect(await new PasswordHasher(defaults).hash(PASSWORD)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('asks for a rehash of everything but argon2id with the current parameters', async () => {
    const stronger = new PasswordHasher({ ...config, passwordHashMemoryKib: 2048 } as Config);
    const current = await hasher.hash(PASSWORD);
    expect(stronger.needsRehash(current)).toBe(true);
    for (const [, make] of formats.slice(1)) expect(hasher.needsRehash(await make())).toBe(true);
    expect(hasher.needsRehash('not a hash')).toBe(true);
  });

  it.each([
    ['plain text', 'Password1!'],
    ['md5 crypt', '$1$saltsalt$2vnaRpHa6Jxjz5n83ok8Z0'],
    ['argon2d', '$argon2d$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$6a5B2sB3oD4y1vBPXMXIEWGSNzb6HiMBvNfBc7dMhGc'],
    ['bcrypt with a broken body', '$2b$10$short'],
    ['bcrypt with an impossible cost', `$2b$03$${'a'.repeat(53)}`],
    ['pbkdf2 with an unknown digest', '$pbkdf2-md5$1000$c2FsdA$aGFzaA'],
    [
      'pbkdf2 with a wrong PHC length',
      `$pbkdf2-sha256$i=1000,l=16$${b64(Buffer.alloc(16, 1))}$${b64(Buffer.alloc(32, 2))}`,
    ],
    ['scrypt without r', '$scrypt$ln=10,p=1$c2FsdA$aGFzaA'],
    ['empty', ''],
  ])('refuses to import %s with INVALID_ARGUMENT on the field', async (_name, encoded) => {
    let error: unknown;
    try {
      hasher.importHash(encoded, 'hashed_password.hash');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).kind).toBe('InvalidArgument');
    expect((error as DomainError).fieldViolations[0].field).toBe('hashed_password.hash');
    await expect(hasher.verify(encoded, 'Password1!')).resolves.toBe(false);
  });

  it.each([
    ['argon2 with 2 GiB', '$argon2id$v=19$m=2097152,t=1,p=1$c29tZXNhbHQxMjM0NTY$' + 'A'.repeat(43)],
    ['bcrypt cost 20', `$2b$20$${'a'.repeat(53)}`],
    [
      'pbkdf2 with 50 million rounds',
      `$pbkdf2-sha256$50000000$${ab64(Buffer.alloc(16, 1))}$${ab64(Buffer.alloc(32, 2))}`,
    ],
    ['scrypt with ln=24', `$scrypt$ln=24,r=8,p=1$${ab64(Buffer.alloc(16, 1))}$${ab64(Buffer.alloc(32, 2))}`],
  ])('refuses to import %s: one login must not cost that much', (_name, encoded) => {
    expect(() => hasher.importHash(encoded, 'hash')).toThrow(/not accepted/);
  });
});
