import { AppService } from '@zitadel/proto/zitadel/app/v2beta/app_service_pb.js';
import { APIAuthMethodType } from '@zitadel/proto/zitadel/app/v2beta/api_pb.js';
import {
  OIDCAppType,
  OIDCAuthMethodType,
  OIDCGrantType,
  OIDCResponseType,
  OIDCTokenType,
} from '@zitadel/proto/zitadel/app/v2beta/oidc_pb.js';
import { FeatureService } from '@zitadel/proto/zitadel/feature/v2/feature_service_pb.js';
import { AuthorizationService } from '@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { ProjectService } from '@zitadel/proto/zitadel/project/v2beta/project_service_pb.js';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import * as oidc from 'openid-client';
import { client } from '../support/clients.js';
import type { TestServer } from '../support/test-server.js';

export const PASSWORD = 'Secr3t-Passw0rd!';
export const REDIRECT = 'http://localhost:4455/callback';
export const POST_LOGOUT = 'http://localhost:4455/signed-out';

let n = 0;
const unique = () => `${Date.now().toString(36)}${n++}`;

export interface OidcWorld {
  readonly orgId: string;
  readonly orgDomain: string;
  readonly projectId: string;
  readonly web: { clientId: string; clientSecret: string; appId: string };
  readonly api: { clientId: string; clientSecret: string };
  readonly user: { id: string; username: string };
}

/** An org with a project (roles admin, reader), a web app, an API app and a human with the admin role. */
export async function oidcWorld(
  server: TestServer,
  options: { accessTokenType?: 'jwt' | 'bearer'; projectRoleCheck?: boolean } = {},
): Promise<OidcWorld> {
  const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
  const orgId = (await orgs.createOrganization({ name: `OIDC Org ${unique()}` })).id;
  const [org] = await server.database.dataSource.query('SELECT primary_domain FROM orgs WHERE id = $1', [orgId]);
  const projects = client(ProjectService, 'grpc', server.baseUrl, server.adminPat);
  const { id: projectId } = await projects.createProject({
    organizationId: orgId,
    name: `Portal ${unique()}`,
    authorizationRequired: options.projectRoleCheck ?? false,
  });
  for (const roleKey of ['admin', 'reader'])
    await projects.addProjectRole({ projectId, roleKey, displayName: roleKey });

  const apps = client(AppService, 'grpc', server.baseUrl, server.adminPat);
  const web = await apps.createApplication({
    projectId,
    name: `Web ${unique()}`,
    creationRequestType: {
      case: 'oidcRequest',
      value: {
        redirectUris: [REDIRECT],
        postLogoutRedirectUris: [POST_LOGOUT],
        responseTypes: [OIDCResponseType.OIDC_RESPONSE_TYPE_CODE],
        grantTypes: [
          OIDCGrantType.OIDC_GRANT_TYPE_AUTHORIZATION_CODE,
          OIDCGrantType.OIDC_GRANT_TYPE_REFRESH_TOKEN,
          OIDCGrantType.OIDC_GRANT_TYPE_DEVICE_CODE,
          OIDCGrantType.OIDC_GRANT_TYPE_TOKEN_EXCHANGE,
        ],
        appType: OIDCAppType.OIDC_APP_TYPE_WEB,
        authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_BASIC,
        accessTokenType:
          options.accessTokenType === 'jwt' ? OIDCTokenType.OIDC_TOKEN_TYPE_JWT : OIDCTokenType.OIDC_TOKEN_TYPE_BEARER,
        devMode: true,
      },
    },
  });
  const webRes = web.creationResponseType.value as { clientId: string; clientSecret: string };
  const api = await apps.createApplication({
    projectId,
    name: `API ${unique()}`,
    creationRequestType: {
      case: 'apiRequest',
      value: { authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC },
    },
  });
  const apiRes = api.creationResponseType.value as { clientId: string; clientSecret: string };

  const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
  const username = `alice-${unique()}`;
  const { userId } = await users.addHumanUser({
    username,
    organization: { org: { case: 'orgId', value: orgId } },
    profile: { givenName: 'Alice', familyName: 'Archer' },
    email: { email: `${username}@example.com`, verification: { case: 'isVerified', value: true } },
    passwordType: { case: 'password', value: { password: PASSWORD, changeRequired: false } },
  });
  await client(AuthorizationService, 'grpc', server.baseUrl, server.adminPat).createAuthorization({
    userId,
    projectId,
    roleKeys: ['admin'],
  });
  return {
    orgId,
    orgDomain: org.primary_domain,
    projectId,
    web: { ...webRes, appId: web.appId },
    api: apiRes,
    user: { id: userId, username },
  };
}

