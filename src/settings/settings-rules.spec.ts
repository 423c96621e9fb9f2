import {
  DEFAULT_LABEL_SETTINGS,
  DEFAULT_LEGAL_SETTINGS,
  DEFAULT_LOGIN_SETTINGS,
  DEFAULT_SECURITY_SETTINGS,
  POLICY_DEFAULTS,
  type LoginSettings,
  type PolicyKind,
} from './policies.queries.js';
import {
  canonicalLocale,
  mergeTranslations,
  policyProblems,
  samePolicy,
  withFactor,
  withServedLegalPages,
} from './settings-rules.js';

describe('policy rules', () => {
  it.each(Object.keys(POLICY_DEFAULTS) as PolicyKind[])('accepts the built-in %s defaults', (kind) => {
    expect(policyProblems(kind, POLICY_DEFAULTS[kind])).toEqual([]);
  });

  it.each([
    [0, false],
    [1, true],
    [72, true],
    [73, false],
  ])('password min length %i is allowed: %s', (minLength, ok) => {
    const problems = policyProblems('password_complexity', { ...POLICY_DEFAULTS.password_complexity, minLength });
    expect(problems.length === 0).toBe(ok);
  });

  it('refuses negative lifetimes and relative redirect URIs on the login policy', () => {
    const problems = policyProblems('login', {
      ...DEFAULT_LOGIN_SETTINGS,
      mfaInitSkipLifetimeMs: -1,
      defaultRedirectUri: '/home',
    });
    expect(problems.map((p) => p.field)).toEqual(['mfa_init_skip_lifetime', 'default_redirect_uri']);
  });

  it('refuses colours that are not hex and allows empty ones', () => {
    expect(
      policyProblems('label', { ...DEFAULT_LABEL_SETTINGS, primaryColor: 'red', fontColorDark: '' }).map(
        (p) => p.field,
      ),
    ).toEqual(['primary_color']);
    expect(policyProblems('label', { ...DEFAULT_LABEL_SETTINGS, warnColor: '#ABCDEF80' })).toEqual([]);
  });

  it('takes only a default language ZITADEL has texts for (Errors.Language.NotSupported)', () => {
    expect(policyProblems('general', { defaultLanguage: 'de' })).toEqual([]);
    expect(policyProblems('general', { defaultLanguage: 'tlh' }).map((p) => p.field)).toEqual(['language']);
    expect(policyProblems('general', { defaultLanguage: '' }).map((p) => p.field)).toEqual(['language']);
  });

  it('checks the support email and iframe origins', () => {
    expect(policyProblems('privacy', { ...DEFAULT_LEGAL_SETTINGS, supportEmail: 'not an email' })).toHaveLength(1);
    expect(
      policyProblems('security', { ...DEFAULT_SECURITY_SETTINGS, allowedOrigins: ['https://a.example', ' '] }).map(
        (p) => p.field,
      ),
    ).toEqual(['embedded_iframe.allowed_origins[1]']);
  });

  it('compares policies regardless of key order', () => {
    expect(samePolicy({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(samePolicy({ a: 1 }, { a: 2 })).toBe(false);
  });

  it('canonicalises BCP 47 tags and refuses others', () => {
    expect(canonicalLocale('de-ch')).toBe('de-CH');
    expect(canonicalLocale('not a locale')).toBeUndefined();
    expect(canonicalLocale('')).toBeUndefined();
  });

  it('merges translation trees leaf by leaf', () => {
    expect(mergeTranslations({ login: { title: 'A', button: 'Go' }, x: 1 }, { login: { title: 'B' } })).toEqual({
      login: { title: 'B', button: 'Go' },
      x: 1,
    });
  });
});

describe('withServedLegalPages', () => {
  const empty = {
    tosLink: '',
    privacyLink: '',
    helpLink: '',
    supportEmail: '',
    docsLink: '',
    customLink: '',
    customLinkText: '',
  };
  const base = 'https://id.example.com/ui/v2/login';

  it("gives empty terms and privacy links the hosted login's pages (Login V2 registers only with both)", () => {
    expect(withServedLegalPages(empty, base)).toEqual({
      ...empty,
      tosLink: `${base}/legal/terms`,
      privacyLink: `${base}/legal/privacy`,
    });
  });

  it('keeps links that are set, and leaves the other links alone', () => {
    const set = { ...empty, tosLink: 'https://example.com/tos', helpLink: '' };
    expect(withServedLegalPages(set, base)).toMatchObject({
      tosLink: 'https://example.com/tos',
      privacyLink: `${base}/legal/privacy`,
      helpLink: '',
    });
  });
});

describe('withFactor (v1 Add/Remove{Second,Multi}FactorToLoginPolicy)', () => {
  const current = { ...DEFAULT_LOGIN_SETTINGS, secondFactors: ['otp'], multiFactors: [] } as LoginSettings;

  it('allows a factor once and removes only an allowed one, as ZITADEL answers', () => {
    expect(withFactor(current, 'secondFactors', 'u2f', true).secondFactors).toEqual(['otp', 'u2f']);
    expect(withFactor(current, 'secondFactors', 'otp', false).secondFactors).toEqual([]);
    expect(() => withFactor(current, 'secondFactors', 'otp', true)).toThrow(
      expect.objectContaining({ kind: 'AlreadyExists' }),
    );
    expect(() => withFactor(current, 'multiFactors', 'u2fWithVerification', false)).toThrow(
      expect.objectContaining({ kind: 'NotFound' }),
    );
  });
});
