import {
  allowedOrigins,
  backChannelLogoutUriProblem,
  missingGrantTypes,
  oidcCompliance,
  oidcViolations,
  originProblem,
  redirectUriProblem,
  withDefaults,
  AUTHORIZE_REDIRECT_REFUSALS,
  authorizeRedirectRefusal,
  globMatches,
  isRegisteredUri,
  type AuthorizeClient,
  type OidcSettings,
  OIDC_OPTION_DEFAULTS,
} from './oidc-rules.js';
import { applicationKeyFile, clientIdFor, clientSecretMatches } from './app-rules.js';
import { hashToken } from '../platform/crypto/master-key.js';

describe('redirectUriProblem (form only: refused on save)', () => {
  it.each([
    // well-formed, whatever the app may do with it (ZITADEL reports compliance, checks at authorize)
    ['https://app.example.com/cb', true],
    ['https://app.example.com/cb?x=1', true],
    ['http://localhost:3000/cb', true],
    ['http://app.example.com/cb', true],
    ['http://[::1]:9000/cb', true],
    ['com.example.app:/oauth2redirect', true],
    ['myapp://callback', true],
    // malformed
    ['https://app.example.com/cb#frag', false],
    ['http://localhost/cb#', false],
    ['/relative/cb', false],
    ['app.example.com/cb', false],
    ['', false],
    ['https://app.example.com/c b', false],
    [' https://app.example.com/cb', false],
    ['javascript:alert(1)', false],
    ['JavaScript:alert(1)', false],
    ['data:text/html,hi', false],
    ['vbscript:msgbox', false],
    ['https://', false],
    ['myapp:', false],
  ])('%s well-formed=%s', (uri, allowed) => {
    const problem = redirectUriProblem(uri);
    if (allowed) expect(problem).toBeUndefined();
    else expect(problem).toEqual(expect.any(String));
  });
});

describe("authorizeRedirectRefusal (ZITADEL's ValidateAuthReqRedirectURI)", () => {
  const R = AUTHORIZE_REDIRECT_REFUSALS;
  const app = (appType: AuthorizeClient['appType'], uri: string, devMode = false): AuthorizeClient => ({
    appType,
    devMode,
    redirectUris: ['https://ok.example.com/cb', uri],
  });

  it.each<[string, AuthorizeClient, string | undefined, string, string | undefined]>([
    [
      'https, registered, any app type',
      app('user_agent', 'https://spa.example.com/cb'),
      'https://spa.example.com/cb',
      'id_token',
      undefined,
    ],
    [
      'a URI that is not registered',
      app('web', 'https://a.example.com/cb'),
      'https://b.example.com/cb',
      'code',
      R.notRegistered,
    ],
    ['no redirect_uri in the request', app('web', 'https://a.example.com/cb'), undefined, 'code', R.missing],
    [
      'http for a web app on the code flow (ZITADEL: web apps are confidential)',
      app('web', 'http://localhost:3000/cb'),
      'http://localhost:3000/cb',
      'code',
      undefined,
    ],
    [
      'http for a web app on the implicit flow',
      app('web', 'http://localhost:3000/cb'),
      'http://localhost:3000/cb',
      'id_token',
      R.http,
    ],
    [
      'http for a user agent app',
      app('user_agent', 'http://localhost:4200/cb'),
      'http://localhost:4200/cb',
      'code',
      R.http,
    ],
    [
      'http for a user agent app in dev mode',
      app('user_agent', 'http://localhost:4200/cb', true),
      'http://localhost:4200/cb',
      'code',
      undefined,
    ],
    ['a custom scheme for a web app', app('web', 'myapp://cb'), 'myapp://cb', 'code', R.customScheme],
    [
      'a custom scheme for a web app, even in dev mode',
      app('web', 'myapp://cb', true),
      'myapp://cb',
      'code',
      R.customScheme,
    ],
    [
      'a custom scheme for a native app',
      app('native', 'com.example.app:/cb'),
      'com.example.app:/cb',
      'code',
      undefined,
    ],
    [
      'http on loopback for a native app',
      app('native', 'http://127.0.0.1:8765/cb'),
      'http://127.0.0.1:8765/cb',
      'code',
      undefined,
    ],
    [
      'another port of a registered loopback URI for a native app (RFC 8252 §7.3)',
      app('native', 'http://127.0.0.1/cb'),
      'http://127.0.0.1:51234/cb',
      'code',
      undefined,
    ],
    [
      'another path on loopback for a native app',
      app('native', 'http://127.0.0.1/cb'),
      'http://127.0.0.1:51234/other',
      'code',
      R.notRegistered,
    ],
    [
      'http elsewhere for a native app',
      app('native', 'http://app.example.com/cb'),
      'http://app.example.com/cb',
      'code',
      R.http,
    ],
    [
      'http elsewhere for a native app in dev mode',
      app('native', 'http://app.example.com/cb', true),
      'http://app.example.com/cb',
      'code',
      undefined,
    ],
    [
      'an unregistered non-loopback URI for a native app',
      app('native', 'myapp://cb'),
      'myapp://other',
      'code',
      R.notRegistered,
    ],
  ])('%s', (_name, client, uri, responseType, refusal) => {
    expect(authorizeRedirectRefusal(client, uri, responseType)).toBe(refusal);
  });

  it('reads registered URIs as globs in dev mode only (ZITADEL client: RedirectURIGlobs)', () => {
    const glob = (devMode: boolean): AuthorizeClient => ({
      appType: 'web',
      devMode,
      redirectUris: ['https://*.preview.example.com/cb'],
    });
    expect(authorizeRedirectRefusal(glob(true), 'https://pr-7.preview.example.com/cb', 'code')).toBeUndefined();
    expect(authorizeRedirectRefusal(glob(false), 'https://pr-7.preview.example.com/cb', 'code')).toBe(R.notRegistered);
    expect(authorizeRedirectRefusal(glob(true), 'https://evil.example.com/x.preview.example.com/cb', 'code')).toBe(
      R.notRegistered,
    );
  });

  it('finds nothing registered for an app without redirect URIs (a device-only app)', () => {
    expect(
      authorizeRedirectRefusal({ appType: 'native', devMode: false, redirectUris: [] }, 'http://127.0.0.1/cb', 'code'),
    ).toBe(R.notRegistered);
  });
});