/** A session of the user with a checked password, made by the admin (a login client). */
export async function passwordSession(
  server: TestServer,
  username: string,
  password = PASSWORD,
): Promise<{ sessionId: string; sessionToken: string }> {
  const sessions = client(SessionService, 'grpc', server.baseUrl, server.adminPat);
  const { sessionId, sessionToken } = await sessions.createSession({
    checks: { user: { search: { case: 'loginName', value: username } }, password: { password } },
  });
  return { sessionId, sessionToken };
}

/** A browser reduced to what OIDC redirects need: a cookie jar and manual redirects. */
export class Browser {
  private readonly cookies = new Map<string, string>();

  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /**
   * Follows redirects on the server until one leaves it (or a page answers); returns that URL and
   * the last response of the server (none when `url` is not on the server).
   */
  async follow(url: string, server: string): Promise<{ res?: Response; url: string }> {
    let current = url;
    for (let i = 0; i < 10; i++) {
      if (!current.startsWith(server)) return { url: current };
      const res = await this.get(current);
      const location = res.headers.get('location');
      if (!location || res.status < 300 || res.status >= 400) return { res, url: current };
      current = new URL(location, current).toString();
      if (!current.startsWith(server)) return { res, url: current };
    }
    throw new Error('too many redirects');
  }
}

/** An authorization code + PKCE (S256) request as the RP builds it, and what it keeps for the exchange. */
export async function authorizationRequest(
  config: oidc.Configuration,
  params: Record<string, string> = {},
  scope = 'openid',
) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...params,
  });
  return { url: url.toString(), verifier, state };
}

/**
 * The whole code flow: authorize in a browser, sign in through the session API and CreateCallback
 * (as the admin, a login client), follow the redirect, exchange the code.
 */
export async function signIn(server: TestServer, world: OidcWorld, config: oidc.Configuration, scope = 'openid') {
  const browser = new Browser();
  const { authRequestId, verifier, state } = await authorize(browser, config, {}, scope);
  const callbackUrl = await createCallback(server, authRequestId!, await passwordSession(server, world.user.username));
  const { url: redirected } = await browser.follow(callbackUrl, server.baseUrl);
  return oidc.authorizationCodeGrant(config, new URL(redirected), { pkceCodeVerifier: verifier, expectedState: state });
}

/** openid-client's configuration for a client of the test server (plain HTTP allowed). */
export async function rp(server: TestServer, clientId: string, clientSecret: string): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(server.baseUrl), clientId, clientSecret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
}

export { oidc };

/** An authorization started in the browser, with what the RP keeps (PKCE verifier, state, nonce). */
export interface StartedAuthorization {
  /** The provider's answer to the authorize request. */
  readonly res: Response;
  /** The auth request id the login UI gets, when the provider sent the browser to the login. */
  readonly authRequestId?: string;
  readonly verifier: string;
  readonly state: string;
}

/** GET /oauth/v2/authorize in the browser with PKCE (S256) and a state; `params` add or override. */
export async function authorize(
  browser: Browser,
  config: oidc.Configuration,
  params: Record<string, string> = {},
  scope = 'openid',
): Promise<StartedAuthorization> {
  const { url, verifier, state } = await authorizationRequest(config, params, scope);
  const res = await browser.get(url);
  const location = res.headers.get('location');
  const login = location ? new URL(location, url) : undefined;
  const authRequestId = login?.pathname.endsWith('/login')
    ? (login.searchParams.get('authRequest') ?? undefined)
    : undefined;
  return { res, authRequestId, verifier, state };
}

/** CreateCallback with a session (as the admin, a login client, unless another token is given); the callback URL. */
export async function createCallback(
  server: TestServer,
  authRequestId: string,
  session: { sessionId: string; sessionToken: string },
  token = server.adminPat,
): Promise<string> {
  const { OIDCService } = await import('@zitadel/proto/zitadel/oidc/v2/oidc_service_pb.js');
  const { callbackUrl } = await client(OIDCService, 'grpc', server.baseUrl, token).createCallback({
    authRequestId,
    callbackKind: { case: 'session', value: session },
  });
  return callbackUrl;
}

