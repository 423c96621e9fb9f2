// Sign-in intents through a SAML provider, end to end: StartIdentityProviderIntent through
// @zitadel/client, the samlify IdP reading the AuthnRequest and answering, the browser posting the
// Response to ZITADEL's ACS (/idps/{id}/saml/acs), the redirect to the success or failure URL,
// and RetrieveIdentityProviderIntent returning the assertion.
import { parseUpstreamState } from '../../src/idps/intent-rules.js';
import { Code, type Client } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { ReturnEmailVerificationCodeSchema } from '@zitadel/proto/zitadel/user/v2/email_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import * as samlify from 'samlify';
import { DataSource } from 'typeorm';
import { NO_LDAP_ATTRIBUTES, type ConfigOf, type IdpTemplate } from '../../src/idps/idp-config.js';
import type { UpstreamStart } from '../../src/idps/connectors/connector.js';
import { SAML_IDP_ERRORS } from '../../src/idps/connectors/saml.errors.js';
import { INTENT_ERRORS } from '../../src/idps/intents.errors.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { client, codeOf } from '../support/clients.js';
import { factories } from '../support/factories.js';
import { insertIdpTemplate } from '../support/idp-templates.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { adminV1 } from '../support/v1-clients.js';
import { SAMLBinding, SAMLNameIDFormat } from '@zitadel/node/dist/api/generated/zitadel/idp.js';
import { OPTIONS } from './idp-test-helpers.js';
import {
  type ResponseOverrides,
  type SamlKeyPair,
  UpstreamSamlIdp,
  samlConfigFor,
  samlKeyPair,
  samlSecretsOf,
} from '../support/upstream-saml-idp.js';

const SUCCESS = 'https://app.example.com/idp/success';
const FAILURE = 'https://app.example.com/idp/failure';

let server: TestServer;
let users: Client<typeof UserService>;
let instanceId: string;
let orgId: string;
let idp: UpstreamSamlIdp;
let spKeys: SamlKeyPair;

beforeAll(async () => {
  server = await bootTestServer();
  users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
  const instance = await server.app.get(InstanceResolver).resolve('127.0.0.1');
  instanceId = instance.id;
  orgId = instance.defaultOrgId!;
  idp = await UpstreamSamlIdp.start();
  spKeys = await samlKeyPair('sp.portcullis.test');
}, 60_000);
afterAll(() => server?.close());

async function samlProvider(config: Partial<ConfigOf<'saml'>> = {}, upstream = idp): Promise<IdpTemplate> {
  return insertIdpTemplate(server, {
    instanceId,
    config: samlConfigFor(upstream, config),
    secrets: samlSecretsOf(spKeys),
  });
}

async function start(idpId: string): Promise<{ intentId: string; relayState: string; start: UpstreamStart }> {
  const res = await users.startIdentityProviderIntent({
    idpId,
    content: { case: 'urls', value: { successUrl: SUCCESS, failureUrl: FAILURE } },
  });
  const next = res.nextStep;
  const upstream: UpstreamStart =
    next.case === 'authUrl'
      ? { kind: 'redirect', url: next.value }
      : next.case === 'formData'
        ? { kind: 'postForm', url: next.value.url, fields: next.value.fields }
        : (() => {
            throw new Error(`unexpected next step ${next.case}`);
          })();
  const relayState =
    upstream.kind === 'redirect' ? new URL(upstream.url).searchParams.get('RelayState')! : upstream.fields.RelayState;
  return { intentId: parseUpstreamState(relayState).intentId, relayState, start: upstream };
}

const spMetadata = async (idpId: string) => {
  const res = await fetch(`${server.baseUrl}/idps/${idpId}/saml/metadata`);
  expect(res.status).toBe(200);
  return res.text();
};

