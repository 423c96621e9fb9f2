import { OIDCService } from '@zitadel/proto/zitadel/oidc/v2/oidc_service_pb.js';
import { WebKeyService } from '@zitadel/proto/zitadel/webkey/v2/webkey_service_pb.js';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { client } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import {
  Browser,
  REDIRECT,
  authorize,
  codeFlow,
  createCallback,
  oidc,
  oidcWorld,
  passwordSession,
  rp,
  type OidcWorld,
} from './support.js';

/**
 * Everything oidc-provider keeps is in PostgreSQL (README: "any server process continues any
 * flow"): two processes on one database, each step of a flow on either.
 */
let a: TestServer;
let b: TestServer;
let world: OidcWorld;
let onA: oidc.Configuration;

beforeAll(async () => {
  a = await bootTestServer();
  b = await bootTestServer({}, a);
  world = await oidcWorld(a);
  onA = await rp(a, world.web.clientId, world.web.clientSecret);
}, 60_000);
afterAll(async () => {
  await b?.close();
  await a?.close();
});

describe('two processes on one database', () => {
  it('an authorization started on A is finished by CreateCallback on B and its code exchanged on A', async () => {
    const browser = new Browser();
    const started = await authorize(browser, onA, {}, 'openid offline_access');
    expect(started.authRequestId).toBeDefined();
    expect(
      (
        await client(OIDCService, 'grpc', b.baseUrl, b.adminPat).getAuthRequest({
          authRequestId: started.authRequestId!,
        })
      ).authRequest?.clientId,
    ).toBe(world.web.clientId);

    // B finishes it: the app's redirect URI with the code, issued for A's issuer, where it started.
    const url = await createCallback(b, started.authRequestId!, await passwordSession(b, world.user.username));
    expect(url.startsWith(`${REDIRECT}?code=`)).toBe(true);
    expect(new URL(url).searchParams.get('iss')).toBe(a.baseUrl);
    const tokens = await oidc.authorizationCodeGrant(onA, new URL(url), {
      pkceCodeVerifier: started.verifier,
      expectedState: started.state,
    });
    expect(tokens.claims()?.sub).toBe(world.user.id);

    // And the tokens work on either process.
    const onB = await rp(b, world.web.clientId, world.web.clientSecret);
    const refreshed = await oidc.refreshTokenGrant(onB, tokens.refresh_token!);
    expect(await oidc.fetchUserInfo(onA, refreshed.access_token, world.user.id)).toMatchObject({ sub: world.user.id });
  });

  it('a device code started on A is approved on B and polled on A', async () => {
    const started = await oidc.initiateDeviceAuthorization(onA, { scope: 'openid' });
    const onBService = client(OIDCService, 'grpc', b.baseUrl, b.adminPat);
    const { deviceAuthorizationRequest } = await onBService.getDeviceAuthorizationRequest({
      userCode: started.user_code,
    });
    expect(deviceAuthorizationRequest?.clientId).toBe(world.web.clientId);
    await onBService.authorizeOrDenyDeviceAuthorization({
      deviceAuthorizationId: deviceAuthorizationRequest!.id,
      decision: { case: 'session', value: await passwordSession(b, world.user.username) },
    });
    const tokens = await oidc.pollDeviceAuthorizationGrant(onA, started);
    expect(tokens.claims()?.sub).toBe(world.user.id);
  }, 30_000);

  it('a web key activated on B signs new tokens on A within about a second', async () => {
    const keys = client(WebKeyService, 'grpc', b.baseUrl, b.adminPat);
    const { id } = await keys.createWebKey({ key: { case: 'ecdsa', value: { curve: 2 } } });
    await keys.activateWebKey({ id });
    await new Promise((r) => setTimeout(r, 1_100)); // providers re-check the keys at most once a second
    // openid-client pins the ID token algorithm; a client expecting the new key's says so.
    const expectingEs384 = await oidc.discovery(
      new URL(a.baseUrl),
      world.web.clientId,
      { client_secret: world.web.clientSecret, id_token_signed_response_alg: 'ES384' },
      undefined,
      {
        execute: [oidc.allowInsecureRequests],
      },
    );
    const { id_token } = await codeFlow(a, new Browser(), expectingEs384, world.user.username);
    expect(decodeProtectedHeader(id_token!)).toMatchObject({ kid: id, alg: 'ES384' });
    await expect(
      jwtVerify(id_token!, createRemoteJWKSet(new URL(`${a.baseUrl}/oauth/v2/keys`)), { issuer: a.baseUrl }),
    ).resolves.toBeDefined();
  }, 30_000);
});
