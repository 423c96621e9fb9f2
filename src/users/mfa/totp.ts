import { Secret, TOTP } from 'otpauth';

/**
 * RFC 6238 parameters every authenticator app understands (and ZITADEL uses): HMAC-SHA1,
 * 6 digits, 30 s steps, a 160-bit seed (RFC 4226 §4 recommends 160 bits).
 */
const ALGORITHM = 'SHA1';
const DIGITS = 6;
const PERIOD_SECONDS = 30;
const SECRET_BYTES = 20;
/** Accept the previous and next step too, for clock drift (RFC 6238 §5.2). */
const WINDOW = 1;

export interface TotpKey {
  /** base32 seed, shown to users who cannot scan the QR code. */
  readonly secret: string;
  /** `otpauth://totp/<issuer>:<account>?secret=…&issuer=…` for the QR code. */
  readonly uri: string;
}

export function newTotpKey(issuer: string, accountName: string): TotpKey {
  const secret = new Secret({ size: SECRET_BYTES });
  const totp = new TOTP({
    issuer,
    label: accountName,
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: PERIOD_SECONDS,
    secret,
  });
  return { secret: secret.base32, uri: totp.toString() };
}

/** Whether `code` is the seed's code for now, the step before or the step after. */
export function totpCodeMatches(secretBase32: string, code: string, now: number = Date.now()): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  const delta = TOTP.validate({
    token: code,
    secret: Secret.fromBase32(secretBase32),
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: PERIOD_SECONDS,
    timestamp: now,
    window: WINDOW,
  });
  return delta !== null;
}

/**
 * An imported seed (AddHumanUser's `totp_secret`) in canonical base32, or undefined when it is not
 * base32 or shorter than 80 bits (what authenticator apps still accept; RFC 4226 §4 asks 128).
 */
export function canonicalTotpSecret(value: string): string | undefined {
  const secret = value.replace(/[\s-]/g, '').replace(/=+$/, '').toUpperCase();
  return /^[A-Z2-7]{16,}$/.test(secret) ? secret : undefined;
}
