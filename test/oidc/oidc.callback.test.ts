import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Code } from '@connectrpc/connect';
import { ErrorReason } from '@zitadel/proto/zitadel/oidc/v2/authorization_pb.js';
import { OIDCService } from '@zitadel/proto/zitadel/oidc/v2/oidc_service_pb.js';
import { OIDCService as OIDCServiceV2beta } from '@zitadel/proto/zitadel/oidc/v2beta/oidc_service_pb.js';
import { client, codeOf, rest } from '../support/clients.js';
import { otherInstance, restOnHost } from '../support/instances.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { loginClient } from '../sessions/support/sessions.js';
import {
  Browser,
  addOidcApp,
  authorizationRequest,
  oidc,
  oidcWorld,
  passwordSession,
  rp,
  type OidcWorld,
} from './support.js';

/**
 * ZITADEL's rule for CreateCallback: it answers the app's redirect URI with the result (code,
 * state, iss; or the error) in the request's response mode, so a login on another host, in a
 * native app or on a server finishes the request, and any browser (no cookies) lands at the app.
 * The login here is a login client (IAM_LOGIN_CLIENT) calling over gRPC with @zitadel/client.
 */
let server: TestServer;
let world: OidcWorld;
let loginPat: string;
/** The RP's redirect endpoint: records what arrives (query, or the posted form). */
let rpServer: Server;
let callback: string;
const arrivals: { method: string; url: string; body: string }[] = [];
let app: { clientId: string; clientSecret: string };
let config: oidc.Configuration;

beforeAll(async () => {
  rpServer = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      arrivals.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('signed in');
    });
  });
  await new Promise<void>((resolve) => rpServer.listen(0, '127.0.0.1', resolve));
  callback = `http://127.0.0.1:${(rpServer.address() as AddressInfo).port}/callback`;
  server = await bootTestServer();
  world = await oidcWorld(server);
  loginPat = await loginClient(server);
  app = await addOidcApp(server, world, { redirectUris: [callback, `${callback}/second`] });
  config = await rp(server, app.clientId, app.clientSecret);
}, 60_000);
afterAll(async () => {
  await server?.close();
  rpServer.closeAllConnections();
  await new Promise<void>((resolve) => rpServer.close(() => resolve()));
});

const oidcService = () => client(OIDCService, 'grpc', server.baseUrl, loginPat);

/** An authorization started in a browser (which the login never sees again): the auth request id and what the RP keeps. */
async function started(params: Record<string, string> = {}, cfg = config) {
  const request = await authorizationRequest(cfg, { redirect_uri: callback, ...params });
  const res = await new Browser().get(request.url);
  const login = new URL(res.headers.get('location') ?? 'http://missing.invalid/', server.baseUrl);
  const authRequestId = login.searchParams.get('authRequest');
  if (!authRequestId) throw new Error(`authorize did not reach the login: ${res.status} ${login}`);
  return { ...request, authRequestId };
}

async function finishWithSession(authRequestId: string, username = world.user.username): Promise<string> {
  const session = await passwordSession(server, username);
  return (await oidcService().createCallback({ authRequestId, callbackKind: { case: 'session', value: session } }))
    .callbackUrl;
}

/** Follows a URL with a fresh HTTP client (no cookie jar) until it leaves the server; where it lands. */
async function landWithoutCookies(url: string): Promise<string> {
  let current = url;
  for (let i = 0; i < 5 && current.startsWith(server.baseUrl); i++) {
    const res = await fetch(current, { redirect: 'manual' });
    await res.arrayBuffer();
    current = new URL(res.headers.get('location') ?? current, current).toString();
  }
  const res = await fetch(current);
  expect(await res.text()).toBe('signed in');
  return current;
}

