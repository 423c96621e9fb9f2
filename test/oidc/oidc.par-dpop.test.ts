import { createHash, createPrivateKey } from 'node:crypto';
import { OIDCAppType, OIDCAuthMethodType, OIDCTokenType } from '@zitadel/proto/zitadel/app/v2beta/oidc_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { createClient, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { SignJWT, decodeJwt, exportJWK, type CryptoKey } from 'jose';
import { client } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import {
  Browser,
  REDIRECT,
  addOidcApp,
  createCallback,
  oidc,
  oidcWorld,
  passwordSession,
  rp,
  type OidcWorld,
} from './support.js';

let server: TestServer;
let world: OidcWorld;

beforeAll(async () => {
  server = await bootTestServer();
  world = await oidcWorld(server);
}, 60_000);
afterAll(() => server?.close());

const API_SCOPE = 'openid urn:zitadel:iam:org:project:id:zitadel:aud';

type KeyPair = { privateKey: CryptoKey; publicKey: CryptoKey };

/** A DPoP proof JWT signed by `keys` for a request, as RFC 9449 §4.2 shapes it. */
async function proof(
  keys: KeyPair,
  htm: string,
  htu: string,
  accessToken?: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT({
    htm,
    htu,
    jti: crypto.randomUUID(),
    iat: Math.floor(Date.now() / 1000),
    ...(accessToken ? { ath: createHash('sha256').update(accessToken).digest('base64url') } : {}),
    ...extra,
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(keys.publicKey) })
    .sign(keys.privateKey);
}

/** An authorization pushed through PAR (DPoP-bound when a handle is given), signed in through the session API: the redirect with the code. */
async function parCode(config: oidc.Configuration, scope: string, dpop?: oidc.DPoPHandle) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = await oidc.buildAuthorizationUrlWithPAR(
    config,
    {
      redirect_uri: REDIRECT,
      scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    },
    dpop ? { DPoP: dpop } : undefined,
  );
  const browser = new Browser();
  const started = await browser.get(url.toString());
  const authRequestId = new URL(started.headers.get('location')!, url).searchParams.get('authRequest')!;
  const callbackUrl = await createCallback(server, authRequestId, await passwordSession(server, world.user.username));
  const { url: redirected } = await browser.follow(callbackUrl, server.baseUrl);
  const exchange = (handle = dpop) =>
    oidc.authorizationCodeGrant(
      config,
      new URL(redirected),
      { pkceCodeVerifier: verifier, expectedState: state },
      undefined,
      handle ? { DPoP: handle } : undefined,
    );
  return { url, exchange };
}

/** The code flow pushed through PAR, the code exchanged with the same DPoP key if any. */
async function parSignIn(config: oidc.Configuration, scope: string, dpop?: oidc.DPoPHandle) {
  const { url, exchange } = await parCode(config, scope, dpop);
  return { url, tokens: await exchange() };
}

/** A machine user of the world's org that may read its users, as a client with a secret (client_credentials). */
async function machineClient(on: TestServer, inWorld: OidcWorld): Promise<{ username: string; clientSecret: string }> {
  const { userId } = await machineWithRoles(on, inWorld.orgId, {
    level: 'org',
    resourceId: inWorld.orgId,
    roles: ['ORG_USER_MANAGER'],
  });
  const { clientSecret } = await client(UserService, 'grpc', on.baseUrl, on.adminPat).addSecret({ userId });
  const [{ username }] = await on.database.dataSource.query('SELECT username FROM users WHERE id = $1', [userId]);
  return { username, clientSecret };
}

async function userinfo(headers: Record<string, string>) {
  const res = await fetch(`${server.baseUrl}/oidc/v1/userinfo`, { headers });
  return {
    status: res.status,
    challenge: res.headers.get('www-authenticate') ?? '',
    body: (await res.json()) as Record<string, unknown>,
  };
}

