import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Code, createClient, type Interceptor } from '@connectrpc/connect';
import { createServerTransport } from '@zitadel/client/node';
import {
  OIDCAppType,
  OIDCAuthMethodType,
  OIDCGrantType,
  OIDCResponseType,
} from '@zitadel/proto/zitadel/app/v2beta/oidc_pb.js';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { ErrorReason, Prompt } from '@zitadel/proto/zitadel/oidc/v2/authorization_pb.js';
import { OIDCService } from '@zitadel/proto/zitadel/oidc/v2/oidc_service_pb.js';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { client, codeOf } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { appCode, withTotp } from '../sessions/support/sessions.js';
import { withoutMfaPrompt } from '../login/support.js';
import {
  Browser,
  PASSWORD,
  POST_LOGOUT,
  REDIRECT,
  addOidcApp,
  authorizationRequest,
  authorize,
  codeFlow,
  createCallback,
  endSession,
  hostedCodeFlow,
  oidc,
  oidcWorld,
  passwordSession,
  rp,
  setBackChannelLogout,
  submitForm,
  userinfoStatus,
  type OidcWorld,
} from './support.js';

let server: TestServer;
let world: OidcWorld;
let config: oidc.Configuration;

beforeAll(async () => {
  server = await bootTestServer({ PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: 'true' }); // the back-channel logout receiver is on loopback
  world = await oidcWorld(server);
  await withoutMfaPrompt(server);
  config = await rp(server, world.web.clientId, world.web.clientSecret);
});
afterAll(() => server?.close());

const oidcService = () => client(OIDCService, 'grpc', server.baseUrl, server.adminPat);

/** Where the provider sends the browser, as a URL (relative locations resolved against the server). */
const locationOf = (res: Response) => new URL(res.headers.get('location') ?? 'http://missing.invalid/', server.baseUrl);

/** Starts an authorization that must reach the login; its auth request id and PKCE/state. */
async function loginRequest(
  params: Record<string, string> = {},
  scope = 'openid',
  browser = new Browser(),
  cfg = config,
) {
  const started = await authorize(browser, cfg, params, scope);
  expect(started.authRequestId).toBeDefined();
  return { ...started, authRequestId: started.authRequestId!, browser };
}

describe('prompt=none', () => {
  it('answers login_required to the app without a provider session, and completes silently after a sign-in at the hosted login (which hands the browser the provider session)', async () => {
    const browser = new Browser();
    const refused = await authorize(browser, config, { prompt: 'none' });
    expect(refused.res.status).toBe(303);
    const back = locationOf(refused.res);
    expect(back.toString().startsWith(REDIRECT)).toBe(true);
    expect(back.searchParams.get('error')).toBe('login_required');
    expect(back.searchParams.get('state')).toBe(refused.state);

    await hostedCodeFlow(server, browser, config, world.user.username);

    const silent = await authorize(browser, config, { prompt: 'none' });
    expect(silent.authRequestId).toBeUndefined();
    expect(silent.res.status).toBe(303);
    const next = locationOf(silent.res).toString();
    const url = next.startsWith(REDIRECT) ? next : (await browser.follow(next, server.baseUrl)).url;
    expect(url.startsWith(REDIRECT)).toBe(true);
    expect(new URL(url).searchParams.get('error')).toBeNull();
    const tokens = await oidc.authorizationCodeGrant(config, new URL(url), {
      pkceCodeVerifier: silent.verifier,
      expectedState: silent.state,
    });
    expect(tokens.claims()?.sub).toBe(world.user.id);
  });
});

describe('end_session', () => {
  it('signs out by a form POST as by GET (RP-Initiated Logout 1.0 §2: the OP supports GET and POST)', async () => {
    const browser = new Browser();
    const silentAuthorization = async () => {
      const { res } = await authorize(browser, config, { prompt: 'none' });
      const next = locationOf(res).toString();
      const url = next.startsWith(REDIRECT) ? next : (await browser.follow(next, server.baseUrl)).url;
      return new URL(url).searchParams;
    };
    // Signed in at the hosted login, which hands the browser the provider session.
    const tokens = await hostedCodeFlow(server, browser, config, world.user.username);
    expect((await silentAuthorization()).get('code')).toBeTruthy();

    const confirm = await endSession(server, browser, config, tokens.id_token!, true);
    expect(confirm.status).toBe(303);
    expect(confirm.headers.get('location')).toBe(POST_LOGOUT);
    // The session it ended is gone: a silent authorization now needs a login.
    expect((await silentAuthorization()).get('error')).toBe('login_required');
  });
});

