import { randomInt } from 'node:crypto';

/** A one-time code generator setting, as ZITADEL's secret generators. */
export interface CodeSpec {
  readonly length: number;
  readonly alphabet: string;
  readonly expiryMs: number;
}

const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const DIGITS = '0123456789';
const LOWER_UPPER_DIGITS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;

/** What each code is for, with ZITADEL's default generator settings. */
export const CODE_SPECS = Object.freeze({
  email: { length: 6, alphabet: UPPER_DIGITS, expiryMs: HOUR },
  phone: { length: 6, alphabet: UPPER_DIGITS, expiryMs: HOUR },
  passwordReset: { length: 6, alphabet: UPPER_DIGITS, expiryMs: HOUR },
  invite: { length: 6, alphabet: UPPER_DIGITS, expiryMs: 72 * HOUR },
  passkeyRegistration: { length: 12, alphabet: LOWER_UPPER_DIGITS, expiryMs: HOUR },
  /** One-time sign-in codes of a session's OTP SMS / OTP email challenge. */
  otpSms: { length: 8, alphabet: DIGITS, expiryMs: 5 * MINUTE },
  otpEmail: { length: 8, alphabet: DIGITS, expiryMs: 5 * MINUTE },
} satisfies Record<string, CodeSpec>);

export type CodeKind = keyof typeof CODE_SPECS;

export function generateCode(spec: CodeSpec): string {
  let code = '';
  for (let i = 0; i < spec.length; i++) code += spec.alphabet[randomInt(spec.alphabet.length)];
  return code;
}