describe('globMatches (doublestar, as zitadel/oidc matches dev-mode redirect URIs)', () => {
  it.each([
    ['https://*.example.com/cb', 'https://a.example.com/cb', true],
    ['https://*.example.com/cb', 'https://a.b.example.com/cb', true],
    ['https://*.example.com/cb', 'https://evil.com/.example.com/cb', false],
    ['https://app.example.com/*', 'https://app.example.com/cb', true],
    ['https://app.example.com/*', 'https://app.example.com/a/b', false],
    ['https://app.example.com/**', 'https://app.example.com/a/b', true],
    ['https://app.example.com/c?', 'https://app.example.com/cb', true],
    ['https://app.example.com/{cb,callback}', 'https://app.example.com/callback', true],
    ['https://app.example.com/{cb,callback}', 'https://app.example.com/other', false],
    ['https://app.example.com/v[12]/cb', 'https://app.example.com/v2/cb', true],
    ['https://app.example.com/v[!12]/cb', 'https://app.example.com/v2/cb', false],
    ['https://app.example.com/cb.html', 'https://app.example.com/cbxhtml', false],
    ['https://app.example.com/\\*', 'https://app.example.com/*', true],
    ['https://app.example.com/\\*', 'https://app.example.com/x', false],
  ])('%s ~ %s = %s', (pattern, uri, matches) => {
    expect(globMatches(pattern, uri)).toBe(matches);
  });

  // A backtracking matcher needs on the order of 8000^9 steps for these and never returns: the
  // test's own timeout is the guard, no wall-clock bound that a loaded machine could break.
  it('answers patterns that make backtracking matchers explode (no backtracking on a long redirect_uri)', () => {
    expect(globMatches('https://x/**a**a**a**a**a**a**a**a**b', `https://x/${'a'.repeat(8000)}`)).toBe(false);
    expect(
      globMatches('https://x/{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}*c', `https://x/${'a'.repeat(8000)}`),
    ).toBe(false);
  });

  it('applies globs only in dev mode; an exact registration always counts', () => {
    expect(isRegisteredUri(['https://*.example.com/cb'], false, 'https://a.example.com/cb')).toBe(false);
    expect(isRegisteredUri(['https://*.example.com/cb'], true, 'https://a.example.com/cb')).toBe(true);
    expect(isRegisteredUri(['https://a.example.com/cb'], false, 'https://a.example.com/cb')).toBe(true);
  });
});

