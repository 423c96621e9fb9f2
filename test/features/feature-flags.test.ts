// Feature flags that change behaviour, each shown switching it (token exchange and back-channel
// logout are shown in their own OIDC test files). The loginV2 feature decides where the browser
// signs in: /oauth/v2/authorize, the SAML SSO endpoint and the device verification page send it
// to the instance's login v2 base URI when the instance requires login v2 (ZITADEL's
// CreateAuthRequest), else to PORTCULLIS_LOGIN_UI_URL.
import * as samlify from 'samlify';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { client, rest } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { otherInstance, type OtherInstance } from '../support/instances.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { authorize, Browser, oidc, oidcWorld, rp, type OidcWorld } from '../oidc/support.js';
import { samlApp, samlWorld, uniqueEntity, type SamlWorld } from '../saml/support.js';

const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const HOSTED = '/ui/v2/login';
const CUSTOM = 'https://login.tenant.example/ui/v2/login';

let server: TestServer;
let oidcApps: OidcWorld;
let saml: SamlWorld;
let other: OtherInstance;

beforeAll(async () => {
  server = await bootTestServer();
  oidcApps = await oidcWorld(server);
  saml = await samlWorld(server);
  other = await otherInstance(server);
});
afterAll(() => server?.close());

/** Where /oauth/v2/authorize sends the browser for the world's web app. */
async function authorizeLocation(): Promise<string> {
  const config = await rp(server, oidcApps.web.clientId, oidcApps.web.clientSecret);
  const { res } = await authorize(new Browser(), config);
  expect(res.status).toBe(303);
  return new URL(res.headers.get('location')!, server.baseUrl).toString();
}

