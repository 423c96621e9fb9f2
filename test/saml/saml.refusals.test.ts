import { createSign } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { Code, ConnectError } from '@connectrpc/connect';
import { AppService } from '@zitadel/proto/zitadel/app/v2beta/app_service_pb.js';
import { ErrorReason } from '@zitadel/proto/zitadel/saml/v2/authorization_pb.js';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { ProjectService } from '@zitadel/proto/zitadel/project/v2beta/project_service_pb.js';
import * as samlify from 'samlify';
import { SamlCertificates } from '../../src/saml/saml-certificates.store.js';
import { RSA_SHA256 } from '../../src/saml/saml-xml.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { client } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import {
  browserSend,
  passwordSession,
  samlApp,
  samlRequestIdOf,
  samlService,
  samlUser,
  samlWorld,
  spKeys,
  uniqueEntity,
  type SamlWorld,
} from './support.js';
import { SAML_ERRORS } from '../../src/saml/saml.errors.js';

const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

let server: TestServer;
let world: SamlWorld;
let keys: Awaited<ReturnType<typeof spKeys>>;
let idpMetadata: string;

beforeAll(async () => {
  server = await bootTestServer();
  world = await samlWorld(server, { roleCheck: true });
  keys = await spKeys();
  idpMetadata = await (await fetch(`${server.baseUrl}/saml/v2/metadata`)).text();
});
afterAll(() => server?.close());

let ids = 0;
/** An AuthnRequest as an SP writes it, with the parts a case changes. */
function authnRequest(o: {
  issuer: string;
  acs?: string;
  id?: string;
  issueInstant?: Date;
  prolog?: string;
  extensions?: string;
}): { id: string; xml: string } {
  const id = o.id ?? `_req${Date.now()}${ids++}`;
  const acs = o.acs ? ` AssertionConsumerServiceURL="${o.acs}" ProtocolBinding="${POST}"` : '';
  return {
    id,
    xml:
      (o.prolog ?? '') +
      `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0"` +
      ` IssueInstant="${(o.issueInstant ?? new Date()).toISOString()}" Destination="${server.baseUrl}/saml/v2/SSO"${acs}>` +
      `<saml:Issuer>${o.issuer}</saml:Issuer>${o.extensions ?? ''}</samlp:AuthnRequest>`,
  };
}

const redirectUrl = (xml: string, extra = '') =>
  `${server.baseUrl}/saml/v2/SSO?SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString('base64'))}${extra}`;
const postForm = (xml: string) => ({
  binding: 'post' as const,
  url: `${server.baseUrl}/saml/v2/SSO`,
  fields: { SAMLRequest: Buffer.from(xml).toString('base64') },
});

