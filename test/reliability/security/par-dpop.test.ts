// Security group: PAR and DPoP attacked on two running server processes that share one database
// (as behind a load balancer). A stolen DPoP-bound token is worthless without the key; a captured
// proof is worthless on another URL, and on the other process once used; a pushed request_uri
// starts one authorization only, whichever process sees it.
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { AppService } from '@zitadel/proto/zitadel/app/v2beta/app_service_pb.js';
import {
  OIDCAppType,
  OIDCAuthMethodType,
  OIDCGrantType,
  OIDCResponseType,
} from '@zitadel/proto/zitadel/app/v2beta/oidc_pb.js';
import { OrganizationService } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { ProjectService } from '@zitadel/proto/zitadel/project/v2beta/project_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { SignJWT, exportJWK, type CryptoKey } from 'jose';
import { Browser, PASSWORD, REDIRECT, createCallback, oidc, passwordSession } from '../../oidc/support.js';
import { client } from '../../support/clients.js';
import type { TestServer } from '../../support/test-server.js';
import { freshData, startChild, stopChild, type ChildServer } from '../support/child-server.js';

const API_SCOPE = 'openid urn:zitadel:iam:org:project:id:zitadel:aud';
type KeyPair = { privateKey: CryptoKey; publicKey: CryptoKey };

let a: ChildServer;
let b: ChildServer;
let app: { clientId: string; clientSecret: string };
let user: { id: string; username: string };

/** The helpers of test/oidc need only the URL and the admin's PAT. */
const asTestServer = (child: ChildServer) => ({ baseUrl: child.baseUrl, adminPat: child.adminPat }) as TestServer;

beforeAll(async () => {
  const data = await freshData();
  [a, b] = await Promise.all([startChild(data), startChild(data)]);
  const stamp = Date.now().toString(36);
  const orgId = (
    await client(OrganizationService, 'grpc', a.baseUrl, a.adminPat).createOrganization({ name: `PAR DPoP ${stamp}` })
  ).id;
  const { id: projectId } = await client(ProjectService, 'grpc', a.baseUrl, a.adminPat).createProject({
    organizationId: orgId,
    name: `Portal ${stamp}`,
  });
  const created = await client(AppService, 'grpc', a.baseUrl, a.adminPat).createApplication({
    projectId,
    name: `Web ${stamp}`,
    creationRequestType: {
      case: 'oidcRequest',
      value: {
        redirectUris: [REDIRECT],
        responseTypes: [OIDCResponseType.OIDC_RESPONSE_TYPE_CODE],
        grantTypes: [OIDCGrantType.OIDC_GRANT_TYPE_AUTHORIZATION_CODE],
        appType: OIDCAppType.OIDC_APP_TYPE_WEB,
        authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_BASIC,
        devMode: true,
      },
    },
  });
  app = created.creationResponseType.value as { clientId: string; clientSecret: string };
  const username = `victim-${stamp}`;
  const { userId } = await client(UserService, 'grpc', a.baseUrl, a.adminPat).addHumanUser({
    username,
    organization: { org: { case: 'orgId', value: orgId } },
    profile: { givenName: 'Vic', familyName: 'Tim' },
    email: { email: `${username}@example.com`, verification: { case: 'isVerified', value: true } },
    passwordType: { case: 'password', value: { password: PASSWORD, changeRequired: false } },
  });
  user = { id: userId, username };
}, 120_000);
afterAll(() => Promise.all([stopChild(a), stopChild(b)]));

async function proof(keys: KeyPair, htm: string, htu: string, accessToken: string): Promise<string> {
  return new SignJWT({
    htm,
    htu,
    jti: crypto.randomUUID(),
    iat: Math.floor(Date.now() / 1000),
    ath: createHash('sha256').update(accessToken).digest('base64url'),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(keys.publicKey) })
    .sign(keys.privateKey);
}

