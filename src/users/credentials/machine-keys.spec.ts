import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { DomainError } from '../../platform/errors/domain-error.js';
import { expirationOf, generateRsaKeyPair, goTime, keyFile, NEVER_EXPIRES, parsePublicKey } from './machine-keys.js';

function violation(fn: () => unknown): { kind: string; field: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return { kind: err.kind, field: err.fieldViolations[0]?.field };
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('parsePublicKey', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

  it('accepts SPKI and PKCS#1 PEM RSA public keys and stores SPKI', () => {
    const spki = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const pkcs1 = rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(parsePublicKey(Buffer.from(spki), 'public_key')).toBe(spki);
    expect(parsePublicKey(Buffer.from(pkcs1), 'public_key')).toBe(spki);
  });

  it.each([
    ['garbage', () => Buffer.from('not a key')],
    ['DER instead of PEM', () => rsa.publicKey.export({ type: 'spki', format: 'der' })],
    ['a private key', () => Buffer.from(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())],
    ['a broken PEM body', () => Buffer.from('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n')],
    [
      'an EC key',
      () =>
        Buffer.from(
          generateKeyPairSync('ec', { namedCurve: 'P-256' })
            .publicKey.export({ type: 'spki', format: 'pem' })
            .toString(),
        ),
    ],
    [
      'a 1024-bit RSA key',
      () =>
        Buffer.from(
          generateKeyPairSync('rsa', { modulusLength: 1024 })
            .publicKey.export({ type: 'spki', format: 'pem' })
            .toString(),
        ),
    ],
  ])('refuses %s as INVALID_ARGUMENT on public_key', (_name, bytes) => {
    expect(violation(() => parsePublicKey(bytes(), 'public_key'))).toEqual({
      kind: 'InvalidArgument',
      field: 'public_key',
    });
  });
});

describe('key files', () => {
  it('has ZITADEL shape with the generated private key, which matches the public key', async () => {
    const pair = await generateRsaKeyPair();
    expect(pair.privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    expect(pair.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const file = JSON.parse(
      keyFile({
        keyId: '1',
        userId: '2',
        expiresAt: new Date('2030-01-02T03:04:05Z'),
        privateKey: pair.privateKey,
      }).toString(),
    );
    expect(Object.keys(file)).toEqual(['type', 'keyId', 'key', 'expirationDate', 'userId']);
    expect(file).toMatchObject({
      type: 'serviceaccount',
      keyId: '1',
      expirationDate: '2030-01-02T03:04:05Z',
      userId: '2',
    });
    const signature = sign('sha256', Buffer.from('assertion'), createPrivateKey(file.key));
    expect(verify('sha256', Buffer.from('assertion'), createPublicKey(pair.publicKey), signature)).toBe(true);
  });

  it('leaves the key out when the public key was supplied', () => {
    const file = JSON.parse(keyFile({ keyId: '1', userId: '2', expiresAt: NEVER_EXPIRES }).toString());
    expect(file).toEqual({ type: 'serviceaccount', keyId: '1', expirationDate: '9999-12-31T23:59:59Z', userId: '2' });
  });

  it("writes times as Go's time.Time JSON does", () => {
    expect(goTime(new Date('2030-01-02T03:04:05.000Z'))).toBe('2030-01-02T03:04:05Z');
    expect(goTime(new Date('2030-01-02T03:04:05.120Z'))).toBe('2030-01-02T03:04:05.12Z');
  });
});

describe('expirationOf', () => {
  const now = new Date('2026-01-01T00:00:00Z');

  it("defaults to ZITADEL's far future and keeps future dates", () => {
    expect(expirationOf(undefined, 'expiration_date', now)).toBe(NEVER_EXPIRES);
    expect(expirationOf(new Date('2026-06-01T00:00:00Z'), 'expiration_date', now).toISOString()).toBe(
      '2026-06-01T00:00:00.000Z',
    );
  });

  it('refuses the past as INVALID_ARGUMENT on the field', () => {
    expect(violation(() => expirationOf(new Date('2025-01-01T00:00:00Z'), 'expiration_date', now))).toEqual({
      kind: 'InvalidArgument',
      field: 'expiration_date',
    });
  });
});
