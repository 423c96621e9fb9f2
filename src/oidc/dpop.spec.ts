import { randomBytes } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, calculateJwkThumbprint, type JWTPayload } from 'jose';
import {
  DpopNonces,
  DpopRefusal,
  accessTokenHash,
  dpopChallenge,
  parseAuthorization,
  presentationRefusal,
  senderConstraintRefusal,
  verifyDpopProof,
} from './dpop.js';

const HTU = 'https://id.example.com/oidc/v1/userinfo';
const NOW = 1_800_000_000;
const nonces = new DpopNonces(randomBytes(32));

async function keyPair(alg = 'ES256') {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

async function proof(
  claims: JWTPayload,
  options: { typ?: string; alg?: string; key?: Awaited<ReturnType<typeof keyPair>>; jwk?: object } = {},
) {
  const key = options.key ?? (await keyPair());
  const jwt = await new SignJWT({ htm: 'GET', htu: HTU, jti: `j${Math.random()}`, iat: NOW, ...claims })
    .setProtectedHeader({
      alg: options.alg ?? 'ES256',
      typ: options.typ ?? 'dpop+jwt',
      jwk: (options.jwk ?? key.jwk) as never,
    })
    .sign(key.privateKey);
  return { jwt, key };
}

async function refusalOf(work: Promise<unknown>): Promise<DpopRefusal> {
  try {
    await work;
  } catch (err) {
    if (err instanceof DpopRefusal) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('verifyDpopProof (RFC 9449 §4.3)', () => {
  it('accepts a proof of this request and answers its key thumbprint', async () => {
    const { jwt, key } = await proof({ ath: accessTokenHash('tok') });
    const verified = await verifyDpopProof(jwt, { htm: 'GET', htu: HTU, accessToken: 'tok' }, nonces, NOW);
    expect(verified.jkt).toBe(key.jkt);
  });

  it('compares htu without query and fragment', async () => {
    const { jwt } = await proof({ htu: `${HTU}?a=1#x` });
    await expect(verifyDpopProof(jwt, { htm: 'GET', htu: HTU }, nonces, NOW)).resolves.toBeDefined();
  });

  it.each([
    ['another method (htm)', { htm: 'POST' }, /htm/],
    ['another URL (htu)', { htu: 'https://id.example.com/oauth/v2/token' }, /htu/],
    ['another host (htu)', { htu: 'https://evil.example.com/oidc/v1/userinfo' }, /htu/],
    ['no htu', { htu: undefined }, /htu/],
    ['another access token (ath)', { ath: accessTokenHash('other') }, /ath/],
    ['no ath', {}, /ath/],
    ['no jti', { jti: undefined }, /jti/],
  ])('refuses a proof for %s', async (_name, claims, reason) => {
    const { jwt } = await proof(claims as JWTPayload);
    const refusal = await refusalOf(verifyDpopProof(jwt, { htm: 'GET', htu: HTU, accessToken: 'tok' }, nonces, NOW));
    expect(refusal.error).toBe('invalid_dpop_proof');
    expect(refusal.description).toMatch(reason);
  });

  it('refuses a proof that is not typ dpop+jwt, or signed with HS256 or RS256', async () => {
    await expect(
      refusalOf(verifyDpopProof((await proof({}, { typ: 'JWT' })).jwt, { htm: 'GET', htu: HTU }, nonces, NOW)),
    ).resolves.toMatchObject({ error: 'invalid_dpop_proof' });
    const rsa = await keyPair('RS256');
    await expect(
      refusalOf(
        verifyDpopProof((await proof({}, { key: rsa, alg: 'RS256' })).jwt, { htm: 'GET', htu: HTU }, nonces, NOW),
      ),
    ).resolves.toMatchObject({ error: 'invalid_dpop_proof' });
  });

  it('refuses a proof whose header key did not sign it', async () => {
    const other = await keyPair();
    const { jwt } = await proof({}, { jwk: other.jwk });
    await expect(refusalOf(verifyDpopProof(jwt, { htm: 'GET', htu: HTU }, nonces, NOW))).resolves.toMatchObject({
      error: 'invalid_dpop_proof',
    });
  });

  it('asks for a nonce when iat is outside the window and accepts an old iat with a valid nonce', async () => {
    const stale = await proof({ iat: NOW - 600 });
    const refusal = await refusalOf(verifyDpopProof(stale.jwt, { htm: 'GET', htu: HTU }, nonces, NOW));
    expect(refusal.error).toBe('use_dpop_nonce');
    expect(refusal.nonce).toBe(nonces.next(NOW));
    const withNonce = await proof({ iat: NOW - 600, nonce: refusal.nonce });
    await expect(verifyDpopProof(withNonce.jwt, { htm: 'GET', htu: HTU }, nonces, NOW)).resolves.toBeDefined();
  });

  it('with nonces required, asks for one even when iat is fresh', async () => {
    const strict = new DpopNonces(randomBytes(32), true);
    const fresh = await proof({});
    const refusal = await refusalOf(verifyDpopProof(fresh.jwt, { htm: 'GET', htu: HTU }, strict, NOW));
    expect(refusal).toMatchObject({ error: 'use_dpop_nonce', nonce: strict.next(NOW) });
    await expect(
      verifyDpopProof((await proof({ nonce: refusal.nonce })).jwt, { htm: 'GET', htu: HTU }, strict, NOW),
    ).resolves.toBeDefined();
  });

  it('refuses a nonce of another secret (another instance or master key)', async () => {
    const foreign = new DpopNonces(randomBytes(32)).next(NOW);
    const { jwt } = await proof({ nonce: foreign });
    await expect(refusalOf(verifyDpopProof(jwt, { htm: 'GET', htu: HTU }, nonces, NOW))).resolves.toMatchObject({
      error: 'use_dpop_nonce',
    });
  });
});

describe('DpopNonces', () => {
  it('accepts its nonces for about two minutes either side and refuses older ones', () => {
    const nonce = nonces.next(NOW);
    expect(nonces.check(nonce, NOW)).toBe(true);
    expect(nonces.check(nonce, NOW + 150)).toBe(true);
    expect(nonces.check(nonce, NOW + 400)).toBe(false);
  });

  it('gives the same nonces for the same secret (every process derives it alike)', () => {
    const secret = randomBytes(32);
    expect(new DpopNonces(secret).next(NOW)).toBe(new DpopNonces(Buffer.from(secret)).next(NOW));
  });
});

describe('sender-constraint rule (RFC 9449 §7)', () => {
  it('lets a Bearer token without proof and a bound token with a proof of its key through', () => {
    expect(senderConstraintRefusal('bearer', undefined, undefined)).toBeUndefined();
    expect(senderConstraintRefusal('dpop', 'k1', 'k1')).toBeUndefined();
  });

  it.each([
    ['a bound token sent as Bearer', 'bearer', 'k1', undefined],
    ['a bound token with a proof of another key', 'dpop', 'k1', 'k2'],
    ['an unbound token sent with DPoP', 'dpop', undefined, 'k1'],
  ] as const)('refuses %s as invalid_token', (_name, scheme, tokenJkt, proofJkt) => {
    expect(senderConstraintRefusal(scheme, tokenJkt, proofJkt)?.error).toBe('invalid_token');
  });

  it('refuses the DPoP scheme without a proof, and a proof with the Bearer scheme', () => {
    expect(presentationRefusal({ scheme: 'dpop', token: 't' })?.error).toBe('invalid_request');
    expect(presentationRefusal({ scheme: 'bearer', token: 't', proof: 'p' })?.error).toBe('invalid_request');
    expect(presentationRefusal({ scheme: 'dpop', token: 't', proof: 'p' })).toBeUndefined();
  });
});

describe('parseAuthorization and the challenge', () => {
  it('reads Bearer and DPoP schemes, case-insensitively, and nothing else', () => {
    expect(parseAuthorization('Bearer abc')).toEqual({ scheme: 'bearer', token: 'abc' });
    expect(parseAuthorization('dpop abc', 'proof')).toEqual({ scheme: 'dpop', token: 'abc', proof: 'proof' });
    expect(parseAuthorization('Basic abc')).toBeUndefined();
    expect(parseAuthorization(undefined)).toBeUndefined();
  });

  it('challenges with the DPoP scheme, the error and the algorithms', () => {
    expect(dpopChallenge(new DpopRefusal('invalid_token', 'bad "one"'), 'https://id.example.com')).toBe(
      'DPoP realm="https://id.example.com", error="invalid_token", error_description="bad one", algs="ES256 Ed25519 EdDSA"',
    );
  });
});
