import { generateKeyPairSync, createSecretKey } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { DomainError } from '../errors/domain-error.js';
import { loadConfig } from '../config/config.js';
import { SYSTEM_TOKEN_ERRORS, SystemTokenVerifier } from './system-token.js';

const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const operator = pair();
const stranger = pair();
const pemBase64 = (k: ReturnType<typeof pair>) =>
  Buffer.from(k.publicKey.export({ type: 'spki', format: 'pem' }) as string).toString('base64');

const AUD = 'https://iam.example.com';
const verifier = new SystemTokenVerifier(
  loadConfig({
    PORTCULLIS_EXTERNAL_URL: `${AUD}/`,
    PORTCULLIS_SYSTEMAPIUSERS: JSON.stringify({
      ops: { KeyData: pemBase64(operator) },
      viewer: { KeyData: pemBase64(stranger), Memberships: [{ MemberType: 'System', Roles: ['SYSTEM_OWNER_VIEWER'] }] },
    }),
  }),
);

const now = new Date('2026-12-06T12:00:00Z');
const secs = now.getTime() / 1000;

function token(
  claims: Record<string, unknown> = {},
  key = operator.privateKey as Parameters<SignJWT['sign']>[0],
  alg = 'RS256',
): Promise<string> {
  return new SignJWT({ iss: 'ops', sub: 'ops', aud: AUD, iat: secs - 5, exp: secs + 300, ...claims })
    .setProtectedHeader({ alg })
    .sign(key);
}

async function refusal(authorization: string | null): Promise<string | undefined> {
  try {
    await verifier.verify(authorization, now);
    return undefined;
  } catch (err) {
    return err instanceof DomainError ? `${err.kind}:${err.id}` : String(err);
  }
}

describe("system API tokens (ZITADEL's system JWT profile)", () => {
  it('accepts a JWT the user signed (iss = sub = user, aud = external URL, RS256) as a system principal, system owner by default', async () => {
    expect(await verifier.verify(`Bearer ${await token()}`, now)).toEqual({ userName: 'ops', roles: ['SYSTEM_OWNER'] });
  });

  it("takes the roles of the user's system memberships", async () => {
    const t = await token({ iss: 'viewer', sub: 'viewer' }, stranger.privateKey);
    expect((await verifier.verify(`Bearer ${t}`, now)).roles).toEqual(['SYSTEM_OWNER_VIEWER']);
  });

  const invalid = `Unauthenticated:${SYSTEM_TOKEN_ERRORS.invalid}`;
  it.each([
    ['a key the user does not hold (signed by another key)', () => token({}, stranger.privateKey)],
    ['an unknown user', () => token({ iss: 'nobody', sub: 'nobody' })],
    ['a wrong audience', () => token({ aud: 'https://other.example.com' })],
    ['sub other than iss', () => token({ sub: 'viewer' })],
    ['an expired token', () => token({ iat: secs - 600, exp: secs - 60 })],
    ['an iat over an hour old', () => token({ iat: secs - 3700, exp: secs + 60 })],
    [
      'no exp',
      () =>
        new SignJWT({ iss: 'ops', sub: 'ops', aud: AUD, iat: secs })
          .setProtectedHeader({ alg: 'RS256' })
          .sign(operator.privateKey),
    ],
    [
      'alg none',
      async () => new UnsecuredJWT({ iss: 'ops', sub: 'ops', aud: AUD, iat: secs, exp: secs + 60 }).encode(),
    ],
    [
      'HS256 keyed with the public key',
      () =>
        token(
          {},
          createSecretKey(Buffer.from(operator.publicKey.export({ type: 'spki', format: 'pem' }) as string)),
          'HS256',
        ),
    ],
    ['garbage', async () => 'not.a.jwt'],
  ])('refuses %s', async (_what, make) => {
    expect(await refusal(`Bearer ${await make()}`)).toBe(invalid);
  });

  it('refuses a token valid for more than an hour: system tokens are short-lived', async () => {
    expect(await refusal(`Bearer ${await token({ exp: secs + 7200 })}`)).toBe(
      `Unauthenticated:${SYSTEM_TOKEN_ERRORS.tooLong}`,
    );
  });

  it('refuses a missing or non-Bearer authorization', async () => {
    expect(await refusal(null)).toBe(`Unauthenticated:${SYSTEM_TOKEN_ERRORS.missing}`);
    expect(await refusal(`Basic ${await token()}`)).toBe(`Unauthenticated:${SYSTEM_TOKEN_ERRORS.missing}`);
  });
});