describe('other OIDC fields', () => {
  it('takes origins only as scheme://host[:port]', () => {
    expect(originProblem('https://app.example.com')).toBeUndefined();
    expect(originProblem('http://localhost:4200')).toBeUndefined();
    expect(originProblem('https://app.example.com/')).toBeDefined();
    expect(originProblem('https://app.example.com/path')).toBeDefined();
    expect(originProblem('https://app.example.com?x')).toBeDefined();
    expect(originProblem('app.example.com')).toBeDefined();
  });

  it('derives allowed origins from http(s) redirect URIs and the additional ones', () => {
    expect(
      allowedOrigins(
        ['https://a.example.com/cb', 'https://a.example.com/other', 'myapp://cb', 'http://localhost:3000/x'],
        ['https://b.example.com'],
      ),
    ).toEqual(['https://a.example.com', 'http://localhost:3000', 'https://b.example.com']);
  });

  it('checks the back-channel logout URI (OpenID Back-Channel Logout §2.2)', () => {
    expect(backChannelLogoutUriProblem('', { devMode: false, confidential: false })).toBeUndefined();
    expect(
      backChannelLogoutUriProblem('https://rp.example.com/bcl', { devMode: false, confidential: false }),
    ).toBeUndefined();
    expect(
      backChannelLogoutUriProblem('http://rp.example.com/bcl', { devMode: false, confidential: true }),
    ).toBeUndefined();
    expect(
      backChannelLogoutUriProblem('http://rp.example.com/bcl', { devMode: false, confidential: false }),
    ).toBeDefined();
    expect(
      backChannelLogoutUriProblem('https://rp.example.com/bcl#x', { devMode: true, confidential: true }),
    ).toBeDefined();
    expect(backChannelLogoutUriProblem('myapp://bcl', { devMode: true, confidential: true })).toBeDefined();
  });

  it('needs the grant types the response types imply', () => {
    expect(missingGrantTypes(['code'], ['authorization_code'])).toEqual([]);
    expect(missingGrantTypes(['code'], ['device_code'])).toEqual([]);
    expect(missingGrantTypes(['code'], ['refresh_token'])).toEqual(['authorization_code']);
    expect(missingGrantTypes(['id_token', 'id_token_token'], ['authorization_code'])).toEqual(['implicit']);
  });

  it('defaults empty lists to the code flow, as ZITADEL', () => {
    expect(withDefaults({ responseTypes: [], grantTypes: [] })).toEqual({
      responseTypes: ['code'],
      grantTypes: ['authorization_code'],
    });
    expect(withDefaults({ responseTypes: ['code', 'code'], grantTypes: ['implicit'] })).toEqual({
      responseTypes: ['code'],
      grantTypes: ['implicit'],
    });
  });
});

const base: OidcSettings = {
  ...OIDC_OPTION_DEFAULTS,
  redirectUris: ['https://app.example.com/cb'],
  responseTypes: ['code'],
  grantTypes: ['authorization_code'],
  appType: 'web',
  authMethod: 'basic',
};

describe('oidcViolations', () => {
  it('accepts a plain web app', () => expect(oidcViolations(base, 'oidc_request')).toEqual([]));

  it('names every bad field under the prefix', () => {
    const violations = oidcViolations(
      {
        ...base,
        authMethod: 'none',
        redirectUris: ['https://ok.example.com', 'http://app.example.com/cb#x'],
        postLogoutRedirectUris: ['javascript:alert(1)'],
        responseTypes: ['code', 'id_token'],
        clockSkewMs: 6000,
        additionalOrigins: ['https://x.example.com/path'],
        backChannelLogoutUri: 'ftp://x',
        loginBaseUri: 'not a url',
      },
      'oidc_request',
    );
    expect(violations.map((v) => v.field)).toEqual([
      'oidc_request.redirect_uris[1]',
      'oidc_request.post_logout_redirect_uris[0]',
      'oidc_request.grant_types',
      'oidc_request.clock_skew',
      'oidc_request.additional_origins[0]',
      'oidc_request.back_channel_logout_uri',
      'oidc_request.login_version.login_v2.base_uri',
    ]);
  });

  it('refuses no well-formed redirect URI for its scheme: ZITADEL saves the app and reports the compliance problems', () => {
    const implicitHttp = {
      ...base,
      appType: 'user_agent' as const,
      authMethod: 'none' as const,
      redirectUris: ['http://spa.example.com/cb'],
      responseTypes: ['id_token'] as const,
      grantTypes: ['implicit'] as const,
    };
    expect(oidcViolations(implicitHttp, 'p')).toEqual([]);
    expect(oidcCompliance(implicitHttp).noneCompliant).toBe(true);
    expect(oidcViolations({ ...base, redirectUris: ['myapp://cb'] }, 'p')).toEqual([]);
  });
});