async function getUser(headers: Record<string, string>) {
  const res = await fetch(`${server.baseUrl}/v2/users/${world.user.id}`, { headers });
  return {
    status: res.status,
    challenge: res.headers.get('www-authenticate') ?? '',
    body: (await res.json()) as Record<string, any>,
  };
}

describe('discovery lists only what is served', () => {
  it('points at /oauth/v2/par, lists DPoP algorithms and the JWT profile grant', async () => {
    const meta = (await (await fetch(`${server.baseUrl}/.well-known/openid-configuration`)).json()) as Record<
      string,
      any
    >;
    expect(meta.pushed_authorization_request_endpoint).toBe(`${server.baseUrl}/oauth/v2/par`);
    expect(meta.dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256']));
    expect(meta.grant_types_supported).toContain('urn:ietf:params:oauth:grant-type:jwt-bearer');
  });

  it('every advertised endpoint answers (no 404) on GET or POST', async () => {
    const meta = (await (await fetch(`${server.baseUrl}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    const endpoints = Object.entries(meta).filter(
      ([key, value]) => (key.endsWith('_endpoint') || key === 'jwks_uri') && typeof value === 'string',
    );
    expect(endpoints.map(([key]) => key)).toEqual(
      expect.arrayContaining([
        'authorization_endpoint',
        'token_endpoint',
        'pushed_authorization_request_endpoint',
        'userinfo_endpoint',
        'jwks_uri',
      ]),
    );
    for (const [key, url] of endpoints) {
      const statuses: number[] = [];
      for (const method of ['GET', 'POST']) {
        const res = await fetch(url as string, {
          method,
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: method === 'POST' ? '' : undefined,
        });
        statuses.push(res.status);
      }
      expect({ key, answered: statuses.some((status) => status !== 404) }).toEqual({ key, answered: true });
    }
    const unserved = await fetch(`${server.baseUrl}/oauth/v2/not-an-endpoint`);
    expect(unserved.status).toBe(404);
  });

  it('every advertised grant type is dispatched by the token endpoint; an unknown one is unsupported_grant_type', async () => {
    const meta = (await (await fetch(`${server.baseUrl}/.well-known/openid-configuration`)).json()) as {
      grant_types_supported: string[];
    };
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(world.web.clientId)}:${encodeURIComponent(world.web.clientSecret)}`).toString('base64')}`;
    const errorOf = async (grantType: string) => {
      const res = await fetch(`${server.baseUrl}/oauth/v2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
        body: new URLSearchParams({ grant_type: grantType }).toString(),
      });
      return ((await res.json()) as { error?: string }).error;
    };
    // implicit is answered by the authorization endpoint (response_type id_token), not the token endpoint.
    // Code, refresh, client credentials, device code and JWT bearer; token exchange only while its flag is on.
    const tokenGrants = meta.grant_types_supported.filter((grantType) => grantType !== 'implicit');
    expect(tokenGrants.length).toBeGreaterThanOrEqual(5);
    for (const grantType of tokenGrants)
      expect({ grantType, error: await errorOf(grantType) }).not.toMatchObject({ error: 'unsupported_grant_type' });
    expect(await errorOf('urn:example:not-a-grant')).toBe('unsupported_grant_type');
  });
});

