import * as samlify from 'samlify';
import { rest } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { ROLES_ATTRIBUTE, RSA_SHA256 } from '../../src/saml/saml-xml.js';
import {
  browserSend,
  passwordSession,
  samlApp,
  samlRequestIdOf,
  samlService,
  samlWorld,
  spKeys,
  uniqueEntity,
  type SamlWorld,
} from './support.js';
import { SAML_ERRORS } from '../../src/saml/saml.errors.js';

const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

let server: TestServer;
let world: SamlWorld;
let idpMetadata: string;
let keys: Awaited<ReturnType<typeof spKeys>>;

beforeAll(async () => {
  server = await bootTestServer();
  world = await samlWorld(server);
  keys = await spKeys();
  idpMetadata = await (await fetch(`${server.baseUrl}/saml/v2/metadata`)).text();
});
afterAll(() => server?.close());

/** A samlify service provider registered as a SAML app of the world's project. */
async function registeredSp(options: { signed: boolean; relayState?: string }) {
  const entityID = uniqueEntity('samlify');
  const base = entityID.replace(/\/metadata$/, '');
  const sp = samlify.ServiceProvider({
    entityID,
    authnRequestsSigned: options.signed,
    wantAssertionsSigned: true,
    signingCert: keys.certificate,
    privateKey: keys.privateKey,
    requestSignatureAlgorithm: RSA_SHA256,
    relayState: options.relayState,
    nameIDFormat: ['urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'],
    assertionConsumerService: [{ Binding: POST, Location: `${base}/acs` }],
    singleLogoutService: [{ Binding: REDIRECT, Location: `${base}/slo` }],
  });
  await samlApp(server, world.projectId, sp.getMetadata());
  // samlify signs only towards an IdP whose metadata asks for it; Portcullis verifies whenever
  // the SP's own metadata says it signs, so the SP side is told so.
  const metadata = options.signed
    ? idpMetadata.replace('WantAuthnRequestsSigned="false"', 'WantAuthnRequestsSigned="true"')
    : idpMetadata;
  return { sp, idp: samlify.IdentityProvider({ metadata }), acs: `${base}/acs` };
}

/** What the login UI does: read the request, check a password session, answer. */
async function loginUi(samlRequestId: string) {
  const saml = samlService(server, world.loginPat);
  const { samlRequest } = await saml.getSAMLRequest({ samlRequestId });
  const session = await passwordSession(server, world.loginPat, world.user.username);
  const answer = await saml.createResponse({ samlRequestId, responseKind: { case: 'session', value: session } });
  return { samlRequest, session, answer };
}

describe('metadata exchange', () => {
  it('publishes IdP metadata samlify reads: entity id, SSO and SLO by Redirect and POST, the signing certificate', async () => {
    const idp = samlify.IdentityProvider({ metadata: idpMetadata });
    expect(idp.entityMeta.getEntityID()).toBe(`${server.baseUrl}/saml/v2/metadata`);
    expect(idp.entityMeta.getSingleSignOnService(REDIRECT)).toEqual({
      [POST]: `${server.baseUrl}/saml/v2/SSO`,
      [REDIRECT]: `${server.baseUrl}/saml/v2/SSO`,
    });
    expect(idp.entityMeta.getSingleLogoutService(REDIRECT)).toEqual([
      { binding: REDIRECT, location: `${server.baseUrl}/saml/v2/SLO` },
      { binding: POST, location: `${server.baseUrl}/saml/v2/SLO` },
    ]);
    const pem = await (await fetch(`${server.baseUrl}/saml/v2/certificate`)).text();
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const inMetadata = idp.entityMeta.getX509Certificate('signing') as string;
    expect(pem.replace(/-----[A-Z ]+-----|\s/g, '')).toBe(String(inMetadata).replace(/\s/g, ''));
    // One certificate per instance: the same on every call, its key stored sealed.
    const [row] = await server.database.dataSource.query(
      'SELECT count(*)::int AS n, min(private_key) AS k FROM saml_certificates',
    );
    expect(row.n).toBe(1);
    expect(row.k).toMatch(/^v1\./);
  });
});

