import {
  allowedOrigins,
  backChannelLogoutUriProblem,
  missingGrantTypes,
  oidcCompliance,
  oidcViolations,
  originProblem,
  redirectUriProblem,
  withDefaults,
  type OidcSettings,
  type RedirectContext,
} from './oidc-rules.js';
import { applicationKeyFile, clientIdFor, clientSecretMatches } from './app-rules.js';
import { hashToken } from '../platform/crypto/master-key.js';

const web: RedirectContext = { appType: 'web', devMode: false, confidentialCodeOnly: true };
const webPublic: RedirectContext = { appType: 'web', devMode: false, confidentialCodeOnly: false };
const userAgent: RedirectContext = { appType: 'user_agent', devMode: false, confidentialCodeOnly: false };
const native: RedirectContext = { appType: 'native', devMode: false, confidentialCodeOnly: false };
const dev = (ctx: RedirectContext): RedirectContext => ({ ...ctx, devMode: true });

describe('redirectUriProblem', () => {
  it.each([
    // https is fine for every app type
    ['https://app.example.com/cb', web, true],
    ['https://app.example.com/cb?x=1', userAgent, true],
    ['https://app.example.com/cb', native, true],
    // http: native on loopback only; confidential code-only web apps; anyone in dev mode
    ['http://localhost:3000/cb', native, true],
    ['http://127.0.0.1:8000/cb', native, true],
    ['http://127.1.2.3/cb', native, true],
    ['http://[::1]:9000/cb', native, true],
    ['http://example.com/cb', native, false],
    ['http://localhost.evil.com/cb', native, false],
    ['http://example.com/cb', dev(native), true],
    ['http://localhost:3000/cb', web, true],
    ['http://localhost:3000/cb', webPublic, false],
    ['http://localhost:3000/cb', dev(webPublic), true],
    ['http://localhost:3000/cb', userAgent, false],
    ['http://app.example.com/cb', dev(userAgent), true],
    // custom schemes: native apps, or dev mode
    ['com.example.app:/oauth2redirect', native, true],
    ['myapp://callback', native, true],
    ['myapp://callback', web, false],
    ['myapp://callback', userAgent, false],
    ['myapp://callback', dev(web), true],
    // what dev mode does not relax
    ['https://app.example.com/cb#frag', dev(web), false],
    ['http://localhost/cb#', dev(native), false],
    ['/relative/cb', dev(web), false],
    ['app.example.com/cb', dev(web), false],
    ['', dev(web), false],
    ['https://app.example.com/c b', dev(web), false],
    ['javascript:alert(1)', dev(native), false],
    ['data:text/html,hi', native, false],
    ['https://', dev(web), false],
    ['myapp:', native, false],
  ])('%s (%o) allowed=%s', (uri, ctx, allowed) => {
    const problem = redirectUriProblem(uri, ctx);
    if (allowed) expect(problem).toBeUndefined();
    else expect(problem).toEqual(expect.any(String));
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
    expect(allowedOrigins(['https://a.example.com/cb', 'https://a.example.com/other', 'myapp://cb', 'http://localhost:3000/x'], ['https://b.example.com'])).toEqual([
      'https://a.example.com',
      'http://localhost:3000',
      'https://b.example.com',
    ]);
  });

  it('checks the back-channel logout URI (OpenID Back-Channel Logout §2.2)', () => {
    expect(backChannelLogoutUriProblem('', { devMode: false, confidential: false })).toBeUndefined();
    expect(backChannelLogoutUriProblem('https://rp.example.com/bcl', { devMode: false, confidential: false })).toBeUndefined();
    expect(backChannelLogoutUriProblem('http://rp.example.com/bcl', { devMode: false, confidential: true })).toBeUndefined();
    expect(backChannelLogoutUriProblem('http://rp.example.com/bcl', { devMode: false, confidential: false })).toBeDefined();
    expect(backChannelLogoutUriProblem('https://rp.example.com/bcl#x', { devMode: true, confidential: true })).toBeDefined();
    expect(backChannelLogoutUriProblem('myapp://bcl', { devMode: true, confidential: true })).toBeDefined();
  });

  it('needs the grant types the response types imply', () => {
    expect(missingGrantTypes(['code'], ['authorization_code'])).toEqual([]);
    expect(missingGrantTypes(['code'], ['device_code'])).toEqual([]);
    expect(missingGrantTypes(['code'], ['refresh_token'])).toEqual(['authorization_code']);
    expect(missingGrantTypes(['id_token', 'id_token_token'], ['authorization_code'])).toEqual(['implicit']);
  });

  it('defaults empty lists to the code flow, as ZITADEL', () => {
    expect(withDefaults({ responseTypes: [], grantTypes: [] })).toEqual({ responseTypes: ['code'], grantTypes: ['authorization_code'] });
    expect(withDefaults({ responseTypes: ['code', 'code'], grantTypes: ['implicit'] })).toEqual({ responseTypes: ['code'], grantTypes: ['implicit'] });
  });
});

