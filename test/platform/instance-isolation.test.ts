// Instance isolation, credential kind by credential kind: everything instance A issues (tokens,
// sessions, codes, requests, keys) is presented at instance B, which runs in the same process on
// the same database under another host, with B's own valid clients where a client is needed.
// B must refuse each as unknown; A's own use of it is checked too, so no row passes by being
// broken at A already.
import { createPrivateKey } from 'node:crypto';
import type { DescService } from '@bufbuild/protobuf';
import { Code, type Client } from '@connectrpc/connect';
import { OIDCService } from '@zitadel/proto/zitadel/oidc/v2/oidc_service_pb.js';
import { SAMLService } from '@zitadel/proto/zitadel/saml/v2/saml_service_pb.js';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { SignJWT } from 'jose';
import * as samlify from 'samlify';
import { INSTANCE_HOST_HEADER } from '../../src/platform/tenancy/request-host.js';
import { client, codeOf, rest } from '../support/clients.js';
import { otherInstance, type OtherInstance } from '../support/instances.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import {
  authorize,
  Browser,
  createCallback,
  oidc,
  oidcWorld,
  passwordSession,
  POST_LOGOUT,
  REDIRECT,
  rp,
  signIn,
  type OidcWorld,
} from '../oidc/support.js';
import { samlApp, samlRequestIdOf, uniqueEntity } from '../saml/support.js';

/** Low enough that the last row can exhaust instance A's token endpoint budget quickly. */
const RATE_LIMIT = 60;
const API_SCOPE = 'openid urn:zitadel:iam:org:project:id:zitadel:aud';

let server: TestServer;
let other: OtherInstance;
/** B as a server-like value for the OIDC helpers (its base URL and owner). */
let serverB: TestServer;
let worldA: OidcWorld;
let worldB: OidcWorld;

/** What instance A issued, made once: each row presents one of these at instance B. */
interface Issued {
  readonly pat: string;
  /** A user's JWT access token, signed with A's web key. */
  readonly jwtAccessToken: string;
  /** A machine's opaque access token (client credentials). */
  readonly opaqueAccessToken: string;
  readonly refreshToken: string;
  readonly idToken: string;
  readonly session: { sessionId: string; sessionToken: string };
  readonly authRequestId: string;
  /** An unredeemed authorization code and its PKCE verifier. */
  readonly code: { code: string; verifier: string };
  readonly device: { deviceCode: string; userCode: string };
  readonly samlRequestId: string;
  /** A machine key of A (JWT profile): the machine user, the key id and its private key. */
  readonly machineKey: { userId: string; keyId: string; pem: string };
  /** The key ids of A's JWKS. */
  readonly kids: readonly string[];
  /** A's SAML signing certificate (PEM). */
  readonly samlCertificate: string;
}
let issued: Issued;

beforeAll(async () => {
  server = await bootTestServer({ PORTCULLIS_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) });
  other = await otherInstance(server);
  serverB = { ...server, baseUrl: other.baseUrl, adminPat: other.adminPat };
  worldA = await oidcWorld(server, { accessTokenType: 'jwt' });
  worldB = await oidcWorld(serverB);
  issued = await issueAtA();
}, 60_000);
afterAll(() => server?.close());

