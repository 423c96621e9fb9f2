import { randomInt } from 'node:crypto';

/** A one-time code generator setting, as ZITADEL's secret generators. */
export interface CodeSpec {
  readonly length: number;
  readonly alphabet: string;
  readonly expiryMs: number;
}

/** ZITADEL's default for email verification codes: 6 characters, upper-case letters and digits, 1 h. */
export const EMAIL_VERIFICATION_CODE: CodeSpec = Object.freeze({
  length: 6,
  alphabet: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  expiryMs: 60 * 60 * 1000,
});

export function generateCode(spec: CodeSpec): string {
  let code = '';
  for (let i = 0; i < spec.length; i++) code += spec.alphabet[randomInt(spec.alphabet.length)];
  return code;
}