describe('CreateCallback applies the login rules', () => {
  it('refuses a session authenticated longer ago than max_age (FAILED_PRECONDITION)', async () => {
    const { authRequestId } = await loginRequest({ max_age: '60' });
    const session = await passwordSession(server, world.user.username);
    await server.database.dataSource.query(
      `UPDATE sessions SET password_checked_at = now() - interval '10 minutes' WHERE id = $1`,
      [session.sessionId],
    );
    expect(await codeOf(createCallback(server, authRequestId, session))).toBe(Code.FailedPrecondition);
    // A fresh session passes the same request.
    await expect(
      createCallback(server, authRequestId, await passwordSession(server, world.user.username)),
    ).resolves.toMatch(new RegExp(`^${REDIRECT}\\?code=`));
  });

  it('refuses a password-only session when the login settings force MFA, and accepts password + TOTP', async () => {
    const mfaWorld = await oidcWorld(server);
    const orgHeader: Interceptor = (next) => (req) => {
      req.header.set('x-zitadel-orgid', mfaWorld.orgId);
      return next(req);
    };
    const mgmt = createClient(
      ManagementService,
      createServerTransport(server.adminPat, { baseUrl: server.baseUrl, interceptors: [orgHeader] }),
    );
    await mgmt.addCustomLoginPolicy({
      allowUsernamePassword: true,
      forceMfa: true,
      secondFactors: [1],
      passwordCheckLifetime: { seconds: 864000n },
    });
    const secret = await withTotp(server, mfaWorld.user.id);
    const mfaConfig = await rp(server, mfaWorld.web.clientId, mfaWorld.web.clientSecret);

    const { authRequestId, browser, verifier, state } = await loginRequest({}, 'openid', new Browser(), mfaConfig);
    expect(
      await codeOf(createCallback(server, authRequestId, await passwordSession(server, mfaWorld.user.username))),
    ).toBe(Code.FailedPrecondition);

    const { sessionId, sessionToken } = await client(
      SessionService,
      'grpc',
      server.baseUrl,
      server.adminPat,
    ).createSession({
      checks: {
        user: { search: { case: 'loginName', value: mfaWorld.user.username } },
        password: { password: PASSWORD },
        totp: { code: appCode(secret) },
      },
    });
    const { url } = await browser.follow(
      await createCallback(server, authRequestId, { sessionId, sessionToken }),
      server.baseUrl,
    );
    const tokens = await oidc.authorizationCodeGrant(mfaConfig, new URL(url), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.claims()?.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
  });

  it('refuses a user of another org when the scope names an org (urn:zitadel:iam:org:id)', async () => {
    const other = await oidcWorld(server);
    const session = await passwordSession(server, world.user.username);
    const foreign = await loginRequest({}, `openid urn:zitadel:iam:org:id:${other.orgId}`);
    expect(await codeOf(createCallback(server, foreign.authRequestId, session))).toBe(Code.FailedPrecondition);
    const own = await loginRequest({}, `openid urn:zitadel:iam:org:id:${world.orgId}`);
    await expect(createCallback(server, own.authRequestId, session)).resolves.toMatch(
      new RegExp(`^${REDIRECT}\\?code=`),
    );
  });

  it('with an error sends the app error=access_denied', async () => {
    const { authRequestId, browser, state } = await loginRequest();
    const { callbackUrl } = await oidcService().createCallback({
      authRequestId,
      callbackKind: {
        case: 'error',
        value: { error: ErrorReason.ACCESS_DENIED, errorDescription: 'the user cancelled' },
      },
    });
    const { url } = await browser.follow(callbackUrl, server.baseUrl);
    expect(url.startsWith(REDIRECT)).toBe(true);
    const params = new URL(url).searchParams;
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('error_description')).toBe('the user cancelled');
    expect(params.get('state')).toBe(state);
    expect(params.get('code')).toBeNull();
  });
});