/** The victim's DPoP-bound access token (audience: the API), by a code flow pushed through PAR on process a. */
async function victimToken(): Promise<{ accessToken: string; keys: KeyPair; requestUri: URL }> {
  const config = await oidc.discovery(new URL(a.baseUrl), app.clientId, app.clientSecret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
  const keys = (await oidc.randomDPoPKeyPair('ES256')) as KeyPair;
  const dpop = oidc.getDPoPHandle(config, keys);
  const verifier = oidc.randomPKCECodeVerifier();
  const url = await oidc.buildAuthorizationUrlWithPAR(
    config,
    {
      redirect_uri: REDIRECT,
      scope: API_SCOPE,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    },
    { DPoP: dpop },
  );
  const browser = new Browser();
  const started = await browser.get(url.toString());
  const authRequestId = new URL(started.headers.get('location')!, url).searchParams.get('authRequest')!;
  const callbackUrl = await createCallback(
    asTestServer(a),
    authRequestId,
    await passwordSession(asTestServer(a), user.username),
  );
  const { url: redirected } = await browser.follow(callbackUrl, a.baseUrl);
  const tokens = await oidc.authorizationCodeGrant(
    config,
    new URL(redirected),
    { pkceCodeVerifier: verifier },
    undefined,
    { DPoP: dpop },
  );
  expect(tokens.token_type).toBe('dpop');
  return { accessToken: tokens.access_token, keys, requestUri: url };
}

/**
 * A GET to `server` addressed as `authority` (the Host a load balancer passes on); node:http,
 * since fetch does not let a caller set Host.
 */
function call(
  server: ChildServer,
  path: string,
  headers: Record<string, string>,
  authority = new URL(server.baseUrl).host,
): Promise<{ status: number; challenge: string; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, headers: { ...headers, host: authority } },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            challenge: String(res.headers['www-authenticate'] ?? ''),
            location: res.headers.location,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

it("a stolen DPoP-bound token is refused as Bearer and with the thief's own proof, at userinfo and the API, on both processes", async () => {
  const { accessToken } = await victimToken();
  const thief = (await oidc.randomDPoPKeyPair('ES256')) as KeyPair;
  for (const server of [a, b]) {
    for (const path of ['/oidc/v1/userinfo', `/v2/users/${user.id}`]) {
      const bearer = await call(server, path, { authorization: `Bearer ${accessToken}` });
      expect({ path, status: bearer.status }).toEqual({ path, status: 401 });
      expect(bearer.challenge).toMatch(/^DPoP /);
      const forged = await call(server, path, {
        authorization: `DPoP ${accessToken}`,
        dpop: await proof(thief, 'GET', `${server.baseUrl}${path}`, accessToken),
      });
      expect({ path, status: forged.status }).toEqual({ path, status: 401 });
    }
  }
});

it('a captured proof is refused on another URL, and on the other process once used (replay cache in PostgreSQL)', async () => {
  const { accessToken, keys } = await victimToken();
  const authority = new URL(a.baseUrl).host;
  const userinfoUrl = `${a.baseUrl}/oidc/v1/userinfo`;
  const captured = await proof(keys, 'GET', userinfoUrl, accessToken);
  expect((await call(a, `/v2/users/${user.id}`, { authorization: `DPoP ${accessToken}`, dpop: captured })).status).toBe(
    401,
  );
  expect((await call(a, '/oidc/v1/userinfo', { authorization: `DPoP ${accessToken}`, dpop: captured })).status).toBe(
    200,
  );
  // Process b, reached at the same address: a fresh proof works, the captured one is spent.
  expect(
    (
      await call(
        b,
        '/oidc/v1/userinfo',
        { authorization: `DPoP ${accessToken}`, dpop: await proof(keys, 'GET', userinfoUrl, accessToken) },
        authority,
      )
    ).status,
  ).toBe(200);
  const replayed = await call(
    b,
    '/oidc/v1/userinfo',
    { authorization: `DPoP ${accessToken}`, dpop: captured },
    authority,
  );
  expect(replayed.status).toBe(401);
  expect(replayed.challenge).toContain('invalid_dpop_proof');
});

it('a pushed request_uri starts one authorization only, whichever process sees it; pushing needs the client secret', async () => {
  const config = await oidc.discovery(new URL(a.baseUrl), app.clientId, app.clientSecret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
  const url = await oidc.buildAuthorizationUrlWithPAR(config, {
    redirect_uri: REDIRECT,
    scope: 'openid',
    code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
  });
  const path = url.pathname + url.search;
  const first = await call(a, path, {});
  expect(first.location).toContain('authRequest=');
  const again = await call(b, path, {}, new URL(a.baseUrl).host);
  expect(again.status).toBe(400);
  expect(again.location).toBeUndefined();

  const unauthenticated = await fetch(`${b.baseUrl}/oauth/v2/par`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: app.clientId,
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
    }).toString(),
  });
  expect(unauthenticated.status).toBe(401);
});