/** The token endpoint with the client's basic credentials, as a bare form post. */
async function exchange(as: { clientId: string; clientSecret: string }, form: Record<string, string>) {
  const res = await fetch(`${server.baseUrl}/oauth/v2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(as.clientId)}:${encodeURIComponent(as.clientSecret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', ...form }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe("CreateCallback answers the app's redirect URI (ZITADEL's rule)", () => {
  it('query mode: the redirect URI with code, state and iss; a fresh client without cookies lands at the app, and the RP exchanges the code', async () => {
    const { authRequestId, verifier, state } = await started();
    const callbackUrl = await finishWithSession(authRequestId);
    const url = new URL(callbackUrl);
    expect(`${url.origin}${url.pathname}`).toBe(callback);
    expect(url.searchParams.get('state')).toBe(state);
    expect(url.searchParams.get('iss')).toBe(server.baseUrl);
    expect(url.searchParams.get('code')).toBeTruthy();

    const landed = await landWithoutCookies(callbackUrl);
    expect(arrivals.at(-1)?.url).toBe(`${url.pathname}${url.search}`);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(landed), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.claims()?.sub).toBe(world.user.id);
    expect(tokens.claims()?.aud).toContain(app.clientId);
  });

  it('v2beta answers the same redirect URI with the code', async () => {
    const { authRequestId, verifier, state } = await started();
    const session = await passwordSession(server, world.user.username);
    const { callbackUrl } = await client(OIDCServiceV2beta, 'grpc', server.baseUrl, loginPat).createCallback({
      authRequestId,
      callbackKind: { case: 'session', value: session },
    });
    expect(callbackUrl.startsWith(`${callback}?code=`)).toBe(true);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(callbackUrl), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.claims()?.sub).toBe(world.user.id);
  });

  it('fragment mode: code, state and iss in the fragment, nothing in the query', async () => {
    const { authRequestId, verifier, state } = await started({ response_mode: 'fragment' });
    const url = new URL(await finishWithSession(authRequestId));
    expect(`${url.origin}${url.pathname}`).toBe(callback);
    expect(url.search).toBe('');
    const fragment = new URLSearchParams(url.hash.slice(1));
    expect(fragment.get('state')).toBe(state);
    expect(fragment.get('iss')).toBe(server.baseUrl);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(`${callback}?${fragment}`), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.claims()?.sub).toBe(world.user.id);
  });

  it("form_post mode: a one-time page of the server that posts code, state and iss to the redirect URI; a second fetch, or one on another instance's host, is refused", async () => {
    const { authRequestId, verifier, state } = await started({ response_mode: 'form_post' });
    const callbackUrl = await finishWithSession(authRequestId);
    expect(callbackUrl.startsWith(`${server.baseUrl}/oauth/v2/authorize/callback?id=`)).toBe(true);
    expect(callbackUrl).not.toContain('code=');

    // Cross-instance: another instance's host knows no such page (and fetching there spends nothing).
    await otherInstance(server, 'formpost-instance.example');
    const handlePath = callbackUrl.slice(server.baseUrl.length);
    const foreign = await restOnHost(server, 'formpost-instance.example', 'GET', handlePath);
    expect(foreign.status).toBe(400);
    expect(foreign.body).not.toContain('name="code"');

    const page = await fetch(callbackUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(/<form method="post" action="([^"]+)"/.exec(html)?.[1]).toBe(callback);
    const fields = new URLSearchParams(
      [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((m): [string, string] => [
        m[1],
        m[2],
      ]),
    );
    expect(fields.get('state')).toBe(state);
    expect(fields.get('iss')).toBe(server.baseUrl);
    const posted = await fetch(callback, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: fields.toString(),
    });
    expect(await posted.text()).toBe('signed in');
    expect(arrivals.at(-1)).toMatchObject({ method: 'POST', body: fields.toString() });

    const again = await fetch(callbackUrl);
    expect(again.status).toBe(400);
    expect(await again.text()).not.toContain(fields.get('code')!);
    const tokens = await exchange(app, { code: fields.get('code')!, redirect_uri: callback, code_verifier: verifier });
    expect(tokens.status).toBe(200);
  });

  it("the error case: the redirect URI with error (ZITADEL's mapping of its reasons), error_description and state", async () => {
    const { authRequestId, state } = await started();
    const { callbackUrl } = await oidcService().createCallback({
      authRequestId,
      callbackKind: {
        case: 'error',
        value: {
          error: ErrorReason.LOGIN_REQUIRED,
          errorDescription: 'no session in this browser',
          errorUri: 'https://help.example/login',
        },
      },
    });
    const url = new URL(callbackUrl);
    expect(`${url.origin}${url.pathname}`).toBe(callback);
    expect(url.searchParams.get('error')).toBe('login_required');
    expect(url.searchParams.get('error_description')).toBe('no session in this browser');
    expect(url.searchParams.get('error_uri')).toBe('https://help.example/login');
    expect(url.searchParams.get('state')).toBe(state);
    expect(url.searchParams.get('code')).toBeNull();
  });

  it('the error case in fragment mode: error, error_description and state in the fragment', async () => {
    const { authRequestId, state } = await started({ response_mode: 'fragment' });
    const { callbackUrl } = await oidcService().createCallback({
      authRequestId,
      callbackKind: { case: 'error', value: { error: ErrorReason.ACCESS_DENIED, errorDescription: 'cancelled' } },
    });
    const url = new URL(callbackUrl);
    expect(url.search).toBe('');
    expect(Object.fromEntries(new URLSearchParams(url.hash.slice(1)))).toMatchObject({
      error: 'access_denied',
      error_description: 'cancelled',
      state,
    });
  });
});

describe('the result is one-time and bound to the request', () => {
  it('a second CreateCallback on the same auth request is refused (NOT_FOUND), after a session as after an error', async () => {
    const first = await started();
    await finishWithSession(first.authRequestId);
    expect(await codeOf(finishWithSession(first.authRequestId))).toBe(Code.NotFound);
    const failed = await started();
    await oidcService().createCallback({
      authRequestId: failed.authRequestId,
      callbackKind: { case: 'error', value: { error: ErrorReason.ACCESS_DENIED } },
    });
    expect(await codeOf(finishWithSession(failed.authRequestId))).toBe(Code.NotFound);
  });

  it('two concurrent CreateCallbacks on one auth request: exactly one gets a code', async () => {
    const { authRequestId } = await started();
    const outcomes = await Promise.allSettled([
      finishWithSession(authRequestId),
      finishWithSession(authRequestId),
      finishWithSession(authRequestId),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes)
      if (o.status === 'rejected') expect(await codeOf(Promise.reject(o.reason))).toBe(Code.NotFound);
  });

  it("the code is refused to another client (same project, and another org's) and with another redirect_uri; the request's client and redirect URI exchange it", async () => {
    const { authRequestId, verifier } = await started();
    const code = new URL(await finishWithSession(authRequestId)).searchParams.get('code')!;
    const sibling = await addOidcApp(server, world, { redirectUris: [callback] });
    const otherOrg = await oidcWorld(server);
    const foreign = await addOidcApp(server, otherOrg, { redirectUris: [callback] });
    for (const [who, as] of Object.entries({
      'a client of the same project': sibling,
      "a client of another org's project": foreign,
    })) {
      const refused = await exchange(as, { code, redirect_uri: callback, code_verifier: verifier });
      expect([who, refused.status, refused.body.error]).toEqual([who, 400, 'invalid_grant']);
    }
    const otherUri = await exchange(app, { code, redirect_uri: `${callback}/second`, code_verifier: verifier });
    expect([otherUri.status, otherUri.body.error]).toEqual([400, 'invalid_grant']);
    const wrongVerifier = await exchange(app, {
      code,
      redirect_uri: callback,
      code_verifier: oidc.randomPKCECodeVerifier(),
    });
    expect([wrongVerifier.status, wrongVerifier.body.error]).toEqual([400, 'invalid_grant']);

    const tokens = await exchange(app, { code, redirect_uri: callback, code_verifier: verifier });
    expect(tokens.status).toBe(200);
    expect(tokens.body.access_token).toBeTruthy();
    const replay = await exchange(app, { code, redirect_uri: callback, code_verifier: verifier });
    expect([replay.status, replay.body.error]).toEqual([400, 'invalid_grant']);
  });

  it("cross-instance: a login client of another instance cannot finish this instance's request, on its host (404) nor here (401); the request stays answerable", async () => {
    const { authRequestId, verifier, state } = await started();
    const session = await passwordSession(server, world.user.username);
    const other = await otherInstance(server, 'callback-instance.example');
    const body = { session: { sessionId: session.sessionId, sessionToken: session.sessionToken } };
    const path = `/v2/oidc/auth_requests/${authRequestId}`;
    expect(
      (await restOnHost(server, 'callback-instance.example', 'POST', path, other.loginClientPat, { body })).status,
    ).toBe(404);
    expect((await rest(server.baseUrl, 'POST', path, { token: other.loginClientPat, body })).status).toBe(401);

    const answered = await rest(server.baseUrl, 'POST', path, { token: loginPat, body });
    expect(answered.status).toBe(200);
    const callbackUrl = (answered.body as { callbackUrl: string }).callbackUrl;
    const tokens = await oidc.authorizationCodeGrant(config, new URL(callbackUrl), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.claims()?.sub).toBe(world.user.id);
  });
});

describe('device authorizations are decided once (AuthorizeOrDenyDeviceAuthorization needs no browser either)', () => {
  it('a login client approves over gRPC with no browser, the device gets tokens, and a second decision is refused (NOT_FOUND)', async () => {
    const device = await oidc.initiateDeviceAuthorization(
      await rp(server, world.web.clientId, world.web.clientSecret),
      { scope: 'openid' },
    );
    const { deviceAuthorizationRequest } = await oidcService().getDeviceAuthorizationRequest({
      userCode: device.user_code,
    });
    const session = await passwordSession(server, world.user.username);
    await oidcService().authorizeOrDenyDeviceAuthorization({
      deviceAuthorizationId: deviceAuthorizationRequest!.id,
      decision: { case: 'session', value: session },
    });
    expect(
      await codeOf(
        oidcService().authorizeOrDenyDeviceAuthorization({
          deviceAuthorizationId: deviceAuthorizationRequest!.id,
          decision: { case: 'deny', value: {} },
        }),
      ),
    ).toBe(Code.NotFound);
    const tokens = await oidc.pollDeviceAuthorizationGrant(
      await rp(server, world.web.clientId, world.web.clientSecret),
      device,
    );
    expect(tokens.claims()?.sub).toBe(world.user.id);
  }, 30_000);

  it('concurrent approve and deny of one device code: exactly one decision is taken', async () => {
    const device = await oidc.initiateDeviceAuthorization(
      await rp(server, world.web.clientId, world.web.clientSecret),
      { scope: 'openid' },
    );
    const session = await passwordSession(server, world.user.username);
    const decide = (decision: { case: 'session'; value: typeof session } | { case: 'deny'; value: object }) =>
      oidcService().authorizeOrDenyDeviceAuthorization({
        deviceAuthorizationId: device.user_code,
        decision: decision as never,
      });
    const outcomes = await Promise.allSettled([
      decide({ case: 'session', value: session }),
      decide({ case: 'deny', value: {} }),
      decide({ case: 'session', value: session }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
  });
});