async function issueAtA(): Promise<Issued> {
  const config = await rp(server, worldA.web.clientId, worldA.web.clientSecret);
  const tokens = await signIn(server, worldA, config, `offline_access ${API_SCOPE}`);

  const started = await authorize(new Browser(), config);
  const pending = await authorize(new Browser(), config);
  const callback = await createCallback(
    server,
    started.authRequestId!,
    await passwordSession(server, worldA.user.username),
  );
  const code = new URL(callback).searchParams.get('code')!;

  const device = await oidc.initiateDeviceAuthorization(config, { scope: 'openid' });

  const machine = await machineWithRoles(server, worldA.orgId, {
    level: 'org',
    resourceId: worldA.orgId,
    roles: ['ORG_USER_MANAGER'],
  });
  const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
  const { clientSecret } = await users.addSecret({ userId: machine.userId });
  const [{ username }] = await server.database.dataSource.query('SELECT username FROM users WHERE id = $1', [
    machine.userId,
  ]);
  const machineTokens = await oidc.clientCredentialsGrant(await rp(server, username, clientSecret), {
    scope: API_SCOPE,
  });
  const { keyId, keyContent } = await users.addKey({
    userId: machine.userId,
    expirationDate: { seconds: BigInt(Math.floor(Date.now() / 1000) + 3600), nanos: 0 },
  });
  const keyFile = JSON.parse(Buffer.from(keyContent).toString('utf8')) as { key: string };

  const entityID = uniqueEntity('isolation');
  const sp = samlify.ServiceProvider({
    entityID,
    assertionConsumerService: [
      { Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', Location: entityID.replace(/metadata$/, 'acs') },
    ],
  });
  await samlApp(server, worldA.projectId, sp.getMetadata());
  const idp = samlify.IdentityProvider({ metadata: await (await fetch(`${server.baseUrl}/saml/v2/metadata`)).text() });
  const { context } = sp.createLoginRequest(idp, 'redirect') as { context: string };
  const samlRequestId = samlRequestIdOf((await fetch(context, { redirect: 'manual' })).headers.get('location'));

  return {
    pat: server.adminPat,
    jwtAccessToken: tokens.access_token,
    opaqueAccessToken: machineTokens.access_token,
    refreshToken: tokens.refresh_token!,
    idToken: tokens.id_token!,
    session: await passwordSession(server, worldA.user.username),
    authRequestId: pending.authRequestId!,
    code: { code, verifier: started.verifier },
    device: { deviceCode: device.device_code, userCode: device.user_code },
    samlRequestId,
    machineKey: { userId: machine.userId, keyId, pem: keyFile.key },
    kids: await kids(server.baseUrl),
    samlCertificate: await samlCertificate(server.baseUrl),
  };
}

/** A form POST to an instance's token endpoint, as B's web app unless no client is given. */
async function token(baseUrl: string, form: Record<string, string>, as?: { clientId: string; clientSecret: string }) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (as) headers.authorization = `Basic ${Buffer.from(`${as.clientId}:${as.clientSecret}`).toString('base64')}`;
  const res = await fetch(`${baseUrl}/oauth/v2/token`, { method: 'POST', headers, body: new URLSearchParams(form) });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

/** Whether a Bearer token opens the instance's API (the caller's own user). */
const apiStatus = async (baseUrl: string, bearer: string) =>
  (await rest(baseUrl, 'GET', '/auth/v1/users/me', { token: bearer })).status;

const userinfoStatus = async (baseUrl: string, bearer: string) =>
  (await fetch(`${baseUrl}/oidc/v1/userinfo`, { headers: { authorization: `Bearer ${bearer}` } })).status;

async function introspect(baseUrl: string, world: OidcWorld, tokenValue: string) {
  return oidc.tokenIntrospection(
    await rp({ ...server, baseUrl }, world.api.clientId, world.api.clientSecret),
    tokenValue,
  );
}

/** B's refusal: a value, or what B answers for a made-up credential of the same kind (unknown alike). */
type Refusal = unknown | (() => Promise<unknown>);
type Row = readonly [kind: string, atA: () => Promise<unknown>, atB: () => Promise<unknown>, refused: Refusal];

/** A's session id with a made-up token would be A's; a made-up id with A's token is unknown everywhere. */
const unknownSession = () => ({ sessionId: '999999999999999999', sessionToken: issued.session.sessionToken });

/** A client of the login API: A's owner at A, B's login client at B. */
function loginApi<S extends DescService>(service: S, at: 'A' | 'B'): Client<S> {
  return at === 'A'
    ? client(service, 'grpc', server.baseUrl, server.adminPat)
    : client(service, 'grpc', other.baseUrl, other.loginClientPat);
}

/** A row that asks both instances' login API the same question. */
function loginApiRow<S extends DescService>(
  kind: string,
  service: S,
  ask: (c: Client<S>) => Promise<unknown>,
  refused: Refusal,
): Row {
  return [kind, () => codeOf(ask(loginApi(service, 'A'))), () => codeOf(ask(loginApi(service, 'B'))), refused];
}

/**
 * Each credential kind: what A answers (accepted) and what B answers (refused as unknown). The
 * A column runs after the B column where using the credential at A would spend it.
 */
const ROWS: readonly Row[] = [
  ['PAT (API Bearer)', () => apiStatus(server.baseUrl, issued.pat), () => apiStatus(other.baseUrl, issued.pat), 401],
  [
    'JWT access token signed with A’s web key (API Bearer)',
    () => apiStatus(server.baseUrl, issued.jwtAccessToken),
    () => apiStatus(other.baseUrl, issued.jwtAccessToken),
    401,
  ],
  [
    'JWT access token (userinfo)',
    () => userinfoStatus(server.baseUrl, issued.jwtAccessToken),
    () => userinfoStatus(other.baseUrl, issued.jwtAccessToken),
    401,
  ],
  [
    'opaque access token (API Bearer)',
    () => apiStatus(server.baseUrl, issued.opaqueAccessToken),
    () => apiStatus(other.baseUrl, issued.opaqueAccessToken),
    401,
  ],
  [
    'JWT access token (introspection by B’s API app)',
    async () => (await introspect(server.baseUrl, worldA, issued.jwtAccessToken)).active,
    async () => (await introspect(other.baseUrl, worldB, issued.jwtAccessToken)).active,
    false,
  ],
  [
    'PAT (introspection by B’s API app)',
    async () => (await introspect(server.baseUrl, worldA, issued.pat)).active,
    async () => (await introspect(other.baseUrl, worldB, issued.pat)).active,
    false,
  ],
  [
    'session token (API Bearer)',
    () => apiStatus(server.baseUrl, issued.session.sessionToken),
    () => apiStatus(other.baseUrl, issued.session.sessionToken),
    401,
  ],
  loginApiRow(
    'session (GetSession by B’s login client)',
    SessionService,
    (c) => c.getSession(issued.session),
    // As B answers a made-up session id with the same token: unknown alike.
    () => codeOf(loginApi(SessionService, 'B').getSession(unknownSession())),
  ),
  loginApiRow(
    'auth request id (GetAuthRequest by B’s login client)',
    OIDCService,
    (c) => c.getAuthRequest({ authRequestId: issued.authRequestId }),
    Code.NotFound,
  ),
  loginApiRow(
    'device user code (GetDeviceAuthorizationRequest by B’s login client)',
    OIDCService,
    (c) => c.getDeviceAuthorizationRequest({ userCode: issued.device.userCode }),
    Code.NotFound,
  ),
  loginApiRow(
    'SAML request id (GetSAMLRequest by B’s login client)',
    SAMLService,
    (c) => c.getSAMLRequest({ samlRequestId: issued.samlRequestId }),
    Code.NotFound,
  ),
  [
    'device code (token endpoint, B’s app)',
    async () => (await token(server.baseUrl, deviceForm(), worldA.web)).body.error,
    async () => (await token(other.baseUrl, deviceForm(), worldB.web)).body.error,
    'invalid_grant',
  ],
  [
    'machine key (JWT profile grant, assertion for the instance it is sent to)',
    async () => (await jwtProfile(server.baseUrl)).body.error,
    async () => (await jwtProfile(other.baseUrl)).body.error,
    'invalid_grant',
  ],
  [
    'web keys (B publishes none of A’s key ids)',
    async () => (await kids(server.baseUrl)).some((k) => issued.kids.includes(k)),
    async () => (await kids(other.baseUrl)).some((k) => issued.kids.includes(k)),
    false,
  ],
  [
    'auth request id (the hosted login page)',
    () => hostedLoginPage(server.baseUrl, `authRequest=${issued.authRequestId}`),
    () => hostedLoginPage(other.baseUrl, `authRequest=${issued.authRequestId}`),
    400,
  ],
  [
    'SAML request id (the hosted login page)',
    () => hostedLoginPage(server.baseUrl, `samlRequest=${issued.samlRequestId}`),
    () => hostedLoginPage(other.baseUrl, `samlRequest=${issued.samlRequestId}`),
    400,
  ],
  [
    'SAML signing certificate (B signs with its own)',
    async () => (await samlCertificate(server.baseUrl)) === issued.samlCertificate,
    async () => (await samlCertificate(other.baseUrl)) === issued.samlCertificate,
    false,
  ],
  // The rows below spend the credential at A: B is asked first, so they also show that B's
  // refusal left it intact.
  [
    'refresh token (token endpoint, B’s app)',
    async () => (await token(server.baseUrl, refreshForm(), worldA.web)).body.error,
    async () => (await token(other.baseUrl, refreshForm(), worldB.web)).body.error,
    'invalid_grant',
  ],
  [
    'authorization code (token endpoint, B’s app)',
    async () => (await token(server.baseUrl, codeForm(), worldA.web)).body.error,
    async () => (await token(other.baseUrl, codeForm(), worldB.web)).body.error,
    'invalid_grant',
  ],
  [
    'session (CreateCallback of an auth request by the instance’s login client)',
    async () => codeOf(createCallback(server, await authRequestAt(server, worldA), issued.session)),
    async () =>
      codeOf(createCallback(serverB, await authRequestAt(serverB, worldB), issued.session, other.loginClientPat)),
    async () =>
      codeOf(createCallback(serverB, await authRequestAt(serverB, worldB), unknownSession(), other.loginClientPat)),
  ],
  [
    'ID token as id_token_hint (end_session)',
    () => endSessionStatus(server.baseUrl),
    () => endSessionStatus(other.baseUrl),
    400,
  ],
];

const deviceForm = () => ({
  grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
  device_code: issued.device.deviceCode,
});

/** A JWT-profile grant at the instance, with an assertion of A's machine key for that instance's audience. */
async function jwtProfile(baseUrl: string) {
  const { userId, keyId, pem } = issued.machineKey;
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: keyId })
    .setIssuer(userId)
    .setSubject(userId)
    .setAudience(baseUrl)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(createPrivateKey(pem));
  return token(baseUrl, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion, scope: API_SCOPE });
}