/** A refusal page: the status, the error id shown, and never a stack trace. */
async function expectRefusal(res: Response, status: number, id: string): Promise<void> {
  const body = await res.text();
  expect({ status: res.status, id: body.includes(id) ? id : body }).toEqual({ status, id });
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  expect(body).not.toMatch(/\bat \S+ \(|node_modules|Error:/);
}

/** An SP registered with plain metadata (unsigned requests, POST ACS). */
async function plainSp(options: { signs?: boolean } = {}) {
  const entityID = uniqueEntity('plain');
  const base = entityID.replace(/\/metadata$/, '');
  const sp = samlify.ServiceProvider({
    entityID,
    authnRequestsSigned: options.signs ?? false,
    wantAssertionsSigned: true,
    signingCert: keys.certificate,
    privateKey: keys.privateKey,
    requestSignatureAlgorithm: RSA_SHA256,
    nameIDFormat: ['urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'],
    assertionConsumerService: [{ Binding: POST, Location: `${base}/acs` }],
  });
  const appId = await samlApp(server, world.projectId, sp.getMetadata());
  const metadata = options.signs
    ? idpMetadata.replace('WantAuthnRequestsSigned="false"', 'WantAuthnRequestsSigned="true"')
    : idpMetadata;
  return { sp, idp: samlify.IdentityProvider({ metadata }), entityID, acs: `${base}/acs`, appId };
}

async function startLogin(entityID: string, acs?: string): Promise<string> {
  const res = await browserSend({ binding: 'redirect', url: redirectUrl(authnRequest({ issuer: entityID, acs }).xml) });
  expect(res.status).toBe(302);
  return samlRequestIdOf(res.headers.get('location'));
}

describe('requests the SSO endpoint refuses', () => {
  it('refuses an unknown service provider with an error page', async () => {
    await expectRefusal(
      await fetch(redirectUrl(authnRequest({ issuer: 'https://unknown.sp.test/metadata' }).xml), {
        redirect: 'manual',
      }),
      403,
      SAML_ERRORS.unknownIssuer,
    );
  });

  it('refuses an AssertionConsumerServiceURL the metadata does not register', async () => {
    const { entityID } = await plainSp();
    await expectRefusal(
      await fetch(redirectUrl(authnRequest({ issuer: entityID, acs: 'https://evil.test/acs' }).xml), {
        redirect: 'manual',
      }),
      403,
      SAML_ERRORS.acsNotRegistered,
    );
  });

  it('refuses a deactivated app', async () => {
    const { entityID, appId } = await plainSp();
    await client(AppService, 'grpc', server.baseUrl, server.adminPat).deactivateApplication({
      projectId: world.projectId,
      id: appId,
    });
    await expectRefusal(
      await fetch(redirectUrl(authnRequest({ issuer: entityID }).xml), { redirect: 'manual' }),
      403,
      SAML_ERRORS.unknownIssuer,
    );
  });

  it('refuses a replayed request id from the same SP', async () => {
    const { entityID } = await plainSp();
    const request = authnRequest({ issuer: entityID });
    expect((await fetch(redirectUrl(request.xml), { redirect: 'manual' })).status).toBe(302);
    await expectRefusal(
      await fetch(redirectUrl(request.xml), { redirect: 'manual' }),
      400,
      SAML_ERRORS.replayedRequest,
    );
  });

  it('refuses a request issued long ago', async () => {
    const { entityID } = await plainSp();
    const old = authnRequest({ issuer: entityID, issueInstant: new Date(Date.now() - 3600_000) });
    await expectRefusal(await fetch(redirectUrl(old.xml), { redirect: 'manual' }), 400, SAML_ERRORS.requestStale);
  });

  it.each(['redirect', 'post'] as const)('refuses XXE (a DOCTYPE with an external entity) by %s', async (binding) => {
    const { entityID } = await plainSp();
    const xxe = authnRequest({
      issuer: '&xxe;',
      prolog: `<?xml version="1.0"?><!DOCTYPE samlp:AuthnRequest [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`,
    });
    const res =
      binding === 'redirect'
        ? await fetch(redirectUrl(xxe.xml), { redirect: 'manual' })
        : await browserSend(postForm(xxe.xml));
    await expectRefusal(res, 400, SAML_ERRORS.doctypeRefused);
    expect(entityID).toBeDefined();
  });

  it('refuses what fails the SAML schemas', async () => {
    const { entityID } = await plainSp();
    const bad = authnRequest({ issuer: entityID }).xml.replace('Version="2.0"', 'Version="2.0" Bogus="1"');
    await expectRefusal(await fetch(redirectUrl(bad), { redirect: 'manual' }), 400, SAML_ERRORS.schemaInvalid);
  });

  it('refuses IdP-initiated login (not enabled for any app)', async () => {
    await expectRefusal(
      await fetch(`${server.baseUrl}/saml/v2/SSO`, { redirect: 'manual' }),
      400,
      SAML_ERRORS.idpInitiatedOff,
    );
  });

  describe('signatures', () => {
    it('requires a signature from an SP whose metadata says it signs', async () => {
      const { entityID } = await plainSp({ signs: true });
      await expectRefusal(
        await fetch(redirectUrl(authnRequest({ issuer: entityID }).xml), { redirect: 'manual' }),
        403,
        SAML_ERRORS.signatureRequired,
      );
      await expectRefusal(
        await browserSend(postForm(authnRequest({ issuer: entityID }).xml)),
        403,
        SAML_ERRORS.signatureRequired,
      );
    });

    it('refuses a Redirect request whose query signature does not verify', async () => {
      const { sp, idp } = await plainSp({ signs: true });
      const { context } = sp.createLoginRequest(idp, 'redirect') as { context: string };
      const url = new URL(context);
      url.searchParams.set('RelayState', 'changed-after-signing');
      await expectRefusal(await fetch(url, { redirect: 'manual' }), 403, SAML_ERRORS.signatureInvalid);
      // Signed with another key than the metadata's.
      const other = await spKeys();
      const request = authnRequest({ issuer: sp.entityMeta.getEntityID() });
      let query = `SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(request.xml)).toString('base64'))}&SigAlg=${encodeURIComponent(RSA_SHA256)}`;
      query += `&Signature=${encodeURIComponent(createSign('RSA-SHA256').update(query).sign(other.privateKey, 'base64'))}`;
      await expectRefusal(
        await fetch(`${server.baseUrl}/saml/v2/SSO?${query}`, { redirect: 'manual' }),
        403,
        SAML_ERRORS.signatureInvalid,
      );
    });

    it('refuses a POST request changed after signing', async () => {
      const { sp, idp, acs } = await plainSp({ signs: true });
      const { context, entityEndpoint } = sp.createLoginRequest(idp, 'post') as {
        context: string;
        entityEndpoint: string;
      };
      const tampered = Buffer.from(context, 'base64')
        .toString()
        .replace(`AssertionConsumerServiceURL="${acs}"`, `AssertionConsumerServiceURL="${acs}" ForceAuthn="true"`);
      expect(tampered).toContain('ForceAuthn');
      await expectRefusal(
        await browserSend({
          binding: 'post',
          url: entityEndpoint,
          fields: { SAMLRequest: Buffer.from(tampered).toString('base64') },
        }),
        403,
        SAML_ERRORS.signatureInvalid,
      );
    });

    it('refuses signature wrapping: a signed request moved inside another, or a root signature pointing elsewhere', async () => {
      const { sp, idp } = await plainSp({ signs: true });
      const { context } = sp.createLoginRequest(idp, 'post') as { context: string };
      const signed = Buffer.from(context, 'base64')
        .toString()
        .replace(/^<\?xml[^>]*\?>/, '');
      // 1. The genuine signed request hidden in the Extensions of an unsigned outer one.
      const outer = authnRequest({
        issuer: sp.entityMeta.getEntityID(),
        extensions: `<samlp:Extensions><w:Wrap xmlns:w="urn:evil">${signed}</w:Wrap></samlp:Extensions>`,
      });
      await expectRefusal(await browserSend(postForm(outer.xml)), 403, SAML_ERRORS.signatureInvalid);
      // 2. The signature moved up to a new root while it still references the original element.
      const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signed)![0];
      const inner = signed.replace(signature, '');
      const moved = authnRequest({
        issuer: sp.entityMeta.getEntityID(),
        extensions: `<samlp:Extensions><w:Wrap xmlns:w="urn:evil">${inner}</w:Wrap></samlp:Extensions>`,
      });
      const wrapped = moved.xml.replace('</saml:Issuer>', `</saml:Issuer>${signature}`);
      await expectRefusal(await browserSend(postForm(wrapped)), 403, SAML_ERRORS.signatureInvalid);
    });
  });
});

