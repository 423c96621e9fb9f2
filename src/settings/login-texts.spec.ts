import { HOSTED_LOGIN_TEXTS } from './hosted-login-texts.js';
import {
  eventKey,
  HOSTED_KEYS,
  LOGIN_TEXT_FIELDS,
  loginTextsOf,
  V1_ONLY,
  withLoginTexts,
  withoutLoginTexts,
} from './login-texts.js';

describe('v1 login texts in the hosted login translations', () => {
  it('every mapped field is a field of LoginCustomText, stored at a distinct key the built-in catalogue has', () => {
    const keys = Object.values(HOSTED_KEYS);
    expect(new Set(keys).size).toBe(keys.length);
    for (const [field, key] of Object.entries(HOSTED_KEYS)) {
      expect(LOGIN_TEXT_FIELDS).toContain(field);
      const leaf = key
        .split('.')
        .reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], HOSTED_LOGIN_TEXTS.en);
      expect(typeof leaf).toBe('string');
    }
  });

  it("names fields in events as ZITADEL's keys do (loginText.title -> Login.Title)", () => {
    expect(eventKey('loginText.title')).toBe('Login.Title');
    expect(eventKey('initializeUserText.nextButtonText')).toBe('InitializeUser.NextButtonText');
  });

  it('a set replaces every v1 field (an omitted one is removed), keeps the Login V2 keys without a v1 field, and keeps unmapped fields apart', () => {
    const stored = {
      loginname: { title: 'Old', submit: 'Old go', labels: { username: 'Name' } },
      [V1_ONLY]: { 'initializeUserText.title': 'Old init' },
    };
    const next = withLoginTexts(stored, { 'loginText.title': 'New', 'usernameChangeText.title': 'Rename' });
    expect(next).toEqual({
      loginname: { title: 'New', labels: { username: 'Name' } },
      [V1_ONLY]: { 'usernameChangeText.title': 'Rename' },
    });
    expect(loginTextsOf(next)).toEqual({ 'loginText.title': 'New', 'usernameChangeText.title': 'Rename' });
  });

  it('a reset removes only the v1 fields (and the branches they leave empty)', () => {
    expect(withoutLoginTexts({ loginname: { title: 'T' }, common: { back: 'B' }, [V1_ONLY]: { 'x.y': 'z' } })).toEqual({
      common: { back: 'B' },
      [V1_ONLY]: { 'x.y': 'z' },
    });
    expect(withoutLoginTexts(undefined)).toEqual({});
  });
});
