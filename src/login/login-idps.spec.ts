import { decodeBrowserState, encodeBrowserState, newBrowserState } from './login-browser.js';
import { upstreamProfile } from './login-idps.js';
import { translator } from './login.i18n.js';
import type { PageContext } from './views/layout.js';
import { idpButtons } from './views/idp.views.js';
import { DEFAULT_LEGAL_SETTINGS } from '../settings/policies.queries.js';

describe('the profile a new account gets from an upstream', () => {
  it('takes the mapped fields, the email verified only when the upstream says true', () => {
    expect(
      upstreamProfile({
        id: 'u1',
        givenName: ' Ada ',
        familyName: 'Lovelace',
        displayName: 'Ada Lovelace',
        email: 'ada@example.com',
        emailVerified: true,
        preferredUsername: 'ada',
        preferredLanguage: 'en',
      }),
    ).toEqual({
      givenName: 'Ada',
      familyName: 'Lovelace',
      displayName: 'Ada Lovelace',
      email: 'ada@example.com',
      emailVerified: true,
      username: 'ada',
      preferredLanguage: 'en',
    });
    expect(upstreamProfile({ id: 'u1', email: 'a@example.com' }).emailVerified).toBe(false);
  });

  it('fills a missing given or family name from the display name, else the username or id (both are required)', () => {
    expect(upstreamProfile({ id: 'u1', displayName: 'Grace Brewster Hopper' })).toMatchObject({
      givenName: 'Grace',
      familyName: 'Brewster Hopper',
    });
    expect(upstreamProfile({ id: 'u1', preferredUsername: 'gh' })).toMatchObject({ givenName: 'gh', familyName: 'gh' });
    expect(upstreamProfile({ id: 'u1' })).toMatchObject({ givenName: 'u1', familyName: 'u1', email: '' });
  });
});

describe('the browser cookie with an upstream sign-in', () => {
  it('keeps the pending intent (and the session it links to) and the started intent across requests', () => {
    const state = {
      ...newBrowserState(),
      idpIntent: { id: 'i1', token: 't1', linkSession: 's1' },
      idpStarted: 'i2',
    };
    expect(decodeBrowserState(encodeBrowserState(state))).toEqual(state);
    const plain = newBrowserState();
    expect(decodeBrowserState(encodeBrowserState(plain))).toEqual(plain);
  });
});

describe('the identity provider buttons', () => {
  const ctx: PageContext = {
    locale: 'en',
    t: translator('en'),
    csrf: 'csrf-token',
    flow: { kind: 'oidc', authRequest: 'ar1' },
    cssUrl: '/x.css',
    logoUrl: '',
    logoUrlDark: '',
    legal: DEFAULT_LEGAL_SETTINGS,
    hideLoginNameSuffix: false,
  };

  it('a form per redirect provider with the CSRF token and the flow; LDAP a link to its form; names escaped', () => {
    const html = idpButtons(ctx, [
      { idpId: '1', name: 'Google <Work>', kind: 'google' },
      { idpId: '2', name: 'Directory', kind: 'ldap' },
    ]);
    expect(html).toContain('action="/ui/v2/login/idp/start"');
    expect(html).toContain('name="csrf" value="csrf-token"');
    expect(html).toContain('name="authRequest" value="ar1"');
    expect(html).toContain('Continue with Google &lt;Work&gt;');
    expect(html).toContain('href="/ui/v2/login/idp/ldap?authRequest=ar1&amp;idpId=2"');
    expect(html.match(/<svg class="idp-icon"/g)).toHaveLength(2);
    expect(idpButtons(ctx, [])).toBe('');
  });
});
