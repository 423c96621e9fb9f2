import { invalidField } from '../../platform/errors/domain-error.js';

/** ZITADEL's secret generator types of the admin API (zitadel.settings.v1.SecretGeneratorType). */
export const GENERATOR_TYPES = [
  'initCode',
  'verifyEmailCode',
  'verifyPhoneCode',
  'passwordResetCode',
  'passwordlessInitCode',
  'appSecret',
  'otpSms',
  'otpEmail',
] as const;
export type GeneratorType = (typeof GENERATOR_TYPES)[number];

export interface GeneratorSettings {
  readonly length: number;
  readonly expiryMs: number;
  readonly includeLowerLetters: boolean;
  readonly includeUpperLetters: boolean;
  readonly includeDigits: boolean;
  readonly includeSymbols: boolean;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const CODE = { includeLowerLetters: false, includeUpperLetters: true, includeDigits: true, includeSymbols: false };
const DIGITS_ONLY = {
  includeLowerLetters: false,
  includeUpperLetters: false,
  includeDigits: true,
  includeSymbols: false,
};
const ALNUM = { includeLowerLetters: true, includeUpperLetters: true, includeDigits: true, includeSymbols: false };

/** ZITADEL's `SecretGenerators` of cmd/defaults.yaml: what an instance has until it stores its own. */
export const DEFAULT_GENERATORS: Readonly<Record<GeneratorType, GeneratorSettings>> = Object.freeze({
  initCode: { length: 6, expiryMs: 72 * HOUR, ...CODE },
  verifyEmailCode: { length: 6, expiryMs: HOUR, ...CODE },
  verifyPhoneCode: { length: 6, expiryMs: HOUR, ...CODE },
  passwordResetCode: { length: 6, expiryMs: HOUR, ...CODE },
  passwordlessInitCode: { length: 12, expiryMs: HOUR, ...ALNUM },
  appSecret: { length: 64, expiryMs: 0, ...ALNUM },
  otpSms: { length: 8, expiryMs: 5 * MINUTE, ...DIGITS_ONLY },
  otpEmail: { length: 8, expiryMs: 5 * MINUTE, ...DIGITS_ONLY },
});

/** ZITADEL's character sets (its crypto code generator). */
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const SYMBOLS = '~!@#$^&*()_+`-={}|[]:<>?,./';

export function alphabetOf(s: GeneratorSettings): string {
  return (
    (s.includeLowerLetters ? LOWER : '') +
    (s.includeUpperLetters ? UPPER : '') +
    (s.includeDigits ? DIGITS : '') +
    (s.includeSymbols ? SYMBOLS : '')
  );
}

/** Longest code accepted: codes are typed by people or sent in one SMS; secrets stay well under a row's limits. */
export const MAX_LENGTH = 256;

/** The type from its proto number (1..8); 0 and unknown numbers are refused naming the field. */
export function generatorType(value: number, field = 'generator_type'): GeneratorType {
  const type = GENERATOR_TYPES[value - 1];
  if (!type) throw invalidField('SECGEN-typ3x', field, 'must be a secret generator type');
  return type;
}

export function generatorTypeNumber(type: GeneratorType): number {
  return GENERATOR_TYPES.indexOf(type) + 1;
}

/** ZITADEL's rules: a positive length, at least one character set, no negative expiry. */
export function validGenerator(s: GeneratorSettings): GeneratorSettings {
  if (!Number.isInteger(s.length) || s.length < 1 || s.length > MAX_LENGTH) {
    throw invalidField('SECGEN-l3ngt', 'length', `must be between 1 and ${MAX_LENGTH}`);
  }
  if (!(s.expiryMs >= 0)) throw invalidField('SECGEN-3xp1r', 'expiry', 'must not be negative');
  if (!alphabetOf(s)) {
    throw invalidField('SECGEN-ch4rs', 'include_digits', 'at least one character set must be included');
  }
  return s;
}

export function sameGenerator(a: GeneratorSettings, b: GeneratorSettings): boolean {
  return (
    a.length === b.length &&
    a.expiryMs === b.expiryMs &&
    a.includeLowerLetters === b.includeLowerLetters &&
    a.includeUpperLetters === b.includeUpperLetters &&
    a.includeDigits === b.includeDigits &&
    a.includeSymbols === b.includeSymbols
  );
}