/** A human in the world's org with the password PASSWORD and, unless `role` is null, that role on the world's project. */
export async function addUser(
  server: TestServer,
  world: OidcWorld,
  role: string | null = 'admin',
): Promise<{ id: string; username: string }> {
  const username = `bob-${unique()}`;
  const { userId } = await client(UserService, 'grpc', server.baseUrl, server.adminPat).addHumanUser({
    username,
    organization: { org: { case: 'orgId', value: world.orgId } },
    profile: { givenName: 'Bob', familyName: 'Baker' },
    email: { email: `${username}@example.com`, verification: { case: 'isVerified', value: true } },
    passwordType: { case: 'password', value: { password: PASSWORD, changeRequired: false } },
  });
  if (role)
    await client(AuthorizationService, 'grpc', server.baseUrl, server.adminPat).createAuthorization({
      userId,
      projectId: world.projectId,
      roleKeys: [role],
    });
  return { id: userId, username };
}

/** Another OIDC app in the world's project: a confidential web app (code, refresh) unless `oidcRequest` says otherwise. */
export async function addOidcApp(
  server: TestServer,
  world: OidcWorld,
  oidcRequest: Record<string, unknown> = {},
): Promise<{ appId: string; clientId: string; clientSecret: string }> {
  const apps = client(AppService, 'grpc', server.baseUrl, server.adminPat);
  const created = await apps.createApplication({
    projectId: world.projectId,
    name: `App ${unique()}`,
    creationRequestType: {
      case: 'oidcRequest',
      value: {
        redirectUris: [REDIRECT],
        postLogoutRedirectUris: [POST_LOGOUT],
        responseTypes: [OIDCResponseType.OIDC_RESPONSE_TYPE_CODE],
        grantTypes: [OIDCGrantType.OIDC_GRANT_TYPE_AUTHORIZATION_CODE, OIDCGrantType.OIDC_GRANT_TYPE_REFRESH_TOKEN],
        appType: OIDCAppType.OIDC_APP_TYPE_WEB,
        authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_BASIC,
        devMode: true,
        ...oidcRequest,
      },
    },
  });
  const res = created.creationResponseType.value as { clientId: string; clientSecret?: string };
  return { appId: created.appId, clientId: res.clientId, clientSecret: res.clientSecret ?? '' };
}

/** The whole code flow for `username` in `browser` (whose provider session it leaves behind): the token response. */
export async function codeFlow(
  server: TestServer,
  browser: Browser,
  config: oidc.Configuration,
  username: string,
  scope = 'openid',
) {
  const started = await authorize(browser, config, {}, scope);
  if (!started.authRequestId)
    throw new Error(`authorize did not reach the login: ${started.res.status} ${started.res.headers.get('location')}`);
  const callbackUrl = await createCallback(server, started.authRequestId, await passwordSession(server, username));
  const { url } = await browser.follow(callbackUrl, server.baseUrl);
  return oidc.authorizationCodeGrant(config, new URL(url), {
    pkceCodeVerifier: started.verifier,
    expectedState: started.state,
  });
}

/** Makes a stored token (or code) expire now: rows are keyed by the SHA-256 of the token (oidc-payloads.store.ts). */
export async function expireStored(
  server: TestServer,
  model: 'AccessToken' | 'RefreshToken' | 'AuthorizationCode',
  token: string,
): Promise<void> {
  const { createHash } = await import('node:crypto');
  const id = createHash('sha256').update(token, 'utf8').digest('base64url');
  const [, count] = await server.database.dataSource.query(
    `UPDATE oidc_payloads SET expires_at = now() - interval '1 second' WHERE model = $1 AND id = $2`,
    [model, id],
  );
  if (count !== 1) throw new Error(`no stored ${model} for the token`);
}

/** The status of a userinfo request with the access token. */
export async function userinfoStatus(server: TestServer, accessToken: string): Promise<number> {
  const res = await fetch(`${server.baseUrl}/oidc/v1/userinfo`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  await res.arrayBuffer();
  return res.status;
}

/** The OAuth error a rejected openid-client call ends with (its `error` field), or 'ok'. */
export async function oauthErrorOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (err) {
    return (err as { error?: string; code?: string }).error ?? `not an OAuth error: ${String(err)}`;
  }
}

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** Token exchange is off unless the instance's `oidcTokenExchange` feature is on (as ZITADEL): the instance's owner switches it on. */
export async function enableTokenExchange(baseUrl: string, adminPat: string): Promise<void> {
  await client(FeatureService, 'grpc', baseUrl, adminPat).setInstanceFeatures({ oidcTokenExchange: true });
}

/** Back-channel logout tokens are posted only while the instance's `enableBackChannelLogout` feature is on (as ZITADEL). */
export async function setBackChannelLogout(baseUrl: string, adminPat: string, enabled: boolean): Promise<void> {
  await client(FeatureService, 'grpc', baseUrl, adminPat).setInstanceFeatures({ enableBackChannelLogout: enabled });
}