describe('oidcCompliance (ZITADEL OIDC 1.0)', () => {
  const keys = (s: Partial<OidcSettings>) => oidcCompliance({ ...base, ...s }).problems.map((p) => p.key);

  it('reports nothing for a compliant app', () =>
    expect(oidcCompliance(base)).toEqual({ noneCompliant: false, problems: [] }));

  it.each([
    [{ redirectUris: [] }, ['Application.OIDC.V1.NotCompliant', 'Application.OIDC.V1.NoRedirectUris']],
    [{ redirectUris: [], grantTypes: ['device_code'] as const }, []],
    [
      { grantTypes: ['refresh_token'] as const },
      ['Application.OIDC.V1.NotCompliant', 'Application.OIDC.V1.GrantType.Refresh.NoAuthCode'],
    ],
    [
      { appType: 'native' as const, authMethod: 'basic' as const },
      ['Application.OIDC.V1.NotCompliant', 'Application.OIDC.V1.Native.AuthMethodType.NotNone'],
    ],
    [{ appType: 'user_agent' as const, authMethod: 'none' as const }, []],
    [
      { appType: 'user_agent' as const, authMethod: 'none' as const, redirectUris: ['http://localhost/cb'] },
      ['Application.OIDC.V1.NotCompliant', 'Application.OIDC.V1.Code.RedirectUris.HttpOnlyForWeb'],
    ],
    [
      { redirectUris: ['myapp://cb'] },
      ['Application.OIDC.V1.NotCompliant', 'Application.OIDC.V1.Code.RedirectUris.CustomOnlyForNative'],
    ],
    [
      { appType: 'native' as const, authMethod: 'none' as const, redirectUris: ['myapp://cb', 'http://127.0.0.1/cb'] },
      [],
    ],
    [
      { appType: 'native' as const, authMethod: 'none' as const, redirectUris: ['http://example.com/cb'] },
      ['Application.OIDC.V1.NotCompliant', 'Application.OIDC.V1.Native.RedirectUris.MustBeHttpLocalhost'],
    ],
    [
      { grantTypes: ['implicit'] as const, redirectUris: ['http://x.example.com/cb'] },
      ['Application.OIDC.V1.NotCompliant', 'Application.OIDC.V1.Implicit.RedirectUris.HttpNotAllowed'],
    ],
    [
      { grantTypes: ['implicit', 'authorization_code'] as const, redirectUris: ['myapp://cb'] },
      ['Application.OIDC.V1.NotCompliant', 'Application.OIDC.V1.Implicit.RedirectUris.CustomNotAllowed'],
    ],
  ])('%o -> %o', (settings, expected) => {
    expect(keys(settings as Partial<OidcSettings>)).toEqual(expected);
  });
});

describe('client ids, key files and secrets', () => {
  it('makes ZITADEL client ids from the project name', () => {
    expect(clientIdFor('301546827385118722', 'My Great Project')).toBe('301546827385118722@my_great_project');
  });

  it("writes the application key file in ZITADEL's shape", () => {
    const file = JSON.parse(
      applicationKeyFile({ keyId: 'k1', privateKey: 'PEM', appId: 'a1', clientId: 'c1@p' }).toString('utf8'),
    );
    expect(file).toEqual({ type: 'application', keyId: 'k1', key: 'PEM', appId: 'a1', clientId: 'c1@p' });
    expect(Object.keys(file)).toEqual(['type', 'keyId', 'key', 'appId', 'clientId']);
  });

  it('matches secrets against their hash only', () => {
    expect(clientSecretMatches(hashToken('s3cret'), 's3cret')).toBe(true);
    expect(clientSecretMatches(hashToken('s3cret'), 's3cret ')).toBe(false);
    expect(clientSecretMatches(null, '')).toBe(false);
  });
});