describe('pushed authorization requests (RFC 9126)', () => {
  it('a code flow through /oauth/v2/par signs the user in; the request_uri is stored only as a hash in PostgreSQL', async () => {
    const config = await rp(server, world.web.clientId, world.web.clientSecret);
    const { url, tokens } = await parSignIn(config, 'openid');
    expect(tokens.claims()?.sub).toBe(world.user.id);
    const requestUri = url.searchParams.get('request_uri')!;
    expect(requestUri).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    const id = requestUri.split(':').pop()!;
    const rows = await server.database.dataSource.query(
      `SELECT id FROM oidc_payloads WHERE model = 'PushedAuthorizationRequest' AND id = $1`,
      [createHash('sha256').update(id).digest('base64url')],
    );
    expect(rows).toHaveLength(1);
    expect(await server.database.dataSource.query(`SELECT 1 FROM oidc_payloads WHERE id = $1`, [id])).toHaveLength(0);
  });

  it('a request_uri starts one authorization only: reuse is refused, before and after the sign-in', async () => {
    const config = await rp(server, world.web.clientId, world.web.clientSecret);
    const url = await oidc.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const first = await new Browser().get(url.toString());
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toContain('authRequest=');
    const again = await new Browser().get(url.toString());
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('invalid_request_uri');

    const { url: used } = await parSignIn(config, 'openid');
    const afterSignIn = await new Browser().get(used.toString());
    expect(afterSignIn.status).toBe(400);
  });

  it('pushing needs client authentication as at the token endpoint', async () => {
    const form = {
      client_id: world.web.clientId,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'openid',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
    };
    const push = (headers: Record<string, string>) =>
      fetch(`${server.baseUrl}/oauth/v2/par`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(form).toString(),
      });
    const none = await push({});
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: string }).error).toBe('invalid_client');
    const wrong = await push({
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(world.web.clientId)}:nope`).toString('base64')}`,
    });
    expect(wrong.status).toBe(401);
  });

  it("a request_uri pushed by one org's app cannot be used by another org's app (cross-org)", async () => {
    const other = await oidcWorld(server);
    const config = await rp(server, world.web.clientId, world.web.clientSecret);
    const url = await oidc.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    url.searchParams.set('client_id', other.web.clientId);
    const res = await new Browser().get(url.toString());
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });
});

describe('PORTCULLIS_OIDC_REQUIRE_PAR=true, PORTCULLIS_DPOP_REQUIRE_NONCE=true', () => {
  let strict: TestServer;
  let strictWorld: OidcWorld;
  beforeAll(async () => {
    strict = await bootTestServer({ PORTCULLIS_OIDC_REQUIRE_PAR: 'true', PORTCULLIS_DPOP_REQUIRE_NONCE: 'true' });
    strictWorld = await oidcWorld(strict);
  }, 60_000);
  afterAll(() => strict?.close());

  it('refuses a plain authorize request, accepts a pushed one, and says so in discovery', async () => {
    const config = await rp(strict, strictWorld.web.clientId, strictWorld.web.clientSecret);
    expect(config.serverMetadata().require_pushed_authorization_requests).toBe(true);
    const plain = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const refused = await new Browser().get(plain.toString());
    const location = new URL(refused.headers.get('location') ?? 'http://x/', plain);
    expect(location.searchParams.get('error') ?? (await refused.text())).toContain('invalid_request');
    expect(location.pathname).not.toContain('/login');
    const pushed = await oidc.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const accepted = await new Browser().get(pushed.toString());
    expect(accepted.headers.get('location')).toContain('/login?authRequest=');
  });

  it('asks for a DPoP nonce at the token endpoint and the API; a proof with the nonce it gave is accepted', async () => {
    const { username, clientSecret } = await machineClient(strict, strictWorld);
    const config = await rp(strict, username, clientSecret);
    const keys = (await oidc.randomDPoPKeyPair('ES256')) as KeyPair;
    const tokenUrl = `${strict.baseUrl}/oauth/v2/token`;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: username,
      client_secret: clientSecret,
      scope: API_SCOPE,
    }).toString();
    const withoutNonce = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: await proof(keys, 'POST', tokenUrl) },
      body: form,
    });
    expect(withoutNonce.status).toBe(400);
    expect(((await withoutNonce.json()) as { error: string }).error).toBe('use_dpop_nonce');
    expect(withoutNonce.headers.get('dpop-nonce')).toBeTruthy();

    // openid-client retries with the nonce it was given, at the token endpoint as at userinfo.
    const dpop = oidc.getDPoPHandle(config, keys);
    const { access_token: at } = await oidc.clientCredentialsGrant(config, { scope: API_SCOPE }, { DPoP: dpop });
    const userPath = `${strict.baseUrl}/v2/users/${strictWorld.user.id}`;
    const refused = await fetch(userPath, {
      headers: { authorization: `DPoP ${at}`, dpop: await proof(keys, 'GET', userPath, at) },
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('use_dpop_nonce');
    const nonce = refused.headers.get('dpop-nonce')!;
    const accepted = await fetch(userPath, {
      headers: { authorization: `DPoP ${at}`, dpop: await proof(keys, 'GET', userPath, at, { nonce }) },
    });
    expect(accepted.status).toBe(200);
  });
});

