import {
  CsrfTokens,
  decodeBrowserState,
  encodeBrowserState,
  newBrowserState,
  serializeCookie,
  withSession,
  MAX_SESSIONS,
} from './login-browser.js';
import { acceptedLanguages, CATALOGUES, pickLocale, translator } from './login.i18n.js';
import { SUPPORTED_LANGUAGES } from '../settings/hosted-login-texts.js';
import { themeCss } from './login-theme.js';
import { DEFAULT_LABEL_SETTINGS, DEFAULT_LEGAL_SETTINGS } from '../settings/policies.queries.js';
import { flowOf, pageUrl } from './login-flow.js';
import { h, type PageContext } from './views/layout.js';
import { mfaSetupPage, passkeyAddedPage, webAuthnSetupPage } from './views/webauthn.views.js';
import { qrModules, qrSvg } from './login-qr.js';

describe('login language', () => {
  it('speaks exactly the supported languages (ZITADEL reports the languages it has texts for)', () => {
    expect(Object.keys(CATALOGUES).sort()).toEqual([...SUPPORTED_LANGUAGES]);
  });

  it.each([
    [['de'], 'en-US', 'de'],
    [['fr', 'de-CH'], undefined, 'de'],
    [[], 'fr;q=0.9, de;q=0.8, en;q=0.1', 'de'],
    [[], 'de;q=0, en', 'en'],
    [[], undefined, 'en'],
  ] as const)('ui_locales %j, Accept-Language %j -> %s', (ui, accept, want) => {
    expect(pickLocale(ui, accept)).toBe(want);
  });

  it('orders Accept-Language by quality and drops *', () => {
    expect(acceptedLanguages('en;q=0.5, *, de')).toEqual(['de', 'en']);
  });

  it('fills placeholders', () => {
    expect(translator('de')('error.attemptsLeft', { n: 2 })).toContain('noch 2 Versuch');
  });
});

describe('login browser cookie and CSRF', () => {
  it('round-trips and caps the sessions', () => {
    let state = newBrowserState();
    for (let i = 0; i < MAX_SESSIONS + 2; i++) state = withSession(state, { id: `s${i}`, token: `t${i}` });
    const back = decodeBrowserState(encodeBrowserState(state))!;
    expect(back.sessions).toHaveLength(MAX_SESSIONS);
    expect(back.sessions[0]).toEqual({ id: `s${MAX_SESSIONS + 1}`, token: `t${MAX_SESSIONS + 1}` });
    expect(decodeBrowserState('garbage')).toBeUndefined();
  });

  it('binds the CSRF token to the browser id', () => {
    const csrf = new CsrfTokens('key');
    const token = csrf.tokenFor('browser-a-0123456789');
    expect(csrf.matches('browser-a-0123456789', token)).toBe(true);
    expect(csrf.matches('browser-b-0123456789', token)).toBe(false);
    expect(csrf.matches('browser-a-0123456789', undefined)).toBe(false);
    expect(new CsrfTokens('other').matches('browser-a-0123456789', token)).toBe(false);
  });

  it('cookies are HttpOnly and SameSite=Lax, Secure on https', () => {
    expect(serializeCookie('c', 'v', { path: '/ui/v2/login', secure: true, maxAge: 10 })).toBe(
      'c=v; Path=/ui/v2/login; Max-Age=10; HttpOnly; SameSite=Lax; Secure',
    );
  });
});

