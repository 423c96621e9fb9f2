import { DomainError } from '../../platform/errors/domain-error.js';
import { CODE_SPECS } from '../../users/secret-codes.js';
import {
  alphabetOf,
  DEFAULT_GENERATORS,
  generatorType,
  generatorTypeNumber,
  sameGenerator,
  validGenerator,
} from './generator-rules.js';

const field = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as DomainError).fieldViolations[0]?.field;
  }
  return undefined;
};

describe('secret generator rules', () => {
  it("ZITADEL's defaults give the codes their shape: 6 upper/digits for an hour, 8 digits for 5 minutes for OTP", () => {
    expect(CODE_SPECS.email).toEqual({
      length: 6,
      alphabet: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
      expiryMs: 3_600_000,
    });
    expect(CODE_SPECS.invite.expiryMs).toBe(72 * 3_600_000);
    expect(CODE_SPECS.otpSms).toEqual({ length: 8, alphabet: '0123456789', expiryMs: 300_000 });
    expect(CODE_SPECS.passkeyRegistration.length).toBe(12);
  });

  it('builds the alphabet from the included sets', () => {
    expect(alphabetOf({ ...DEFAULT_GENERATORS.otpSms, includeSymbols: true })).toBe(
      '0123456789~!@#$^&*()_+`-={}|[]:<>?,./',
    );
    expect(alphabetOf({ ...DEFAULT_GENERATORS.appSecret })).toHaveLength(62);
  });

  it('maps the proto enum both ways and refuses 0 and unknown numbers', () => {
    for (let n = 1; n <= 8; n++) expect(generatorTypeNumber(generatorType(n))).toBe(n);
    expect(field(() => generatorType(0))).toBe('generator_type');
    expect(field(() => generatorType(9))).toBe('generator_type');
  });

  it('needs a length from 1, a non-negative expiry and at least one character set', () => {
    const ok = DEFAULT_GENERATORS.verifyEmailCode;
    expect(validGenerator(ok)).toBe(ok);
    expect(field(() => validGenerator({ ...ok, length: 0 }))).toBe('length');
    expect(field(() => validGenerator({ ...ok, expiryMs: -1 }))).toBe('expiry');
    expect(field(() => validGenerator({ ...ok, includeUpperLetters: false, includeDigits: false }))).toBe(
      'include_digits',
    );
  });

  it('tells an unchanged update', () => {
    expect(sameGenerator(DEFAULT_GENERATORS.otpSms, { ...DEFAULT_GENERATORS.otpSms })).toBe(true);
    expect(sameGenerator(DEFAULT_GENERATORS.otpSms, { ...DEFAULT_GENERATORS.otpSms, length: 9 })).toBe(false);
  });
});
