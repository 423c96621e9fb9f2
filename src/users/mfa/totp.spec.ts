import { Secret, TOTP } from 'otpauth';
import { canonicalTotpSecret, newTotpKey, totpCodeMatches } from './totp.js';

const codeAt = (secret: string, timestamp: number) =>
  TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp });

describe('TOTP', () => {
  it('makes a 160-bit seed and an otpauth URI naming issuer and account', () => {
    const key = newTotpKey('Portcullis', 'alice@acme.localhost');
    expect(key.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(key.uri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Portcullis:alice@acme.localhost');
    expect(uri.searchParams.get('issuer')).toBe('Portcullis');
    expect(uri.searchParams.get('secret')).toBe(key.secret);
  });

  it('accepts the current code and one step either side, nothing further', () => {
    const { secret } = newTotpKey('i', 'a');
    const now = 1_700_000_000_000;
    expect(totpCodeMatches(secret, codeAt(secret, now), now)).toBe(true);
    expect(totpCodeMatches(secret, codeAt(secret, now - 30_000), now)).toBe(true);
    expect(totpCodeMatches(secret, codeAt(secret, now + 30_000), now)).toBe(true);
    expect(totpCodeMatches(secret, codeAt(secret, now - 90_000), now)).toBe(false);
    expect(totpCodeMatches(secret, 'abcdef', now)).toBe(false);
    expect(totpCodeMatches(secret, '', now)).toBe(false);
  });

  it('canonicalises imported seeds and refuses what is not one', () => {
    expect(canonicalTotpSecret('jbsw y3dp ehpk 3pxp')).toBe('JBSWY3DPEHPK3PXP');
    expect(canonicalTotpSecret('JBSWY3DPEHPK3PXP====')).toBe('JBSWY3DPEHPK3PXP');
    expect(canonicalTotpSecret('JBSWY3DP')).toBeUndefined();
    expect(canonicalTotpSecret('JBSWY3DPEHPK3PX1')).toBeUndefined();
  });
});