describe('login pages', () => {
  it('escapes HTML and keeps the flow in same-origin URLs', () => {
    expect(h(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
    const flow = flowOf(new URLSearchParams('authRequest=V2_1&session=x'));
    expect(pageUrl('password', flow, { session: 's' })).toBe('/ui/v2/login/password?authRequest=V2_1&session=s');
  });

  /** A German page of an OIDC flow. */
  const ctx: PageContext = {
    locale: 'de',
    t: translator('de'),
    csrf: 'csrf-token',
    flow: { kind: 'oidc', authRequest: 'V2_1' },
    cssUrl: '/ui/v2/login/assets/login.css',
    logoUrl: '',
    logoUrlDark: '',
    legal: DEFAULT_LEGAL_SETTINGS,
    hideLoginNameSuffix: false,
  };

  it('offers Skip on the MFA set-up only when it is optional, as a POST with the CSRF token', () => {
    const page = (skippable: boolean) =>
      mfaSetupPage(ctx, { user: { displayName: 'A', loginName: 'a' }, session: 's1', choices: ['totp'], skippable });
    const skip = /<form method="post" action="\/ui\/v2\/login\/mfa\/skip">(.*?)<\/form>/s.exec(page(true))?.[1] ?? '';
    for (const field of [
      'name="csrf" value="csrf-token"',
      'name="authRequest" value="V2_1"',
      'name="session" value="s1"',
    ])
      expect(skip).toContain(field);
    expect(skip).toContain('>Überspringen</button>');
    expect(page(false)).not.toContain('mfa/skip');
  });

  it('offers the security key (in German) and its set-up page registers a U2F credential at its own path', () => {
    const choices = mfaSetupPage(ctx, {
      user: { displayName: 'A', loginName: 'a' },
      session: 's1',
      choices: ['u2f', 'passkey'],
      skippable: false,
    });
    expect(choices).toContain(
      'href="/ui/v2/login/mfa/setup/u2f?authRequest=V2_1&amp;session=s1">Sicherheitsschlüssel</a>',
    );
    expect(choices).toContain('>Passkey</a>');
    const page = webAuthnSetupPage(ctx, {
      kind: 'u2f',
      user: { displayName: 'A', loginName: 'a' },
      action: 'mfa/setup/u2f',
      hidden: { session: 's1', registration: 'r1' },
      options: { publicKey: {} },
      backUrl: pageUrl('mfa/setup', ctx.flow, { session: 's1' }),
    });
    expect(page).toContain('<h1>Sicherheitsschlüssel einrichten</h1>');
    expect(page).toContain('action="/ui/v2/login/mfa/setup/u2f" id="webauthn-create"');
    expect(page).toContain('data-error="Der Sicherheitsschlüssel konnte nicht verwendet werden.');
    expect(page).toContain('name="registration" value="r1"');
  });

  it('a registration link sets up a passkey for the user it names, without a session, and says in German when it is added', () => {
    const user = { displayName: 'Ada Lovelace', loginName: 'ada@acme.test' };
    const page = webAuthnSetupPage(ctx, {
      kind: 'passkey',
      user,
      action: 'passkey/set',
      hidden: { userId: 'u1', registration: 'r1' },
      options: { publicKey: {} },
    });
    const form =
      /<form method="post" action="\/ui\/v2\/login\/passkey\/set" id="webauthn-create"[^>]*>(.*?)<\/form>/s.exec(
        page,
      )?.[1] ?? '';
    for (const field of [
      'name="csrf" value="csrf-token"',
      'name="userId" value="u1"',
      'name="registration" value="r1"',
      'name="credential"',
    ])
      expect(form).toContain(field);
    expect(form).not.toContain('name="session"');
    expect(page).toContain('<h1>Passkey einrichten</h1>');
    expect(page).toContain('<strong>Ada Lovelace</strong><span>ada@acme.test</span>');
    expect(page).not.toContain('>Zurück</a>');
    const done = passkeyAddedPage(ctx, { user });
    expect(done).toContain('<h1>Passkey hinzugefügt</h1>');
    expect(done).toContain('Sie können sich jetzt damit anmelden.');
    expect(done).toContain('href="/ui/v2/login/loginname?authRequest=V2_1&amp;loginName=ada%40acme.test"');
  });

  it('takes only colours from the label policy into the stylesheet', () => {
    const css = themeCss({
      ...DEFAULT_LABEL_SETTINGS,
      primaryColor: 'red;}body{display:none',
      fontUrl: 'https://x/")}',
    });
    expect(css).toContain(`--primary:${DEFAULT_LABEL_SETTINGS.primaryColor}`);
    expect(css).not.toContain('}body{display:none');
    expect(css).not.toContain('@font-face');
  });
});

describe('login QR code', () => {
  it('sizes the symbol by the text, draws the finder patterns, and gives up past version 15', () => {
    const small = qrModules('hello')!;
    expect(small).toHaveLength(21);
    // Finder pattern corners: dark ring, light ring, dark 3x3 centre.
    for (const [x, y] of [
      [0, 0],
      [20, 0],
      [0, 20],
    ])
      expect(small[y][x]).toBe(true);
    expect(small[1][1]).toBe(false);
    expect(small[3][3]).toBe(true);
    expect(qrModules('x'.repeat(150))!.length).toBeGreaterThanOrEqual(45);
    expect(qrModules('x'.repeat(600))).toBeUndefined();
    expect(qrSvg('otpauth://totp/a?secret=B')).toMatch(/^<svg [^>]*viewBox="0 0 33 33"/);
  });
});
