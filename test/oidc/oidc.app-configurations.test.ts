import {
  OIDCAppType,
  OIDCAuthMethodType,
  OIDCGrantType,
  OIDCResponseType,
} from '@zitadel/proto/zitadel/app/v2beta/oidc_pb.js';
import { OIDCService } from '@zitadel/proto/zitadel/oidc/v2/oidc_service_pb.js';
import { client } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { Browser, addOidcApp, oidc, oidcWorld, passwordSession, type OidcWorld } from './support.js';

/** OIDC apps whose configuration ZITADEL accepts though it is unusual: device-only apps, non-compliant redirects. */

let server: TestServer;
let world: OidcWorld;

beforeAll(async () => {
  server = await bootTestServer();
  world = await oidcWorld(server);
}, 60_000);
afterAll(() => server?.close());

async function config(clientId: string, clientSecret: string): Promise<oidc.Configuration> {
  return oidc.discovery(
    new URL(server.baseUrl),
    clientId,
    clientSecret || undefined,
    clientSecret ? undefined : oidc.None(),
    { execute: [oidc.allowInsecureRequests] },
  );
}

const DEVICE_ONLY = {
  redirectUris: [],
  postLogoutRedirectUris: [],
  grantTypes: [OIDCGrantType.OIDC_GRANT_TYPE_DEVICE_CODE],
};

describe('device-only apps (the device grant and no redirect URI)', () => {
  it.each([
    [
      'a public native app (auth method none), as a TV or CLI app is set up',
      {
        ...DEVICE_ONLY,
        appType: OIDCAppType.OIDC_APP_TYPE_NATIVE,
        authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_NONE,
        devMode: false,
      },
    ],
    [
      'a confidential web app without response types',
      {
        ...DEVICE_ONLY,
        responseTypes: [],
        appType: OIDCAppType.OIDC_APP_TYPE_WEB,
        authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_BASIC,
        devMode: false,
      },
    ],
  ])(
    '%s: device authorization, polling, and the login finishing it through the session API',
    async (_name, request) => {
      const app = await addOidcApp(server, world, request);
      const rp = await config(app.clientId, app.clientSecret);
      const started = await oidc.initiateDeviceAuthorization(rp, { scope: 'openid profile' });
      expect(started.user_code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);

      const oidcService = client(OIDCService, 'grpc', server.baseUrl, server.adminPat);
      const { deviceAuthorizationRequest } = await oidcService.getDeviceAuthorizationRequest({
        userCode: started.user_code,
      });
      expect(deviceAuthorizationRequest).toMatchObject({ clientId: app.clientId, scope: ['openid', 'profile'] });
      const polling = oidc.pollDeviceAuthorizationGrant(rp, started);
      const session = await passwordSession(server, world.user.username);
      await oidcService.authorizeOrDenyDeviceAuthorization({
        deviceAuthorizationId: deviceAuthorizationRequest!.id,
        decision: { case: 'session', value: session },
      });
      const tokens = await polling;
      expect(tokens.claims()?.sub).toBe(world.user.id);
      expect(tokens.claims()?.aud).toContain(app.clientId);
    },
    30_000,
  );

  it("cannot start an authorization at /authorize, having no redirect URI (ZITADEL's invalid_request)", async () => {
    const app = await addOidcApp(server, world, {
      ...DEVICE_ONLY,
      responseTypes: [OIDCResponseType.OIDC_RESPONSE_TYPE_CODE],
      appType: OIDCAppType.OIDC_APP_TYPE_NATIVE,
      authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_NONE,
    });
    const url = new URL('/oauth/v2/authorize', server.baseUrl);
    url.search = new URLSearchParams({
      client_id: app.clientId,
      redirect_uri: 'http://127.0.0.1:9999/cb',
      response_type: 'code',
      scope: 'openid',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
    }).toString();
    const res = await new Browser().get(url.toString());
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    const page = await res.text();
    expect(page).toContain('invalid_request');
    expect(page).toContain('The requested redirect_uri is missing in the client configuration.');
  });
});

const USER_AGENT = {
  appType: OIDCAppType.OIDC_APP_TYPE_USER_AGENT,
  authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_NONE,
};
const NATIVE = {
  appType: OIDCAppType.OIDC_APP_TYPE_NATIVE,
  authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_NONE,
};
const WEB_SECRET = {
  appType: OIDCAppType.OIDC_APP_TYPE_WEB,
  authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_BASIC,
};
const HTTP_REFUSED = "This client's redirect_uri is http and is not allowed.";
const CUSTOM_REFUSED = "This client's redirect_uri is using a custom schema and is not allowed.";

/** An authorization request for the app at its redirect URI (PKCE always; a nonce for implicit), GET or POST. */
async function authorizeWith(
  clientId: string,
  redirectUri: string,
  responseType = 'code',
  method: 'GET' | 'POST' = 'GET',
): Promise<{ status: number; location: string | null; page: string }> {
  const params = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: responseType,
    scope: 'openid',
    state: 's1',
    nonce: 'n1',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  });
  const url = new URL('/oauth/v2/authorize', server.baseUrl);
  const res =
    method === 'GET'
      ? await fetch(`${url}?${params}`, { redirect: 'manual' })
      : await fetch(url, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: params.toString(),
        });
  // The error page escapes HTML special characters as numeric references.
  const page = (await res.text()).replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
  return { status: res.status, location: res.headers.get('location'), page };
}

const reachesLogin = (res: { status: number; location: string | null }) =>
  res.status === 303 || res.status === 302 ? /\/login\?authRequest=/.test(res.location ?? '') : false;