/** The browser posting the IdP's answer to an ACS (HTTP-POST binding), redirects not followed. */
async function postToAcs(acs: string, fields: Record<string, string>): Promise<Response> {
  return fetch(acs, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

/** Start → IdP reads the request and answers → POST to the ACS; the redirect it answers. */
async function roundTrip(template: IdpTemplate, overrides: ResponseOverrides = {}, upstream = idp) {
  const started = await start(template.id);
  const metadata = await spMetadata(template.id);
  const request = await upstream.receive(started.start, metadata);
  const SAMLResponse = await upstream.respond(metadata, { inResponseTo: request.id, ...overrides });
  const acs = `${server.baseUrl}/idps/${template.id}/saml/acs`;
  const res = await postToAcs(acs, { SAMLResponse, RelayState: request.relayState });
  expect(res.status).toBe(302);
  return { ...started, request, SAMLResponse, acs, redirect: new URL(res.headers.get('location')!) };
}

describe('SAML sign-in intents', () => {
  it('Redirect binding: authUrl to the IdP, ACS and entity id as ZITADEL names them, success URL with id and token, Retrieve returns the assertion', async () => {
    const template = await samlProvider();
    const trip = await roundTrip(template, {
      nameId: 'alice@upstream',
      attributes: { email: ['alice@example.com'], givenName: ['Alice'], sn: ['Liddell'], groups: ['a', 'b'] },
    });
    expect(trip.start.kind).toBe('redirect');
    expect(trip.request.acs).toBe(`${server.baseUrl}/idps/${template.id}/saml/acs`);
    expect(trip.request.issuer).toBe(`${server.baseUrl}/idps/${template.id}/saml/metadata`);
    expect(trip.redirect.origin + trip.redirect.pathname).toBe(SUCCESS);
    expect(trip.redirect.searchParams.get('id')).toBe(trip.intentId);
    const token = trip.redirect.searchParams.get('token')!;

    const got = await users.retrieveIdentityProviderIntent({ idpIntentId: trip.intentId, idpIntentToken: token });
    expect(got.idpInformation?.idpId).toBe(template.id);
    expect(got.idpInformation?.userId).toBe('alice@upstream');
    expect(got.idpInformation?.rawInformation).toEqual({
      id: 'alice@upstream',
      attributes: { email: ['alice@example.com'], givenName: ['Alice'], sn: ['Liddell'], groups: ['a', 'b'] },
    });
    expect(got.idpInformation?.access.case).toBe('saml');
    if (got.idpInformation?.access.case === 'saml') {
      const assertion = new TextDecoder().decode(got.idpInformation.access.value.assertion);
      expect(assertion).toMatch(/^<saml:Assertion /);
      expect(assertion).toContain('>alice@upstream</saml:NameID>');
    }
    expect(got.addHumanUser?.profile).toMatchObject({ givenName: 'Alice', familyName: 'Liddell' });
    expect(got.addHumanUser?.email?.email).toBe('alice@example.com');
  });

  it('a provider added through admin v1 AddSAMLProvider signs its requests with the generated key pair, which a strict IdP verifies', async () => {
    const strict = await UpstreamSamlIdp.start({ wantSignedRequests: true });
    const { id } = await adminV1(server.baseUrl, server.adminPat).addSAMLProvider({
      name: 'Strict SAML',
      metadataXml: Buffer.from(strict.metadata),
      binding: SAMLBinding.SAML_BINDING_REDIRECT,
      withSignedRequest: true,
      providerOptions: OPTIONS,
      nameIdFormat: SAMLNameIDFormat.SAML_NAME_ID_FORMAT_PERSISTENT,
      federatedLogoutEnabled: false,
    });
    const trip = await roundTrip({ id } as IdpTemplate, { nameId: 'strict-user' }, strict);
    expect(new URL((trip.start as { url: string }).url).searchParams.has('Signature')).toBe(true);
    expect(trip.redirect.origin + trip.redirect.pathname).toBe(SUCCESS);
    const got = await users.retrieveIdentityProviderIntent({
      idpIntentId: trip.intentId,
      idpIntentToken: trip.redirect.searchParams.get('token')!,
    });
    expect(got.idpInformation?.userId).toBe('strict-user');
  });

  it('POST binding: the next step is the form to post (formData with SAMLRequest and RelayState)', async () => {
    const template = await samlProvider({ binding: 'post', withSignedRequest: true });
    const trip = await roundTrip(template, { nameId: 'bob' });
    if (trip.start.kind !== 'postForm') throw new Error('expected a form');
    expect(trip.start.url).toBe(idp.ssoUrl);
    expect(Object.keys(trip.start.fields).sort()).toEqual(['RelayState', 'SAMLRequest']);
    expect(trip.redirect.origin + trip.redirect.pathname).toBe(SUCCESS);
  });

  it('an upstream identity linked to a user: the success URL names the user, whom the token signs into a session', async () => {
    const template = await samlProvider();
    const userId = await factories(server).human(orgId);
    await server.app.get(DataSource).query(
      `INSERT INTO idp_links (instance_id, idp_id, external_user_id, external_user_name, user_id, created_at)
       VALUES ($1, $2, 'linked-1', 'linked-1', $3, now())`,
      [instanceId, template.id, userId],
    );
    const trip = await roundTrip(template, { nameId: 'linked-1' });
    expect(trip.redirect.searchParams.get('user')).toBe(userId);

    // The intent's token signs the linked user into a session (idpIntent check, factor intent).
    const sessions = client(SessionService, 'grpc', server.baseUrl, server.adminPat);
    const created = await sessions.createSession({
      checks: {
        user: { search: { case: 'userId', value: userId } },
        idpIntent: { idpIntentId: trip.intentId, idpIntentToken: trip.redirect.searchParams.get('token')! },
      },
    });
    const { session } = await sessions.getSession({ sessionId: created.sessionId });
    expect(session?.factors?.intent?.verifiedAt).toBeDefined();
  });

  it('the API flow as ZITADEL’s login runs it: an unlinked identity is registered with Retrieve’s addHumanUser (idp_links), another is linked to an existing user with AddIDPLink; each intent then signs its user in', async () => {
    const template = await samlProvider();
    const sessions = client(SessionService, 'grpc', server.baseUrl, server.adminPat);
    const signsIn = async (userId: string, intentId: string, token: string) => {
      const created = await sessions.createSession({
        checks: {
          user: { search: { case: 'userId', value: userId } },
          idpIntent: { idpIntentId: intentId, idpIntentToken: token },
        },
      });
      const { session } = await sessions.getSession({ sessionId: created.sessionId });
      expect(session?.factors?.user?.id).toBe(userId);
      expect(session?.factors?.intent?.verifiedAt).toBeDefined();
    };
    const nameId = `saml-api-${Date.now().toString(36)}`;
    const attributes = { email: [`${nameId}@corp.example`], givenName: ['Sam'], sn: ['Lee'] };

    // Creation: the suggested user carries the mapped profile and the link to the identity.
    const created = await roundTrip(template, { nameId, attributes });
    expect(created.redirect.searchParams.get('user')).toBeNull();
    const token = created.redirect.searchParams.get('token')!;
    const got = await users.retrieveIdentityProviderIntent({ idpIntentId: created.intentId, idpIntentToken: token });
    expect(got.addHumanUser?.profile).toMatchObject({ givenName: 'Sam', familyName: 'Lee' });
    // As ZITADEL's idpUserToAddHumanUser, the link's user name is the preferred username, which a
    // SAML assertion does not carry; AddHumanUser needs one, so the client names the link (here by the NameID).
    expect(got.addHumanUser?.idpLinks).toEqual([
      expect.objectContaining({ idpId: template.id, userId: nameId, userName: '' }),
    ]);
    got.addHumanUser!.idpLinks[0].userName = nameId;
    // An email from SAML is never taken as verified: a code is due, which this server (no mail channel) returns.
    expect(got.addHumanUser?.email?.verification.case).toBe('sendCode');
    got.addHumanUser!.email!.verification = {
      case: 'returnCode',
      value: create(ReturnEmailVerificationCodeSchema, {}),
    };
    const { userId } = await users.addHumanUser(got.addHumanUser!);
    await signsIn(userId, created.intentId, token);
    expect((await roundTrip(template, { nameId, attributes })).redirect.searchParams.get('user')).toBe(userId);

    // Linking: the identity's id and name from idpInformation, on a user that exists already.
    const existing = await factories(server).human(orgId);
    const other = `${nameId}-other`;
    const unlinked = await roundTrip(template, { nameId: other });
    const info = (
      await users.retrieveIdentityProviderIntent({
        idpIntentId: unlinked.intentId,
        idpIntentToken: unlinked.redirect.searchParams.get('token')!,
      })
    ).idpInformation!;
    await users.addIDPLink({
      userId: existing,
      idpLink: { idpId: info.idpId, userId: info.userId, userName: info.userName || info.userId },
    });
    const linked = await roundTrip(template, { nameId: other });
    expect(linked.redirect.searchParams.get('user')).toBe(existing);
    await signsIn(existing, linked.intentId, linked.redirect.searchParams.get('token')!);
  });

  it('a bad signature sends the browser to the failure URL with the error, and the intent cannot be retrieved', async () => {
    const template = await samlProvider();
    const trip = await roundTrip(template, { signingKey: await samlKeyPair('impostor.test') });
    expect(trip.redirect.origin + trip.redirect.pathname).toBe(FAILURE);
    expect(trip.redirect.searchParams.get('id')).toBe(trip.intentId);
    expect(trip.redirect.searchParams.get('error')).toBe(SAML_IDP_ERRORS.responseInvalid);
    expect(trip.redirect.searchParams.has('token')).toBe(false);
    const rows: { state: string; failure: string }[] = await server.app
      .get(DataSource)
      .query(`SELECT state, failure FROM idp_intents WHERE id = $1`, [trip.intentId]);
    expect(rows).toEqual([{ state: 'failed', failure: expect.stringContaining(SAML_IDP_ERRORS.responseInvalid) }]);
    expect(
      await codeOf(users.retrieveIdentityProviderIntent({ idpIntentId: trip.intentId, idpIntentToken: 'guess' })),
    ).toBe(Code.InvalidArgument);
  });

  it.each<[string, ResponseOverrides]>([
    ['another audience', { audience: 'https://other-sp.test/metadata' }],
    [
      'an expired assertion',
      { issueInstant: new Date(Date.now() - 3_600_000), notOnOrAfter: new Date(Date.now() - 3_000_000) },
    ],
    ['an unknown InResponseTo', { inResponseTo: '_not-this-intents-request' }],
  ])('refuses a response with %s at the failure URL', async (_what, overrides) => {
    const template = await samlProvider();
    const trip = await roundTrip(template, overrides);
    expect(trip.redirect.origin + trip.redirect.pathname).toBe(FAILURE);
    expect(trip.redirect.searchParams.get('error')).toBe(SAML_IDP_ERRORS.responseInvalid);
  });

  it('a replayed response finishes nothing: not the same intent again, not another intent', async () => {
    const template = await samlProvider();
    const trip = await roundTrip(template);
    expect(trip.redirect.origin + trip.redirect.pathname).toBe(SUCCESS);
    const again = await postToAcs(trip.acs, { SAMLResponse: trip.SAMLResponse, RelayState: trip.intentId });
    const againAt = new URL(again.headers.get('location')!);
    expect(againAt.origin + againAt.pathname).toBe(FAILURE);
    expect(againAt.searchParams.get('error')).toBe(INTENT_ERRORS.intentNotStarted);

    const other = await start(template.id);
    const replay = await postToAcs(trip.acs, { SAMLResponse: trip.SAMLResponse, RelayState: other.relayState });
    const replayAt = new URL(replay.headers.get('location')!);
    expect(replayAt.origin + replayAt.pathname).toBe(FAILURE);
    expect(replayAt.searchParams.get('error')).toBe(SAML_IDP_ERRORS.responseInvalid);
  });

  it("an ACS finishes only its own provider's intents, and /idps/callback takes no SAML response", async () => {
    const template = await samlProvider();
    const otherTemplate = await samlProvider();
    const started = await start(template.id);
    const metadata = await spMetadata(template.id);
    const request = await idp.receive(started.start, metadata);
    const SAMLResponse = await idp.respond(metadata, { inResponseTo: request.id });

    const elsewhere = await postToAcs(`${server.baseUrl}/idps/${otherTemplate.id}/saml/acs`, {
      SAMLResponse,
      RelayState: started.relayState,
    });
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.text()).toContain(INTENT_ERRORS.intentNotFound);

    const callback = await postToAcs(`${server.baseUrl}/idps/callback`, { SAMLResponse, state: started.relayState });
    const callbackAt = new URL(callback.headers.get('location')!);
    expect(callbackAt.searchParams.get('error')).toBe(INTENT_ERRORS.wrongCallback);
  });

  it('the ACS takes only POST (SAML profiles §4.1.2: no Redirect binding for responses)', async () => {
    const template = await samlProvider();
    const res = await fetch(`${server.baseUrl}/idps/${template.id}/saml/acs?SAMLResponse=x&RelayState=y`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});

describe('the SP metadata endpoint /idps/{id}/saml/metadata', () => {
  it('publishes entity id, ACS, NameID format and the request-signing certificate, for samlify to read', async () => {
    const template = await samlProvider({ withSignedRequest: true, nameIdFormat: 'emailAddress' });
    const res = await fetch(`${server.baseUrl}/idps/${template.id}/saml/metadata`);
    expect(res.headers.get('content-type')).toMatch(/^application\/samlmetadata\+xml/);
    const sp = samlify.ServiceProvider({ metadata: await res.text() });
    expect(sp.entityMeta.getEntityID()).toBe(`${server.baseUrl}/idps/${template.id}/saml/metadata`);
    expect(sp.entityMeta.getAssertionConsumerService('post')).toBe(`${server.baseUrl}/idps/${template.id}/saml/acs`);
    expect(sp.entityMeta.getNameIDFormat()).toBe('urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
    expect(sp.entityMeta.isAuthnRequestSigned()).toBe(true);
  });

  it('is not found for an unknown id or a provider of another kind, and never shows the private key', async () => {
    const unknown = await fetch(`${server.baseUrl}/idps/123456/saml/metadata`);
    expect(unknown.status).toBe(404);
    const ldapTemplate = await insertIdpTemplate(server, {
      instanceId,
      config: {
        kind: 'ldap',
        servers: ['ldap://127.0.0.1:1'],
        startTls: false,
        baseDn: 'dc=example,dc=org',
        bindDn: 'cn=x',
        userBase: 'dn',
        userObjectClasses: [],
        userFilters: ['uid'],
        timeoutMs: 1000,
        attributes: { ...NO_LDAP_ATTRIBUTES, idAttribute: 'uid' },
      },
    });
    expect((await fetch(`${server.baseUrl}/idps/${ldapTemplate.id}/saml/metadata`)).status).toBe(404);
    const template = await samlProvider();
    const xml = await (await fetch(`${server.baseUrl}/idps/${template.id}/saml/metadata`)).text();
    expect(xml).not.toContain('PRIVATE KEY');
    expect(xml).not.toContain(spKeys.privateKey.split('\n')[1]);
  });
});