describe('answering requests', () => {
  it("refuses callers without session.link, and other users' sessions", async () => {
    const { entityID } = await plainSp();
    const samlRequestId = await startLogin(entityID);
    const nobody = await machineWithRoles(server, world.orgId, {
      level: 'org',
      resourceId: world.orgId,
      roles: ['ORG_USER_MANAGER'],
    });
    const err = await samlService(server, nobody.pat)
      .getSAMLRequest({ samlRequestId })
      .catch((e) => ConnectError.from(e));
    expect((err as ConnectError).code).toBe(Code.PermissionDenied);
    const session = await passwordSession(server, world.loginPat, world.user.username);
    const denied = await samlService(server, nobody.pat)
      .createResponse({ samlRequestId, responseKind: { case: 'session', value: session } })
      .catch((e) => ConnectError.from(e));
    expect((denied as ConnectError).code).toBe(Code.PermissionDenied);
    const errorAnswer = await samlService(server, nobody.pat)
      .createResponse({ samlRequestId, responseKind: { case: 'error', value: { error: ErrorReason.AUTH_N_FAILED } } })
      .catch((e) => ConnectError.from(e));
    expect((errorAnswer as ConnectError).code).toBe(Code.PermissionDenied);
    // Still open for the login UI.
    const ok = await samlService(server, world.loginPat).createResponse({
      samlRequestId,
      responseKind: { case: 'session', value: session },
    });
    expect(ok.binding.case).toBe('post');
  });

  it("refuses a plain user answering with its own session, its session token as Bearer (login CSRF; ZITADEL's session.link rule)", async () => {
    const { entityID } = await plainSp();
    const samlRequestId = await startLogin(entityID);
    const session = await passwordSession(server, world.loginPat, world.user.username);
    const asUser = samlService(server, session.sessionToken);
    expect(
      ((await asUser.getSAMLRequest({ samlRequestId }).catch((e) => ConnectError.from(e))) as ConnectError).code,
    ).toBe(Code.PermissionDenied);
    const own = await asUser
      .createResponse({ samlRequestId, responseKind: { case: 'session', value: session } })
      .catch((e) => ConnectError.from(e));
    expect((own as ConnectError).code).toBe(Code.PermissionDenied);
  });

  it('refuses an expired request', async () => {
    const { entityID } = await plainSp();
    const samlRequestId = await startLogin(entityID);
    await server.database.dataSource.query(
      `UPDATE saml_requests SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [samlRequestId],
    );
    const session = await passwordSession(server, world.loginPat, world.user.username);
    const err = await samlService(server, world.loginPat)
      .createResponse({ samlRequestId, responseKind: { case: 'session', value: session } })
      .catch((e) => ConnectError.from(e));
    expect((err as ConnectError).code).toBe(Code.FailedPrecondition);
    expect((err as ConnectError).rawMessage).toContain(SAML_ERRORS.samlRequestExpired);
  });

  it('answers a user without an authorization on a role-checked project with RequestDenied, not an assertion', async () => {
    const { sp, idp, entityID } = await plainSp();
    const stranger = await samlUser(server, world.orgId);
    const samlRequestId = await startLogin(entityID);
    const session = await passwordSession(server, world.loginPat, stranger.username);
    const answer = await samlService(server, world.loginPat).createResponse({
      samlRequestId,
      responseKind: { case: 'session', value: session },
    });
    const xml = Buffer.from((answer.binding.value as { samlResponse: string }).samlResponse, 'base64').toString();
    expect(xml).toContain('urn:oasis:names:tc:SAML:2.0:status:RequestDenied');
    expect(xml).not.toContain('Assertion');
    await expect(
      sp.parseLoginResponse(idp, 'post', {
        body: { SAMLResponse: (answer.binding.value as { samlResponse: string }).samlResponse },
      }),
    ).rejects.toThrow();
  });

  it('answers a user whose org has no access to a project with "has project check" with RequestDenied', async () => {
    const projects = client(ProjectService, 'grpc', server.baseUrl, server.adminPat);
    const { id: projectId } = await projects.createProject({
      organizationId: world.orgId,
      name: `Checked ${Date.now()}`,
      projectAccessRequired: true,
    });
    const entityID = uniqueEntity('has-project');
    const sp = samlify.ServiceProvider({
      entityID,
      assertionConsumerService: [{ Binding: POST, Location: 'https://has-project.sp.test/acs' }],
    });
    await samlApp(server, projectId, sp.getMetadata());
    const otherOrg = (
      await client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat).createOrganization({
        name: `Outsiders ${Date.now()}`,
      })
    ).id;
    const outsider = await samlUser(server, otherOrg);
    const answerFor = async (username: string) => {
      const samlRequestId = await startLogin(entityID);
      const session = await passwordSession(server, world.loginPat, username);
      const answer = await samlService(server, world.loginPat).createResponse({
        samlRequestId,
        responseKind: { case: 'session', value: session },
      });
      return Buffer.from((answer.binding.value as { samlResponse: string }).samlResponse, 'base64').toString();
    };
    expect(await answerFor(outsider.username)).toContain('urn:oasis:names:tc:SAML:2.0:status:RequestDenied');
    expect(await answerFor(world.user.username)).toContain('<saml:Assertion');
  });

  it('answers with the error the login UI reports', async () => {
    const { entityID } = await plainSp();
    const samlRequestId = await startLogin(entityID);
    const answer = await samlService(server, world.loginPat).createResponse({
      samlRequestId,
      responseKind: { case: 'error', value: { error: ErrorReason.AUTH_N_FAILED, errorDescription: 'user gave up' } },
    });
    const xml = Buffer.from((answer.binding.value as { samlResponse: string }).samlResponse, 'base64').toString();
    expect(xml).toContain('urn:oasis:names:tc:SAML:2.0:status:AuthnFailed');
    expect(xml).toContain('user gave up');
  });

  it('lets the SP refuse a tampered assertion', async () => {
    const { sp, idp, entityID } = await plainSp();
    const samlRequestId = await startLogin(entityID);
    const session = await passwordSession(server, world.loginPat, world.user.username);
    const answer = await samlService(server, world.loginPat).createResponse({
      samlRequestId,
      responseKind: { case: 'session', value: session },
    });
    const genuine = (answer.binding.value as { samlResponse: string }).samlResponse;
    await expect(sp.parseLoginResponse(idp, 'post', { body: { SAMLResponse: genuine } })).resolves.toBeDefined();
    const xml = Buffer.from(genuine, 'base64').toString();
    const tampered = xml.replace(
      '<saml:AttributeValue xsi:type="xs:string">auditor</saml:AttributeValue>',
      '<saml:AttributeValue xsi:type="xs:string">admin</saml:AttributeValue>',
    );
    expect(tampered).not.toBe(xml);
    await expect(
      sp.parseLoginResponse(idp, 'post', { body: { SAMLResponse: Buffer.from(tampered).toString('base64') } }),
    ).rejects.toBeDefined();
  });

  it("sends the browser to the app's own login (login v2 base URI)", async () => {
    const entityID = uniqueEntity('own-login');
    const sp = samlify.ServiceProvider({
      entityID,
      assertionConsumerService: [{ Binding: POST, Location: 'https://own-login.sp.test/acs' }],
    });
    await samlApp(server, world.projectId, sp.getMetadata(), 'https://login.example.test/ui');
    const res = await fetch(redirectUrl(authnRequest({ issuer: entityID }).xml), { redirect: 'manual' });
    expect(res.headers.get('location')).toMatch(/^https:\/\/login\.example\.test\/ui\/login\?samlRequest=\d{18}$/);
  });
});

describe('the instance certificate', () => {
  it('is made once even when several processes ask for it at the same time', async () => {
    const instance = await server.app.get(InstanceResolver).resolve('127.0.0.1');
    await server.database.dataSource.query('DELETE FROM saml_certificates WHERE instance_id = $1', [instance.id]);
    const certs = server.app.get(SamlCertificates);
    const made = await Promise.all([1, 2, 3].map(() => certs.signing(instance.id, instance.name)));
    expect(new Set(made.map((m) => m.certificate)).size).toBe(1);
    expect(new Set(made.map((m) => m.privateKey)).size).toBe(1);
    const [{ n }] = await server.database.dataSource.query(
      'SELECT count(*)::int AS n FROM saml_certificates WHERE instance_id = $1',
      [instance.id],
    );
    expect(n).toBe(1);
  });
});