describe('GetAuthRequest', () => {
  it('returns login_hint, ui_locales, max_age and prompt', async () => {
    const { authRequestId } = await loginRequest({
      login_hint: 'someone@example.com',
      ui_locales: 'de en',
      max_age: '300',
      prompt: 'login select_account',
    });
    const { authRequest } = await oidcService().getAuthRequest({ authRequestId });
    expect(authRequest).toMatchObject({
      id: authRequestId,
      loginHint: 'someone@example.com',
      uiLocales: ['de', 'en'],
      prompt: [Prompt.LOGIN, Prompt.SELECT_ACCOUNT],
    });
    expect(authRequest?.maxAge).toMatchObject({ seconds: 300n });
    expect(authRequest?.hintUserId).toBeUndefined();
  });

  it('fills hint_user_id from id_token_hint', async () => {
    const tokens = await codeFlow(server, new Browser(), config, world.user.username);
    const { authRequestId } = await loginRequest({ id_token_hint: tokens.id_token!, prompt: 'login' });
    const { authRequest } = await oidcService().getAuthRequest({ authRequestId });
    expect(authRequest?.hintUserId).toBe(world.user.id);
  });
});

describe('token kinds and flows', () => {
  it('JWT access tokens verify with the JWKS, work at userinfo and introspection, and revocation ends them', async () => {
    const jwtWorld = await oidcWorld(server, { accessTokenType: 'jwt' });
    const jwtConfig = await rp(server, jwtWorld.web.clientId, jwtWorld.web.clientSecret);
    const tokens = await codeFlow(server, new Browser(), jwtConfig, jwtWorld.user.username);
    const { payload } = await jwtVerify(
      tokens.access_token,
      createRemoteJWKSet(new URL(`${server.baseUrl}/oauth/v2/keys`)),
      { issuer: server.baseUrl },
    );
    expect(payload).toMatchObject({ sub: jwtWorld.user.id, client_id: jwtWorld.web.clientId });
    expect(payload.aud).toEqual(expect.arrayContaining([jwtWorld.web.clientId, jwtWorld.projectId]));

    expect(await oidc.fetchUserInfo(jwtConfig, tokens.access_token, jwtWorld.user.id)).toMatchObject({
      sub: jwtWorld.user.id,
    });
    const api = await rp(server, jwtWorld.api.clientId, jwtWorld.api.clientSecret);
    expect(await oidc.tokenIntrospection(api, tokens.access_token)).toMatchObject({
      active: true,
      sub: jwtWorld.user.id,
    });
    // The jti (public in the JWT) is no token by itself.
    expect(await userinfoStatus(server, String(payload.jti))).toBe(401);
    expect(await userinfoStatus(server, `jwt~${String(payload.jti)}~forged`)).toBe(401);

    await oidc.tokenRevocation(jwtConfig, tokens.access_token);
    expect((await oidc.tokenIntrospection(api, tokens.access_token)).active).toBe(false);
    expect(await userinfoStatus(server, tokens.access_token)).toBe(401);
  });

  it('implicit flow (id_token token) gets both tokens in the fragment through CreateCallback', async () => {
    const redirect = 'https://spa.example.com/callback';
    const app = await addOidcApp(server, world, {
      redirectUris: [redirect],
      postLogoutRedirectUris: [],
      responseTypes: [OIDCResponseType.OIDC_RESPONSE_TYPE_ID_TOKEN_TOKEN],
      grantTypes: [OIDCGrantType.OIDC_GRANT_TYPE_IMPLICIT],
      appType: OIDCAppType.OIDC_APP_TYPE_USER_AGENT,
      authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_NONE,
      devMode: false,
    });
    const spa = await oidc.discovery(new URL(server.baseUrl), app.clientId, undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(spa, {
      redirect_uri: redirect,
      response_type: 'id_token token',
      scope: 'openid',
      nonce,
      state: 'spa-state',
    });
    const browser = new Browser();
    const res = await browser.get(url.toString());
    const authRequestId = locationOf(res).searchParams.get('authRequest');
    expect(authRequestId).toBeTruthy();

    const callbackUrl = await createCallback(
      server,
      authRequestId!,
      await passwordSession(server, world.user.username),
    );
    const { url: landed } = await browser.follow(callbackUrl, server.baseUrl);
    expect(landed.startsWith(`${redirect}#`)).toBe(true);
    const fragment = new URLSearchParams(new URL(landed).hash.slice(1));
    expect(fragment.get('state')).toBe('spa-state');
    expect(fragment.get('access_token')).toBeTruthy();
    const { payload } = await jwtVerify(
      fragment.get('id_token')!,
      createRemoteJWKSet(new URL(`${server.baseUrl}/oauth/v2/keys`)),
      { issuer: server.baseUrl, audience: app.clientId },
    );
    expect(payload).toMatchObject({ sub: world.user.id, nonce });
    expect(await userinfoStatus(server, fragment.get('access_token')!)).toBe(200);
  });
});

describe('back-channel logout', () => {
  let receiver: Server;
  const received: string[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push(body);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    await setBackChannelLogout(server.baseUrl, server.adminPat, true);
  });
  afterAll(() => {
    receiver.closeAllConnections();
    return new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('posts a logout_token to the app when the user ends the session', async () => {
    const uri = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/backchannel`;
    const app = await addOidcApp(server, world, { backChannelLogoutUri: uri });
    const appConfig = await rp(server, app.clientId, app.clientSecret);
    const browser = new Browser();
    const tokens = await hostedCodeFlow(server, browser, appConfig, world.user.username);
    const sid = tokens.claims()?.sid;

    expect((await endSession(server, browser, appConfig, tokens.id_token!)).status).toBe(303);

    for (let i = 0; i < 50 && !received.length; i++) await new Promise((r) => setTimeout(r, 100));
    expect(received).toHaveLength(1);
    const logoutToken = new URLSearchParams(received[0]).get('logout_token');
    expect(logoutToken).toBeTruthy();
    const { payload } = await jwtVerify(logoutToken!, createRemoteJWKSet(new URL(`${server.baseUrl}/oauth/v2/keys`)), {
      issuer: server.baseUrl,
      audience: app.clientId,
    });
    expect(payload).toMatchObject({
      sub: world.user.id,
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
    });
    expect(payload.sid).toBeTruthy();
    if (sid) expect(payload.sid).toBe(sid);
  });

  it("a second app signed in through the hosted login joins the browser's provider session: ending it tells both apps", async () => {
    const uri = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/backchannel`;
    const apps = [
      await addOidcApp(server, world, { backChannelLogoutUri: uri }),
      await addOidcApp(server, world, { backChannelLogoutUri: uri }),
    ];
    const configs = await Promise.all(apps.map((app) => rp(server, app.clientId, app.clientSecret)));
    const browser = new Browser();
    const tokens = await hostedCodeFlow(server, browser, configs[0], world.user.username);
    await hostedCodeFlow(server, browser, configs[1], world.user.username);
    const before = received.length;

    expect((await endSession(server, browser, configs[0], tokens.id_token!)).status).toBe(303);

    for (let i = 0; i < 50 && received.length < before + 2; i++) await new Promise((r) => setTimeout(r, 100));
    const audiences = received
      .slice(before)
      .map((body) => decodeJwt(new URLSearchParams(body).get('logout_token')!).aud);
    expect(audiences.sort()).toEqual(apps.map((app) => app.clientId).sort());
  });

  it('posts nothing while the enableBackChannelLogout feature is off (ZITADEL: off unless enabled)', async () => {
    await setBackChannelLogout(server.baseUrl, server.adminPat, false);
    try {
      const uri = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/backchannel`;
      const app = await addOidcApp(server, world, { backChannelLogoutUri: uri });
      const appConfig = await rp(server, app.clientId, app.clientSecret);
      const browser = new Browser();
      const tokens = await hostedCodeFlow(server, browser, appConfig, world.user.username);
      const before = received.length;
      expect((await endSession(server, browser, appConfig, tokens.id_token!)).status).toBe(303);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(received.length).toBe(before);
    } finally {
      await setBackChannelLogout(server.baseUrl, server.adminPat, true);
    }
  });
});

describe('authorization requests by form POST (OpenID Connect Core §3.1.2.1; zitadel/oidc ParseAuthorizeRequest reads GET and POST alike)', () => {
  /** The request the RP would send by GET, form-posted to the authorization endpoint instead. */
  async function postAuthorization(browser: Browser, params: Record<string, string> = {}) {
    const { url, verifier, state } = await authorizationRequest(config, params, 'openid offline_access');
    const endpoint = new URL(url);
    const res = await browser.get(`${endpoint.origin}${endpoint.pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: endpoint.searchParams.toString(),
    });
    return { res, verifier, state };
  }

  it('reaches the login page and, signed in there, a code that gives tokens (offline_access: a refresh token, as by GET)', async () => {
    const browser = new Browser();
    const { res, verifier, state } = await postAuthorization(browser);
    // On as the same request by GET: a top-level navigation, which carries the SameSite=Lax session cookie.
    expect(res.status).toBe(303);
    const asGet = new URL(res.headers.get('location')!, server.baseUrl);
    expect(asGet.pathname).toBe('/oauth/v2/authorize');
    expect(asGet.searchParams.get('client_id')).toBe(world.web.clientId);
    // What was posted stays on the server (a pushed request, RFC 9126), out of URLs and logs.
    expect([...asGet.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(asGet.toString()).not.toContain(state);
    let page = await browser.follow(asGet.toString(), server.baseUrl);
    expect(new URL(page.url).pathname).toBe('/ui/v2/login/loginname');
    expect(page.res?.status).toBe(200);
    page = await submitForm(browser, server.baseUrl, page, { loginName: world.user.username });
    page = await submitForm(browser, server.baseUrl, page, { password: PASSWORD });
    expect(page.url.startsWith(REDIRECT)).toBe(true);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.claims()?.sub).toBe(world.user.id);
    expect(tokens.refresh_token).toBeDefined();

    // Signed in at the provider now: a POST with prompt=none completes without the login.
    const silent = await postAuthorization(browser, { prompt: 'none' });
    const { url } = await browser.follow(
      new URL(silent.res.headers.get('location')!, server.baseUrl).toString(),
      server.baseUrl,
    );
    expect(url.startsWith(REDIRECT)).toBe(true);
    expect(new URL(url).searchParams.get('code')).toBeTruthy();
  });

  it('keeps what was posted out of the URL: the GET names the client and a one-time request_uri, and reusing it is refused', async () => {
    const hint = world.user.username;
    const { res, state } = await postAuthorization(new Browser(), { login_hint: hint });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    for (const posted of [state, encodeURIComponent(hint), 'code_challenge', 'redirect_uri'])
      expect(location).not.toContain(posted);
    const first = await new Browser().get(new URL(location, server.baseUrl).toString());
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toContain('/ui/v2/login/');
    const again = await new Browser().get(new URL(location, server.baseUrl).toString());
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('invalid_request_uri');
  });

  it('keeps nothing for a client that does not exist: the provider answers the request as posted', async () => {
    const { res } = await postAuthorization(new Browser(), { client_id: 'no-such-client' });
    expect(res.status).toBe(303);
    const asGet = new URL(res.headers.get('location')!, server.baseUrl);
    expect(asGet.searchParams.get('client_id')).toBe('no-such-client');
    expect(asGet.searchParams.has('request_uri')).toBe(false);
    const answer = await new Browser().get(asGet.toString());
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain('invalid_client');
  });

  it('refuses an unregistered redirect URI with an error page, without redirecting there, as by GET (zitadel/oidc ValidateAuthReqRedirectURI)', async () => {
    const evil = 'http://localhost:4455/elsewhere';
    const { res } = await postAuthorization(new Browser(), { redirect_uri: evil });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    const page = await res.text();
    expect(page).toContain('invalid_request');
    expect(page).not.toContain(evil);
  });

  it('refuses a body that is not a form (OIDC Core §3.1.2.1: Form Serialization)', async () => {
    const res = await fetch(`${server.baseUrl}/oauth/v2/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: world.web.clientId, redirect_uri: REDIRECT, response_type: 'code' }),
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('invalid_request');
  });
});