describe.each([
  ['redirect', false],
  ['redirect', true],
  ['post', false],
  ['post', true],
] as const)('SP-initiated login by %s (signed request: %s)', (binding, signed) => {
  it('ends with a signed assertion carrying the attributes and roles, RelayState and InResponseTo', async () => {
    const relayState = `rs-${binding}-${signed}`;
    const { sp, idp, acs } = await registeredSp({ signed, relayState });
    const built = sp.createLoginRequest(idp, binding) as {
      id: string;
      context: string;
      entityEndpoint?: string;
      relayState?: string;
    };
    const sent =
      binding === 'redirect'
        ? await browserSend({ binding, url: built.context })
        : await browserSend({
            binding,
            url: built.entityEndpoint!,
            fields: { SAMLRequest: built.context, RelayState: relayState },
          });
    expect(sent.status).toBe(302);
    const location = sent.headers.get('location')!;
    expect(location.startsWith(`${server.baseUrl}/ui/v2/login/login?samlRequest=`)).toBe(true);
    const samlRequestId = samlRequestIdOf(location);

    const { samlRequest, answer } = await loginUi(samlRequestId);
    expect(samlRequest).toMatchObject({
      id: samlRequestId,
      issuer: sp.entityMeta.getEntityID(),
      assertionConsumerService: acs,
      relayState,
      binding: POST,
    });
    expect(answer.binding.case).toBe('post');
    expect(answer.url).toBe(acs);
    expect(answer.details?.sequence).toBeGreaterThan(0n);
    const post = answer.binding.value as { relayState: string; samlResponse: string };
    expect(post.relayState).toBe(relayState);

    const parsed = await sp.parseLoginResponse(idp, 'post', {
      body: { SAMLResponse: post.samlResponse, RelayState: post.relayState },
    });
    const x = parsed.extract as any;
    expect(x.nameID).toBe(world.user.userId);
    expect(x.response.inResponseTo).toBe(built.id);
    expect(x.audience).toBe(sp.entityMeta.getEntityID());
    expect(x.attributes).toMatchObject({
      Email: world.user.email,
      FirstName: 'Ada',
      SurName: 'Lovelace',
      FullName: 'Ada Lovelace',
      UserName: world.user.username,
      UserID: world.user.userId,
      [ROLES_ATTRIBUTE]: ['auditor', 'viewer'],
    });
    // Both the response and the assertion carry an RSA-SHA256 signature.
    const xml = Buffer.from(post.samlResponse, 'base64').toString('utf8');
    expect(xml.match(/<ds:SignatureValue>/g)).toHaveLength(2);
    expect(xml).toContain(`Algorithm="${RSA_SHA256}"`);

    // Answered once.
    const again = await samlService(server, world.loginPat)
      .createResponse({
        samlRequestId,
        responseKind: { case: 'session', value: await passwordSession(server, world.loginPat, world.user.username) },
      })
      .catch((e) => e);
    expect(String(again)).toContain(SAML_ERRORS.samlRequestAnswered);
  });
});

