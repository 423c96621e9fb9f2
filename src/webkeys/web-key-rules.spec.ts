import { createPublicKey } from 'node:crypto';
import { algOf, generateWebKey, type WebKeyConfig } from './web-key-rules.js';

describe('web key rules', () => {
  it.each<[WebKeyConfig, string, string]>([
    [{ type: 'rsa', bits: 2048, hasher: 'sha256' }, 'RS256', 'RSA'],
    [{ type: 'rsa', bits: 3072, hasher: 'sha384' }, 'RS384', 'RSA'],
    [{ type: 'rsa', bits: 2048, hasher: 'sha512' }, 'RS512', 'RSA'],
    [{ type: 'ecdsa', curve: 'P-256' }, 'ES256', 'EC'],
    [{ type: 'ecdsa', curve: 'P-384' }, 'ES384', 'EC'],
    [{ type: 'ecdsa', curve: 'P-521' }, 'ES512', 'EC'],
    [{ type: 'ed25519' }, 'EdDSA', 'OKP'],
  ])('generates %j as %s with a public JWK only', async (config, alg, kty) => {
    expect(algOf(config)).toBe(alg);
    const key = await generateWebKey('kid-1', config);
    expect(key.publicJwk).toMatchObject({ kid: 'kid-1', use: 'sig', alg, kty });
    expect(key.publicJwk).not.toHaveProperty('d');
    expect(key.privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(createPublicKey({ key: key.publicJwk as never, format: 'jwk' }).type).toBe('public');
  });
});