async function kids(baseUrl: string): Promise<string[]> {
  const { keys } = (await (await fetch(`${baseUrl}/oauth/v2/keys`)).json()) as { keys: { kid: string }[] };
  return keys.map((k) => k.kid);
}

/** The status of the hosted login's page for a request id (B's pages are B's login client). */
async function hostedLoginPage(baseUrl: string, query: string): Promise<number> {
  const res = await fetch(`${baseUrl}/ui/v2/login/login?${query}`, { redirect: 'manual' });
  await res.arrayBuffer();
  return res.status;
}

const samlCertificate = async (baseUrl: string) => (await fetch(`${baseUrl}/saml/v2/certificate`)).text();

const refreshForm = () => ({ grant_type: 'refresh_token', refresh_token: issued.refreshToken });
const codeForm = () => ({
  grant_type: 'authorization_code',
  code: issued.code.code,
  redirect_uri: REDIRECT,
  code_verifier: issued.code.verifier,
});

/** A fresh auth request of the world's web app at the instance. */
async function authRequestAt(at: TestServer, world: OidcWorld): Promise<string> {
  const { authRequestId } = await authorize(new Browser(), await rp(at, world.web.clientId, world.web.clientSecret));
  return authRequestId!;
}

async function endSessionStatus(baseUrl: string): Promise<number> {
  const url = new URL(`${baseUrl}/oidc/v1/end_session`);
  url.searchParams.set('id_token_hint', issued.idToken);
  url.searchParams.set('post_logout_redirect_uri', POST_LOGOUT);
  return (await fetch(url, { redirect: 'manual' })).status;
}

describe('a credential of instance A is never accepted by instance B (same process, same database)', () => {
  it.each(ROWS)('%s', async (_kind, atA, atB, refusal) => {
    const refused = typeof refusal === 'function' ? await (refusal as () => Promise<unknown>)() : refusal;
    expect(await atB()).toEqual(refused);
    expect(await atA()).not.toEqual(refused);
  });
});

describe('per-instance state that is not a credential', () => {
  it("rate limits are per instance: A's exhausted token endpoint budget leaves B's, from the same address, untouched", async () => {
    // B through A's connection (x-zitadel-instance-host): the same peer address for both.
    const hostB = new URL(other.baseUrl).host;
    const refusedAt = async (host?: string) => {
      const res = await fetch(`${server.baseUrl}/oauth/v2/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(host ? { [INSTANCE_HOST_HEADER]: host } : {}),
        },
        body: 'grant_type=client_credentials&client_id=nobody&client_secret=wrong',
      });
      await res.arrayBuffer();
      return res.status === 429;
    };
    let exhausted = false;
    for (let i = 0; i <= RATE_LIMIT && !exhausted; i++) exhausted = await refusedAt();
    expect(exhausted).toBe(true);
    expect(await refusedAt(hostB)).toBe(false);
  });
});
