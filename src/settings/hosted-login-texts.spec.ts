import { HOSTED_LOGIN_TEXTS, systemTranslations } from './hosted-login-texts.js';

/** Every leaf's dotted key. */
function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [prefix + k] : keys(v as object, `${prefix}${k}.`),
  );
}

function leaves(tree: object): string[] {
  return Object.values(tree).flatMap((v) => (typeof v === 'string' ? [v] : leaves(v as object)));
}

describe("built-in hosted login texts (Login V2's message catalogue shape)", () => {
  it('has English and German with exactly the same keys', () => {
    expect(keys(HOSTED_LOGIN_TEXTS.de).sort()).toEqual(keys(HOSTED_LOGIN_TEXTS.en).sort());
  });

  it('covers the sections and keys Login V2 reads', () => {
    const en = keys(HOSTED_LOGIN_TEXTS.en);
    for (const key of [
      'common.back',
      'loginname.title',
      'loginname.labels.loginname',
      'password.verify.resetPassword',
      'password.set.labels.code',
      'register.agreeTo',
      'register.termsOfService',
      'register.privacyPolicy',
      'verify.verify.title',
      'device.request.title',
      'signedin.title',
      'error.sessionExpired',
      'otp.verify.totpDescription',
      'passkey.set.info.link',
    ]) {
      expect(en).toContain(key);
    }
  });

  it('has no empty text, and the placeholders the login fills in survive translation', () => {
    for (const texts of Object.values(HOSTED_LOGIN_TEXTS)) expect(leaves(texts).filter((t) => !t.trim())).toEqual([]);
    const placeholders = (t: string) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const en = keys(HOSTED_LOGIN_TEXTS.en);
    const at = (tree: object, key: string) => key.split('.').reduce<any>((node, k) => node[k], tree) as string;
    for (const key of en)
      expect(`${key}: ${placeholders(at(HOSTED_LOGIN_TEXTS.de, key))}`).toBe(
        `${key}: ${placeholders(at(HOSTED_LOGIN_TEXTS.en, key))}`,
      );
  });
});

describe("systemTranslations (ZITADEL: the locale's base language, else the instance default)", () => {
  it('picks the base language of a regional tag', () => {
    expect(systemTranslations('de-CH', 'en')).toEqual(HOSTED_LOGIN_TEXTS.de);
  });

  it("falls back to the instance's default language, then English", () => {
    expect(systemTranslations('fr', 'de')).toEqual(HOSTED_LOGIN_TEXTS.de);
    expect(systemTranslations('fr', 'it')).toEqual(HOSTED_LOGIN_TEXTS.en);
    expect(systemTranslations('constructor', 'toString')).toEqual(HOSTED_LOGIN_TEXTS.en);
  });

  it('hands out a copy, so merging overrides cannot change the built-in texts', () => {
    const copy = systemTranslations('en', 'en') as { common: { back: string } };
    copy.common.back = 'changed';
    expect((HOSTED_LOGIN_TEXTS.en.common as { back: string }).back).toBe('Back');
  });
});
