import { CUSTOMIZABLE_TEXTS, customPageTexts } from './login-custom-texts.js';
import { CATALOGUES, translator } from './login.i18n.js';
import { HOSTED_LOGIN_TEXTS } from '../settings/hosted-login-texts.js';

describe('custom hosted login texts on the login pages', () => {
  it('every mapped hosted login key exists in the built-in catalogue (a custom text there has a page to show on)', () => {
    for (const path of Object.values(CUSTOMIZABLE_TEXTS)) {
      const leaf = path!
        .split('.')
        .reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], HOSTED_LOGIN_TEXTS.en);
      expect(typeof leaf).toBe('string');
    }
  });

  it('takes non-empty strings at the mapped keys and ignores the rest (unmapped keys, blanks, non-strings)', () => {
    expect(
      customPageTexts({
        loginname: { title: 'Welcome to Acme', description: '  ', submit: 'Next', labels: { loginname: 7 } },
        password: { verify: { title: 'Your secret' } },
        constructor: { title: 'x' },
      }),
    ).toEqual({ 'title.loginname': 'Welcome to Acme', 'title.password': 'Your secret' });
    expect(customPageTexts({ loginname: 'flat' })).toEqual({});
  });

  it("a custom text replaces the page's wording for its key only, placeholders still filled", () => {
    const t = translator('de', { 'title.loginname': 'Willkommen bei {app}' });
    expect(t('title.loginname', { app: 'Acme' })).toBe('Willkommen bei Acme');
    expect(t('title.password')).toBe(CATALOGUES.de['title.password']);
  });
});