describe("ZITADEL's redirect rule at /oauth/v2/authorize, for apps saved with compliance problems", () => {
  it.each([
    ['a user agent app with http', USER_AGENT, 'http://spa.example.com/cb', 'code', HTTP_REFUSED],
    ['a native app with http outside loopback', NATIVE, 'http://app.example.com/cb', 'code', HTTP_REFUSED],
    ['a web app with a custom scheme', WEB_SECRET, 'myapp://cb', 'code', CUSTOM_REFUSED],
  ])(
    "%s: refused with invalid_request and ZITADEL's message, never redirected to",
    async (_name, kind, uri, responseType, message) => {
      const app = await addOidcApp(server, world, { ...kind, redirectUris: [uri], devMode: false });
      for (const method of ['GET', 'POST'] as const) {
        const res = await authorizeWith(app.clientId, uri, responseType, method);
        expect(res.status).toBe(400);
        expect(res.location).toBeNull();
        expect(res.page).toContain('invalid_request');
        expect(res.page).toContain(message);
      }
    },
  );

  it.each([
    ['a user agent app with http', USER_AGENT, 'http://spa.example.com/cb'],
    ['a native app with http outside loopback', NATIVE, 'http://app.example.com/cb'],
  ])('%s: allowed in dev mode (reaches the login)', async (_name, kind, uri) => {
    const app = await addOidcApp(server, world, { ...kind, redirectUris: [uri], devMode: true });
    expect(reachesLogin(await authorizeWith(app.clientId, uri))).toBe(true);
  });

  it('a web app with a custom scheme stays refused in dev mode (zitadel/oidc allows custom schemes to native apps only)', async () => {
    const app = await addOidcApp(server, world, { ...WEB_SECRET, redirectUris: ['myapp://cb'], devMode: true });
    const res = await authorizeWith(app.clientId, 'myapp://cb');
    expect(res.status).toBe(400);
    expect(res.page).toContain(CUSTOM_REFUSED);
  });

  it('keeps an implicit user agent app on http loadable (the provider would refuse the whole client): dev mode reaches the login, otherwise ZITADEL refuses', async () => {
    const implicit = {
      ...USER_AGENT,
      responseTypes: [OIDCResponseType.OIDC_RESPONSE_TYPE_ID_TOKEN],
      grantTypes: [OIDCGrantType.OIDC_GRANT_TYPE_IMPLICIT],
    };
    const dev = await addOidcApp(server, world, {
      ...implicit,
      redirectUris: ['http://localhost:4200/cb'],
      devMode: true,
    });
    expect(reachesLogin(await authorizeWith(dev.clientId, 'http://localhost:4200/cb', 'id_token'))).toBe(true);
    const strict = await addOidcApp(server, world, {
      ...implicit,
      redirectUris: ['http://localhost:4200/cb'],
      devMode: false,
    });
    expect((await authorizeWith(strict.clientId, 'http://localhost:4200/cb', 'id_token')).page).toContain(HTTP_REFUSED);
  });

  it('lets a web app use http on the code flow, as ZITADEL treats web apps as confidential', async () => {
    const app = await addOidcApp(server, world, {
      ...WEB_SECRET,
      redirectUris: ['http://web.example.com/cb'],
      devMode: false,
    });
    expect(reachesLogin(await authorizeWith(app.clientId, 'http://web.example.com/cb'))).toBe(true);
  });

  it("reads a dev-mode app's redirect URIs as globs (ZITADEL's client), and only in dev mode", async () => {
    const glob = 'https://*.preview.example.com/cb';
    const dev = await addOidcApp(server, world, { ...WEB_SECRET, redirectUris: [glob], devMode: true });
    expect(reachesLogin(await authorizeWith(dev.clientId, 'https://pr-42.preview.example.com/cb'))).toBe(true);
    expect((await authorizeWith(dev.clientId, 'https://pr-42.preview.example.com.evil.com/cb')).page).toContain(
      'The requested redirect_uri is missing in the client configuration.',
    );
    const strict = await addOidcApp(server, world, { ...WEB_SECRET, redirectUris: [glob], devMode: false });
    expect((await authorizeWith(strict.clientId, 'https://pr-42.preview.example.com/cb')).page).toContain(
      'The requested redirect_uri is missing in the client configuration.',
    );
  });

  it('refuses the same redirect at the pushed authorization endpoint', async () => {
    const app = await addOidcApp(server, world, { ...WEB_SECRET, redirectUris: ['myapp://cb'], devMode: false });
    const res = await fetch(`${server.baseUrl}/oauth/v2/par`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.clientSecret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ redirect_uri: 'myapp://cb', response_type: 'code', scope: 'openid' }).toString(),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining(CUSTOM_REFUSED),
    });
  });

  it("across orgs: a redirect URI registered by another org's app is not this app's", async () => {
    const otherOrg = await oidcWorld(server);
    const theirs = await addOidcApp(server, otherOrg, {
      ...WEB_SECRET,
      redirectUris: ['https://theirs.example.com/cb'],
    });
    expect(reachesLogin(await authorizeWith(theirs.clientId, 'https://theirs.example.com/cb'))).toBe(true);
    const ours = await addOidcApp(server, world, { ...WEB_SECRET, redirectUris: ['https://ours.example.com/cb'] });
    const res = await authorizeWith(ours.clientId, 'https://theirs.example.com/cb');
    expect(res.status).toBe(400);
    expect(res.location).toBeNull();
    expect(res.page).toContain('The requested redirect_uri is missing in the client configuration.');
  });
});
