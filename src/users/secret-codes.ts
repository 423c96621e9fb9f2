import { randomInt } from 'node:crypto';
import {
  alphabetOf,
  DEFAULT_GENERATORS,
  type GeneratorType,
} from '../notifications/secret-generators/generator-rules.js';

/** A one-time code generator setting, as ZITADEL's secret generators. */
export interface CodeSpec {
  readonly length: number;
  readonly alphabet: string;
  readonly expiryMs: number;
}

/** Which of ZITADEL's secret generators makes each code (an invitation is ZITADEL's init code). */
export const CODE_GENERATOR = Object.freeze({
  email: 'verifyEmailCode',
  phone: 'verifyPhoneCode',
  passwordReset: 'passwordResetCode',
  invite: 'initCode',
  passkeyRegistration: 'passwordlessInitCode',
  /** One-time sign-in codes of a session's OTP SMS / OTP email challenge. */
  otpSms: 'otpSms',
  otpEmail: 'otpEmail',
} satisfies Record<string, GeneratorType>);

export type CodeKind = keyof typeof CODE_GENERATOR;

function defaultSpec(type: GeneratorType): CodeSpec {
  const d = DEFAULT_GENERATORS[type];
  return { length: d.length, alphabet: alphabetOf(d), expiryMs: d.expiryMs };
}

/** Each code's spec under ZITADEL's default generators (an instance may store its own). */
export const CODE_SPECS: Readonly<Record<CodeKind, CodeSpec>> = Object.freeze(
  Object.fromEntries(Object.entries(CODE_GENERATOR).map(([kind, type]) => [kind, defaultSpec(type)])) as Record<
    CodeKind,
    CodeSpec
  >,
);

export function generateCode(spec: CodeSpec): string {
  let code = '';
  for (let i = 0; i < spec.length; i++) code += spec.alphabet[randomInt(spec.alphabet.length)];
  return code;
}