describe('single logout', () => {
  it('ends the sessions of the SP login on a signed LogoutRequest and answers a signed LogoutResponse', async () => {
    const entityID = uniqueEntity('samlify-slo');
    const base = entityID.replace(/\/metadata$/, '');
    const sp = samlify.ServiceProvider({
      entityID,
      signingCert: keys.certificate,
      privateKey: keys.privateKey,
      requestSignatureAlgorithm: RSA_SHA256,
      wantAssertionsSigned: true,
      wantLogoutResponseSigned: true,
      nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
      assertionConsumerService: [{ Binding: POST, Location: `${base}/acs` }],
      singleLogoutService: [{ Binding: REDIRECT, Location: `${base}/slo` }],
    });
    await samlApp(server, world.projectId, sp.getMetadata());
    const idp = samlify.IdentityProvider({ metadata: idpMetadata, wantLogoutRequestSigned: true });

    const { context } = sp.createLoginRequest(idp, 'redirect') as { context: string };
    const samlRequestId = samlRequestIdOf(
      (await browserSend({ binding: 'redirect', url: context })).headers.get('location'),
    );
    const { answer, session } = await loginUi(samlRequestId);
    const post = answer.binding.value as { samlResponse: string };
    const extract = (await sp.parseLoginResponse(idp, 'post', { body: { SAMLResponse: post.samlResponse } }))
      .extract as any;
    expect(extract.nameID).toBe(world.user.email);
    expect(extract.sessionIndex.sessionIndex).toBe(samlRequestId);

    const logout = sp.createLogoutRequest(
      idp,
      'redirect',
      { logoutNameID: extract.nameID, sessionIndex: extract.sessionIndex.sessionIndex },
      'rs-out',
    ) as { context: string };
    expect(logout.context).toContain('Signature=');
    const res = await fetch(logout.context, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(`${base}/slo`);
    const parsed = await sp.parseLogoutResponse(idp, 'redirect', {
      query: Object.fromEntries(back.searchParams),
      octetString: back.search.slice(1).replace(/&Signature=.*$/, ''),
    });
    expect((parsed.extract as any).response.inResponseTo).toBeDefined();
    expect(back.searchParams.get('RelayState')).toBe('rs-out');
    const sessions = await server.database.dataSource.query('SELECT id FROM sessions WHERE id = $1', [
      session.sessionId,
    ]);
    expect(sessions).toHaveLength(0);
    const [event] = await server.database.dataSource.query(
      `SELECT event_type FROM events WHERE aggregate_type = 'session' AND aggregate_id = $1 ORDER BY sequence DESC LIMIT 1`,
      [session.sessionId],
    );
    expect(event.event_type).toBe('session.terminated');

    // A LogoutResponse the SP sends (to a logout we did not start) is checked and acknowledged.
    const ack = sp.createLogoutResponse(idp, { extract: { request: { id: '_unsolicited' } } }, 'redirect', '') as {
      context: string;
    };
    const acked = await fetch(ack.context, { redirect: 'manual' });
    expect(acked.status).toBe(200);
    expect(await acked.text()).toContain('signed out');
  });
});

describe('SAMLService over REST', () => {
  it("reads and answers a request at ZITADEL's paths", async () => {
    const { sp, idp, acs } = await registeredSp({ signed: false });
    const { context } = sp.createLoginRequest(idp, 'redirect') as { context: string };
    const samlRequestId = samlRequestIdOf(
      (await browserSend({ binding: 'redirect', url: context })).headers.get('location'),
    );
    const got = await rest(server.baseUrl, 'GET', `/v2/saml/saml_requests/${samlRequestId}`, { token: world.loginPat });
    expect(got.status).toBe(200);
    expect(got.body.samlRequest).toMatchObject({ id: samlRequestId, assertionConsumerService: acs, binding: POST });
    const session = await passwordSession(server, world.loginPat, world.user.username);
    const answered = await rest(server.baseUrl, 'POST', `/v2/saml/saml_requests/${samlRequestId}`, {
      token: world.loginPat,
      body: { session },
    });
    expect(answered.status).toBe(200);
    expect(answered.body.url).toBe(acs);
    const parsed = await sp.parseLoginResponse(idp, 'post', {
      body: { SAMLResponse: answered.body.post.samlResponse },
    });
    expect((parsed.extract as any).nameID).toBe(world.user.userId);
    const events = await server.database.dataSource.query(
      `SELECT event_type FROM events WHERE aggregate_type = 'saml_request' AND aggregate_id = $1 ORDER BY sequence`,
      [samlRequestId],
    );
    expect(events.map((e: { event_type: string }) => e.event_type)).toEqual([
      'saml_request.added',
      'saml_request.succeeded',
    ]);
    const missing = await rest(server.baseUrl, 'POST', `/v2/saml/saml_requests/${samlRequestId}`, {
      token: world.loginPat,
      body: {},
    });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toMatch(/response_kind/);
  });
});

describe('an SP whose only assertion consumer service uses HTTP-Redirect', () => {
  it('gets the response by Redirect, with the query signed and the assertion signed inside', async () => {
    const entityID = uniqueEntity('samlify-redirect-acs');
    const base = entityID.replace(/\/metadata$/, '');
    const sp = samlify.ServiceProvider({
      entityID,
      wantAssertionsSigned: true,
      assertionConsumerService: [{ Binding: REDIRECT, Location: `${base}/acs` }],
    });
    await samlApp(server, world.projectId, sp.getMetadata());
    const idp = samlify.IdentityProvider({ metadata: idpMetadata });
    const { context } = sp.createLoginRequest(idp, 'redirect') as { context: string };
    const samlRequestId = samlRequestIdOf(
      (await browserSend({ binding: 'redirect', url: context })).headers.get('location'),
    );
    const { answer } = await loginUi(samlRequestId);
    expect(answer.binding.case).toBe('redirect');
    const back = new URL(answer.url);
    expect(`${back.origin}${back.pathname}`).toBe(`${base}/acs`);
    const parsed = await sp.parseLoginResponse(idp, 'redirect', {
      query: Object.fromEntries(back.searchParams),
      octetString: back.search.slice(1).replace(/&Signature=.*$/, ''),
    });
    expect((parsed.extract as any).nameID).toBe(world.user.email);
  });
});