describe('DPoP (RFC 9449)', () => {
  it('binds code-flow and refresh tokens to the key (cnf.jkt at introspection, token_type DPoP); userinfo and the API accept them only with a proof', async () => {
    const config = await rp(server, world.web.clientId, world.web.clientSecret);
    const keys = (await oidc.randomDPoPKeyPair('ES256')) as KeyPair;
    const dpop = oidc.getDPoPHandle(config, keys);
    const { tokens } = await parSignIn(config, `${API_SCOPE} offline_access`, dpop);
    expect(tokens.token_type).toBe('dpop');
    const at = tokens.access_token;

    const introspected = await oidc.tokenIntrospection(
      await rp(server, world.api.clientId, world.api.clientSecret),
      at,
    );
    expect(introspected.active).toBe(true);
    expect(introspected.token_type).toBe('DPoP');
    expect((introspected.cnf as { jkt?: string }).jkt).toBe(await dpop.calculateThumbprint());

    // userinfo: with the handle's proof yes; as Bearer, with another key, another URL or a replayed proof, no.
    expect((await oidc.fetchUserInfo(config, at, world.user.id, { DPoP: dpop })).sub).toBe(world.user.id);
    const asBearer = await userinfo({ authorization: `Bearer ${at}` });
    expect(asBearer.status).toBe(401);
    expect(asBearer.challenge).toMatch(/^DPoP .*error="invalid_token"/);
    const otherKeys = (await oidc.randomDPoPKeyPair('ES256')) as KeyPair;
    const userinfoUrl = `${server.baseUrl}/oidc/v1/userinfo`;
    expect(
      (await userinfo({ authorization: `DPoP ${at}`, dpop: await proof(otherKeys, 'GET', userinfoUrl, at) })).status,
    ).toBe(401);
    expect(
      (
        await userinfo({
          authorization: `DPoP ${at}`,
          dpop: await proof(keys, 'GET', `${server.baseUrl}/oauth/v2/token`, at),
        })
      ).status,
    ).toBe(401);
    expect(
      (await userinfo({ authorization: `DPoP ${at}`, dpop: await proof(keys, 'GET', userinfoUrl, 'another-token') }))
        .status,
    ).toBe(401);
    expect((await userinfo({ authorization: `DPoP ${at}` })).status).toBe(400);
    const once = await proof(keys, 'GET', userinfoUrl, at);
    expect((await userinfo({ authorization: `DPoP ${at}`, dpop: once })).status).toBe(200);
    const replayed = await userinfo({ authorization: `DPoP ${at}`, dpop: once });
    expect(replayed.status).toBe(401);
    expect(replayed.challenge).toContain('invalid_dpop_proof');

    // The API (REST and Connect): the same rule; the proof names the REST path or the RPC's path.
    const userPath = `${server.baseUrl}/v2/users/${world.user.id}`;
    expect((await getUser({ authorization: `DPoP ${at}`, dpop: await proof(keys, 'GET', userPath, at) })).status).toBe(
      200,
    );
    const apiBearer = await getUser({ authorization: `Bearer ${at}` });
    expect(apiBearer.status).toBe(401);
    expect(apiBearer.challenge).toMatch(/^DPoP .*error="invalid_token"/);
    expect(
      (await getUser({ authorization: `DPoP ${at}`, dpop: await proof(otherKeys, 'GET', userPath, at) })).status,
    ).toBe(401);
    expect((await getUser({ authorization: `DPoP ${at}`, dpop: await proof(keys, 'POST', userPath, at) })).status).toBe(
      401,
    );
    expect(
      (
        await getUser({
          authorization: `DPoP ${at}`,
          dpop: await proof(keys, 'GET', `${server.baseUrl}/v2/users/other`, at),
        })
      ).status,
    ).toBe(401);
    const apiOnce = await proof(keys, 'GET', userPath, at);
    expect((await getUser({ authorization: `DPoP ${at}`, dpop: apiOnce })).status).toBe(200);
    expect((await getUser({ authorization: `DPoP ${at}`, dpop: apiOnce })).status).toBe(401);

    const rpcUrl = `${server.baseUrl}/zitadel.user.v2.UserService/GetUserByID`;
    const withProof =
      (keyPair: KeyPair, htu: string): Interceptor =>
      (next) =>
      async (req) => {
        req.header.set('authorization', `DPoP ${at}`);
        req.header.set('dpop', await proof(keyPair, 'POST', htu, at));
        return next(req);
      };
    const rpc = (interceptor: Interceptor) =>
      createClient(
        UserService,
        createConnectTransport({ baseUrl: server.baseUrl, httpVersion: '1.1', interceptors: [interceptor] }),
      );
    expect((await rpc(withProof(keys, rpcUrl)).getUserByID({ userId: world.user.id })).user?.userId).toBe(
      world.user.id,
    );
    await expect(rpc(withProof(otherKeys, rpcUrl)).getUserByID({ userId: world.user.id })).rejects.toThrow(
      /not signed by the key/,
    );
    await expect(
      client(UserService, 'connect-h1', server.baseUrl, at).getUserByID({ userId: world.user.id }),
    ).rejects.toThrow(/DPoP-bound/);

    // Refresh of a confidential client: its refresh token is bound to its client authentication
    // (RFC 9449 §5); the new access token is bound to the key of the refresh request's proof.
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP: dpop });
    expect(refreshed.token_type).toBe('dpop');
    expect((await userinfo({ authorization: `Bearer ${refreshed.access_token}` })).status).toBe(401);
    expect((await oidc.fetchUserInfo(config, refreshed.access_token, world.user.id, { DPoP: dpop })).sub).toBe(
      world.user.id,
    );
  });

  it("binds a public client's refresh token to the key: refreshing needs a proof of that key (RFC 9449 §5)", async () => {
    const { clientId } = await addOidcApp(server, world, {
      appType: OIDCAppType.OIDC_APP_TYPE_NATIVE,
      authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_NONE,
    });
    const config = await oidc.discovery(new URL(server.baseUrl), clientId, undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
    const keys = (await oidc.randomDPoPKeyPair('ES256')) as KeyPair;
    const dpop = oidc.getDPoPHandle(config, keys);
    const { tokens } = await parSignIn(config, 'openid offline_access', dpop);
    expect(tokens.token_type).toBe('dpop');
    expect(tokens.refresh_token).toBeTruthy();
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    const otherKeys = (await oidc.randomDPoPKeyPair('ES256')) as KeyPair;
    await expect(
      oidc.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP: oidc.getDPoPHandle(config, otherKeys) }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP: dpop });
    expect(refreshed.token_type).toBe('dpop');
    expect((await oidc.fetchUserInfo(config, refreshed.access_token, world.user.id, { DPoP: dpop })).sub).toBe(
      world.user.id,
    );
  });

  it('a code pushed with a DPoP proof is exchanged only with a proof of the same key (dpop_jkt, RFC 9449 §10)', async () => {
    const config = await rp(server, world.web.clientId, world.web.clientSecret);
    const owner = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
    const thief = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
    expect((await (await parCode(config, 'openid', owner)).exchange(owner)).token_type).toBe('dpop');
    const stolen = await parCode(config, 'openid', owner);
    await expect(stolen.exchange(thief)).rejects.toMatchObject({ error: 'invalid_grant' });
    // The refused attempt spends the code: nobody gets tokens for it any more.
    await expect(stolen.exchange(owner)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('binds JWT access tokens too: cnf.jkt in the JWT, refused as Bearer at the API', async () => {
    const app = await addOidcApp(server, world, { accessTokenType: OIDCTokenType.OIDC_TOKEN_TYPE_JWT });
    const config = await rp(server, app.clientId, app.clientSecret);
    const keys = (await oidc.randomDPoPKeyPair('ES256')) as KeyPair;
    const dpop = oidc.getDPoPHandle(config, keys);
    const { tokens } = await parSignIn(config, API_SCOPE, dpop);
    const at = tokens.access_token;
    expect(decodeJwt(at).cnf).toEqual({ jkt: await dpop.calculateThumbprint() });
    const userPath = `${server.baseUrl}/v2/users/${world.user.id}`;
    expect((await getUser({ authorization: `Bearer ${at}` })).status).toBe(401);
    expect((await getUser({ authorization: `DPoP ${at}`, dpop: await proof(keys, 'GET', userPath, at) })).status).toBe(
      200,
    );
    expect((await oidc.fetchUserInfo(config, at, world.user.id, { DPoP: dpop })).sub).toBe(world.user.id);
  });

  it('binds client_credentials tokens of machine users; a Bearer token stays usable as Bearer only', async () => {
    const { username, clientSecret } = await machineClient(server, world);
    const config = await rp(server, username, clientSecret);
    const keys = (await oidc.randomDPoPKeyPair('ES256')) as KeyPair;
    const bound = await oidc.clientCredentialsGrant(
      config,
      { scope: API_SCOPE },
      { DPoP: oidc.getDPoPHandle(config, keys) },
    );
    expect(bound.token_type).toBe('dpop');
    const userPath = `${server.baseUrl}/v2/users/${world.user.id}`;
    expect((await getUser({ authorization: `Bearer ${bound.access_token}` })).status).toBe(401);
    expect(
      (
        await getUser({
          authorization: `DPoP ${bound.access_token}`,
          dpop: await proof(keys, 'GET', userPath, bound.access_token),
        })
      ).status,
    ).toBe(200);

    const plain = await oidc.clientCredentialsGrant(config, { scope: API_SCOPE });
    expect(plain.token_type).toBe('bearer');
    expect((await getUser({ authorization: `Bearer ${plain.access_token}` })).status).toBe(200);
    // A Bearer token with a proof is refused: the proof would be taken for a binding there is not.
    expect(
      (
        await getUser({
          authorization: `DPoP ${plain.access_token}`,
          dpop: await proof(keys, 'GET', userPath, plain.access_token),
        })
      ).status,
    ).toBe(401);
  });

  it('binds JWT-profile tokens (jwt-bearer) of machine users with a proof; the same proof twice is refused', async () => {
    const { userId } = await machineWithRoles(server, world.orgId, {
      level: 'org',
      resourceId: world.orgId,
      roles: ['ORG_USER_MANAGER'],
    });
    const { keyId, keyContent } = await client(UserService, 'grpc', server.baseUrl, server.adminPat).addKey({
      userId,
      expirationDate: { seconds: BigInt(Math.floor(Date.now() / 1000) + 3600), nanos: 0 },
    });
    const { key } = JSON.parse(Buffer.from(keyContent).toString('utf8')) as { key: string };
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: keyId })
      .setIssuer(userId)
      .setSubject(userId)
      .setAudience(server.baseUrl)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(createPrivateKey(key));
    const keys = (await oidc.randomDPoPKeyPair('ES256')) as KeyPair;
    const tokenUrl = `${server.baseUrl}/oauth/v2/token`;
    const once = await proof(keys, 'POST', tokenUrl);
    const request = (dpop: string) =>
      fetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', dpop },
        body: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion,
          scope: API_SCOPE,
        }).toString(),
      });
    const res = await request(once);
    const body = (await res.json()) as { access_token: string; token_type: string };
    expect(body.token_type).toBe('DPoP');
    const userPath = `${server.baseUrl}/v2/users/${world.user.id}`;
    expect((await getUser({ authorization: `Bearer ${body.access_token}` })).status).toBe(401);
    expect(
      (
        await getUser({
          authorization: `DPoP ${body.access_token}`,
          dpop: await proof(keys, 'GET', userPath, body.access_token),
        })
      ).status,
    ).toBe(200);
    const replayed = await request(once);
    expect(replayed.status).toBe(400);
    expect(((await replayed.json()) as { error: string }).error).toBe('invalid_grant');
    const wrongUrl = await request(await proof(keys, 'POST', `${server.baseUrl}/oauth/v2/par`));
    expect(((await wrongUrl.json()) as { error: string }).error).toBe('invalid_dpop_proof');
  });

  it('a replayed proof at the token endpoint is refused, and proof jtis are recorded in PostgreSQL', async () => {
    const { username, clientSecret } = await machineClient(server, world);
    const keys = (await oidc.randomDPoPKeyPair('ES256')) as KeyPair;
    const tokenUrl = `${server.baseUrl}/oauth/v2/token`;
    const once = await proof(keys, 'POST', tokenUrl);
    const request = () =>
      fetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: once },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: username,
          client_secret: clientSecret,
          scope: API_SCOPE,
        }).toString(),
      });
    const first = await request();
    expect(first.status).toBe(200);
    expect(((await first.json()) as { token_type: string }).token_type).toBe('DPoP');
    const second = await request();
    expect(second.status).toBe(400);
    expect(((await second.json()) as { error_description: string }).error_description).toMatch(/replay/i);
    const [{ count }] = await server.database.dataSource.query(
      `SELECT count(*)::int AS count FROM oidc_payloads WHERE model = 'ReplayDetection' AND expires_at > now()`,
    );
    expect(count).toBeGreaterThan(0);
  });

  it("a second process on the same database accepts the first one's nonce and refuses a proof replayed there", async () => {
    const second = await bootTestServer({}, server);
    try {
      const config = await rp(server, world.web.clientId, world.web.clientSecret);
      const keys = (await oidc.randomDPoPKeyPair('ES256')) as KeyPair;
      const { tokens } = await parSignIn(config, 'openid', oidc.getDPoPHandle(config, keys));
      // A nonce handed out by the first process (at its token endpoint) ...
      const basic = `Basic ${Buffer.from(`${encodeURIComponent(world.web.clientId)}:${encodeURIComponent(world.web.clientSecret)}`).toString('base64')}`;
      const nonceRes = await fetch(`${server.baseUrl}/oauth/v2/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basic,
          dpop: await proof(keys, 'POST', `${server.baseUrl}/oauth/v2/token`),
        },
        body: 'grant_type=refresh_token&refresh_token=unknown',
      });
      const nonce = nonceRes.headers.get('dpop-nonce')!;
      expect(nonce).toBeTruthy();
      // ... makes a proof with a stale iat good at the second one; a stale proof without it is not.
      const at = tokens.access_token;
      const url = `${second.baseUrl}/oidc/v1/userinfo`;
      const stale = Math.floor(Date.now() / 1000) - 900;
      const ask = (dpop: string) => fetch(url, { headers: { authorization: `DPoP ${at}`, dpop } });
      expect((await ask(await proof(keys, 'GET', url, at, { iat: stale }))).status).toBe(401);
      const good = await proof(keys, 'GET', url, at, { iat: stale, nonce });
      expect((await ask(good)).status).toBe(200);
      expect((await ask(good)).status).toBe(401);
    } finally {
      await second.close();
    }
  });
});