/** Where the SAML SSO endpoint sends the browser for a new SP's AuthnRequest (Redirect binding). */
async function samlLocation(appLoginBaseUri?: string): Promise<string> {
  const entityID = uniqueEntity('login-v2');
  const sp = samlify.ServiceProvider({
    entityID,
    assertionConsumerService: [{ Binding: POST, Location: entityID.replace(/metadata$/, 'acs') }],
  });
  await samlApp(server, saml.projectId, sp.getMetadata(), appLoginBaseUri);
  const idp = samlify.IdentityProvider({ metadata: await (await fetch(`${server.baseUrl}/saml/v2/metadata`)).text() });
  const { context } = sp.createLoginRequest(idp, 'redirect') as { context: string };
  const res = await fetch(context, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return res.headers.get('location')!;
}

/** Where the device verification URI sends the browser, on the given host. */
async function deviceLocation(baseUrl = server.baseUrl): Promise<string> {
  const res = await fetch(`${baseUrl}/oauth/v2/device?user_code=BCDF-GHJK`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return res.headers.get('location')!;
}

const setInstance = (body: unknown, baseUrl = server.baseUrl, token = server.adminPat) =>
  rest(baseUrl, 'PUT', '/v2/features/instance', { token, body });

describe('loginV2 (ZITADEL: a required login v2 is where every app signs in, whatever the app configured)', () => {
  afterEach(async () => {
    expect((await rest(server.baseUrl, 'DELETE', '/v2/features/instance', { token: server.adminPat })).status).toBe(
      200,
    );
  });

  it('with nothing set, authorize, SAML SSO and device verification use PORTCULLIS_LOGIN_UI_URL', async () => {
    expect(await authorizeLocation()).toMatch(new RegExp(`^${server.baseUrl}${HOSTED}/login\\?authRequest=`));
    expect(await samlLocation()).toMatch(new RegExp(`^${server.baseUrl}${HOSTED}/login\\?samlRequest=`));
    expect(await deviceLocation()).toBe(`${HOSTED}/device?user_code=BCDF-GHJK`);
  });

  it('required with a base URI: all three send the browser there, even an app with its own login v2 URI, and only on this instance', async () => {
    expect(await setInstance({ loginV2: { required: true, baseUri: CUSTOM } })).toMatchObject({ status: 200 });
    expect(await authorizeLocation()).toMatch(new RegExp(`^${CUSTOM}/login\\?authRequest=`));
    expect(await samlLocation()).toMatch(new RegExp(`^${CUSTOM}/login\\?samlRequest=`));
    expect(await samlLocation('https://app-own-login.example/ui')).toMatch(
      new RegExp(`^${CUSTOM}/login\\?samlRequest=`),
    );
    expect(await deviceLocation()).toBe(`${CUSTOM}/device?user_code=BCDF-GHJK`);
    // Flags are per instance: another instance on the same server keeps the server's login.
    expect(await deviceLocation(other.baseUrl)).toBe(`${HOSTED}/device?user_code=BCDF-GHJK`);
  });

  it('not required: apps on login v1 keep the server login, an app on login v2 its own base URI', async () => {
    await setInstance({ loginV2: { required: false, baseUri: CUSTOM } });
    expect(await authorizeLocation()).toMatch(new RegExp(`^${server.baseUrl}${HOSTED}/login\\?authRequest=`));
    expect(await deviceLocation()).toBe(`${HOSTED}/device?user_code=BCDF-GHJK`);
    expect(await samlLocation('https://app-own-login.example/ui')).toMatch(
      /^https:\/\/app-own-login\.example\/ui\/login\?samlRequest=/,
    );
  });

  it('answers the flag over REST with its source, and a reset sends the browser back to the server login at once', async () => {
    await setInstance({ loginV2: { required: true, baseUri: CUSTOM } });
    const got = await rest(server.baseUrl, 'GET', '/v2/features/instance?inheritance=true', { token: server.adminPat });
    expect(got.body.loginV2).toEqual({ required: true, baseUri: CUSTOM, source: 'SOURCE_INSTANCE' });
    expect(got.body.oidcTokenExchange).toMatchObject({ source: 'SOURCE_UNSPECIFIED' });
    expect(got.body.oidcTokenExchange.enabled ?? false).toBe(false);
    expect(await deviceLocation()).toBe(`${CUSTOM}/device?user_code=BCDF-GHJK`);
    await rest(server.baseUrl, 'DELETE', '/v2/features/instance', { token: server.adminPat });
    expect(await deviceLocation()).toBe(`${HOSTED}/device?user_code=BCDF-GHJK`);
  });

  it("another instance's owner cannot change this instance's flags: its PAT is not valid here", async () => {
    expect(
      (await setInstance({ loginV2: { required: true, baseUri: CUSTOM } }, server.baseUrl, other.adminPat)).status,
    ).toBe(401);
    expect(await deviceLocation()).toBe(`${HOSTED}/device?user_code=BCDF-GHJK`);
  });
});

describe('disableUserTokenEvent (ZITADEL: no audit event per issued token while on)', () => {
  const tokenEvents = async (): Promise<number> =>
    Number(
      (
        await server.database.dataSource.query(
          `SELECT count(*) AS n FROM events WHERE event_type = 'oidc.access_token.added'`,
        )
      )[0].n,
    );

  it('a machine token writes oidc.access_token.added while off, nothing while on', async () => {
    const { userId } = await machineWithRoles(server, oidcApps.orgId, {
      level: 'org',
      resourceId: oidcApps.orgId,
      roles: ['ORG_USER_MANAGER'],
    });
    const { clientSecret } = await client(UserService, 'grpc', server.baseUrl, server.adminPat).addSecret({ userId });
    const [{ username }] = await server.database.dataSource.query('SELECT username FROM users WHERE id = $1', [userId]);
    const config = await rp(server, username, clientSecret);
    const issue = () => oidc.clientCredentialsGrant(config, { scope: 'openid' });

    let before = await tokenEvents();
    await issue();
    expect(await tokenEvents()).toBe(before + 1);

    await setInstance({ disableUserTokenEvent: true });
    try {
      before = await tokenEvents();
      const { access_token } = await issue();
      expect(await tokenEvents()).toBe(before);
      // The token itself is stored and works as ever.
      expect(
        (await fetch(`${server.baseUrl}/oidc/v1/userinfo`, { headers: { authorization: `Bearer ${access_token}` } }))
          .status,
      ).toBe(200);
    } finally {
      await rest(server.baseUrl, 'DELETE', '/v2/features/instance', { token: server.adminPat });
    }
  });
});