const base: OidcSettings = {
  redirectUris: ['https://app.example.com/cb'],
  responseTypes: ['code'],
  grantTypes: ['authorization_code'],
  appType: 'web',
  authMethod: 'basic',
  postLogoutRedirectUris: [],
  devMode: false,
  accessTokenType: 'bearer',
  accessTokenRoleAssertion: false,
  idTokenRoleAssertion: false,
  idTokenUserinfoAssertion: false,
  clockSkewMs: 0,
  additionalOrigins: [],
  skipNativeAppSuccessPage: false,
  backChannelLogoutUri: '',
  loginVersion: null,
  loginBaseUri: null,
};

describe('oidcViolations', () => {
  it('accepts a plain web app', () => expect(oidcViolations(base, 'oidc_request')).toEqual([]));

  it('names every bad field under the prefix', () => {
    const violations = oidcViolations(
      {
        ...base,
        authMethod: 'none',
        redirectUris: ['https://ok.example.com', 'http://app.example.com/cb'],
        postLogoutRedirectUris: ['myapp://bye'],
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

  it('lets a confidential web app on the code flow use http, but not once implicit is on', () => {
    const http = { ...base, redirectUris: ['http://localhost:3000/cb'] };
    expect(oidcViolations(http, 'p')).toEqual([]);
    expect(oidcViolations({ ...http, responseTypes: ['code', 'id_token'], grantTypes: ['authorization_code', 'implicit'] }, 'p')).toHaveLength(1);
    expect(oidcViolations({ ...http, responseTypes: ['code', 'id_token'], grantTypes: ['authorization_code', 'implicit'], devMode: true }, 'p')).toEqual([]);
  });
});

describe('oidcCompliance (ZITADEL OIDC 1.0)', () => {
  const keys = (s: Partial<OidcSettings>) => oidcCompliance({ ...base, ...s }).problems.map((p) => p.key);

  it('reports nothing for a compliant app', () => expect(oidcCompliance(base)).toEqual({ noneCompliant: false, problems: [] }));

  it.each([
    [{ redirectUris: [] }, ['Application.OIDC.V1.NotCompliant', 'Application.OIDC.V1.NoRedirectUris']],
    [{ redirectUris: [], grantTypes: ['device_code'] as const }, []],
    [{ grantTypes: ['refresh_token'] as const }, ['Application.OIDC.V1.NotCompliant', 'Application.OIDC.V1.GrantType.Refresh.NoAuthCode']],
    [{ appType: 'native' as const, authMethod: 'basic' as const }, ['Application.OIDC.V1.NotCompliant', 'Application.OIDC.V1.Native.AuthMethodType.NotNone']],
    [{ appType: 'user_agent' as const, authMethod: 'none' as const }, []],
    [{ appType: 'user_agent' as const, authMethod: 'none' as const, redirectUris: ['http://localhost/cb'] }, ['Application.OIDC.V1.NotCompliant', 'Application.OIDC.V1.Code.RedirectUris.HttpOnlyForWeb']],
    [{ redirectUris: ['myapp://cb'] }, ['Application.OIDC.V1.NotCompliant', 'Application.OIDC.V1.Code.RedirectUris.CustomOnlyForNative']],
    [{ appType: 'native' as const, authMethod: 'none' as const, redirectUris: ['myapp://cb', 'http://127.0.0.1/cb'] }, []],
    [{ appType: 'native' as const, authMethod: 'none' as const, redirectUris: ['http://example.com/cb'] }, ['Application.OIDC.V1.NotCompliant', 'Application.OIDC.V1.Native.RedirectUris.MustBeHttpLocalhost']],
    [{ grantTypes: ['implicit'] as const, redirectUris: ['http://x.example.com/cb'] }, ['Application.OIDC.V1.NotCompliant', 'Application.OIDC.V1.Implicit.RedirectUris.HttpNotAllowed']],
    [{ grantTypes: ['implicit', 'authorization_code'] as const, redirectUris: ['myapp://cb'] }, ['Application.OIDC.V1.NotCompliant', 'Application.OIDC.V1.Implicit.RedirectUris.CustomNotAllowed']],
  ])('%o -> %o', (settings, expected) => {
    expect(keys(settings as Partial<OidcSettings>)).toEqual(expected);
  });
});

describe('client ids, key files and secrets', () => {
  it('makes ZITADEL client ids from the project name', () => {
    expect(clientIdFor('301546827385118722', 'My Great Project')).toBe('301546827385118722@my_great_project');
  });

  it('writes the application key file in ZITADEL\'s shape', () => {
    const file = JSON.parse(applicationKeyFile({ keyId: 'k1', privateKey: 'PEM', appId: 'a1', clientId: 'c1@p' }).toString('utf8'));
    expect(file).toEqual({ type: 'application', keyId: 'k1', key: 'PEM', appId: 'a1', clientId: 'c1@p' });
    expect(Object.keys(file)).toEqual(['type', 'keyId', 'key', 'appId', 'clientId']);
  });

  it('matches secrets against their hash only', () => {
    expect(clientSecretMatches(hashToken('s3cret'), 's3cret')).toBe(true);
    expect(clientSecretMatches(hashToken('s3cret'), 's3cret ')).toBe(false);
    expect(clientSecretMatches(null, '')).toBe(false);
  });
});