/** A token exchange (RFC 8693) at the token endpoint of `baseUrl`, the client authenticating with its secret (basic). */
export async function tokenExchange(
  baseUrl: string,
  as: { clientId: string; clientSecret: string },
  form: Record<string, string>,
) {
  const res = await fetch(`${baseUrl}/oauth/v2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(as.clientId)}:${encodeURIComponent(as.clientSecret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: TOKEN_EXCHANGE, ...form }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** Access tokens stored for an instance (the provider's adapter table): a refused grant must not add one. */
export async function storedAccessTokens(server: TestServer, instanceId: string): Promise<number> {
  const [{ n }] = await server.database.dataSource.query(
    `SELECT count(*)::int AS n FROM oidc_payloads WHERE instance_id = $1 AND model IN ('AccessToken', 'ClientCredentials')`,
    [instanceId],
  );
  return n;
}

function htmlText(value: string): string {
  return value.replace(/&(#\d+|amp|quot|lt|gt);/g, (_, e: string) =>
    e.startsWith('#') ? String.fromCharCode(Number(e.slice(1))) : { amp: '&', quot: '"', lt: '<', gt: '>' }[e]!,
  );
}

/**
 * Posts the page's first form as a person would: its hidden fields (CSRF token, flow) and `fields`;
 * follows the answer on the server. The page's response body is read here.
 */
export async function submitForm(
  browser: Browser,
  server: string,
  page: { res?: Response; url: string },
  fields: Record<string, string>,
): Promise<{ res?: Response; url: string }> {
  const html = (await page.res?.text()) ?? '';
  const form = /<form method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error(`no form at ${page.url}: ${html.slice(0, 300)}`);
  const hidden = [...form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(
    (m): [string, string] => [htmlText(m[1]), htmlText(m[2])],
  );
  const action = new URL(htmlText(form[1]), page.url).toString();
  const res = await browser.get(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams([...hidden, ...Object.entries(fields)]).toString(),
  });
  const location = res.headers.get('location');
  return location ? browser.follow(new URL(location, action).toString(), server) : { res, url: action };
}

/**
 * The code flow through the hosted login pages in `browser` (login name, then password, unless the
 * login knows the browser), which hands the browser the provider's session with the code: the
 * token response.
 */
export async function hostedCodeFlow(
  server: TestServer,
  browser: Browser,
  config: oidc.Configuration,
  username: string,
  scope = 'openid',
) {
  const started = await authorize(browser, config, {}, scope);
  const login = started.res.headers.get('location');
  if (!login) throw new Error(`authorize did not reach the login: ${started.res.status}`);
  // A browser the login already knows goes on to the app at once (single sign-on).
  let page = await browser.follow(new URL(login, server.baseUrl).toString(), server.baseUrl);
  for (const fields of [{ loginName: username }, { password: PASSWORD }] as Record<string, string>[]) {
    if (page.url.startsWith(server.baseUrl)) page = await submitForm(browser, server.baseUrl, page, fields);
  }
  const { url } = page;
  return oidc.authorizationCodeGrant(config, new URL(url), {
    pkceCodeVerifier: started.verifier,
    expectedState: started.state,
  });
}

/**
 * RP-initiated logout in the browser, confirmed as the provider's sign-out page does: the
 * confirmation's response. `byPost`: the RP sends the request as a form POST (RP-Initiated Logout
 * 1.0 §2), which the server answers with a 303 to the same request by GET.
 */
export async function endSession(
  server: TestServer,
  browser: Browser,
  config: oidc.Configuration,
  idToken: string,
  byPost = false,
): Promise<Response> {
  const url = oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: POST_LOGOUT });
  let pageUrl = url.toString();
  if (byPost) {
    const posted = await browser.get(`${url.origin}${url.pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: url.searchParams.toString(),
    });
    expect(posted.status).toBe(303);
    pageUrl = new URL(posted.headers.get('location')!, url).toString();
    // The posted form goes on sealed: the id_token_hint is not in the URL.
    expect(pageUrl).not.toContain(idToken.split('.')[1]);
    expect([...new URL(pageUrl).searchParams.keys()]).toEqual(['posted_logout']);
  }
  const page = await browser.get(pageUrl);
  expect(page.status).toBe(200);
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(await page.text())?.[1];
  expect(xsrf).toBeDefined();
  return browser.get(`${server.baseUrl}/oidc/v1/end_session/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ xsrf: xsrf!, logout: 'yes' }).toString(),
  });
}
