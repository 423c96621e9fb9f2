// The SAML connector against a samlify identity provider in the test process: requests it reads,
// responses it signs, and the refusals ZITADEL's SAML provider (crewjam/saml) makes.
import type { ConfigOf, IdpSecrets, IdpTemplate } from '../../src/idps/idp-config.js';
import type { ConnectorContext } from '../../src/idps/connectors/connector.js';
import { SamlConnector } from '../../src/idps/connectors/saml.connector.js';
import { samlSpUrls } from '../../src/idps/connectors/saml-metadata.js';
import { SAML_IDP_ERRORS } from '../../src/idps/connectors/saml.errors.js';
import { isError } from '../../src/platform/errors/domain-error.js';
import {
  NAMEID_TRANSIENT,
  type ResponseOverrides,
  type SamlKeyPair,
  UpstreamSamlIdp,
  samlConfigFor,
  samlKeyPair,
  samlSecretsOf,
} from '../support/upstream-saml-idp.js';
import { idpTemplate } from '../support/idp-templates.js';
import * as samlify from 'samlify';

const ISSUER = 'https://portcullis.test';
const connector = new SamlConnector();
let counter = 0;

let idp: UpstreamSamlIdp;
let spKeys: SamlKeyPair;
let impostorKeys: SamlKeyPair;

beforeAll(async () => {
  idp = await UpstreamSamlIdp.start();
  spKeys = await samlKeyPair('sp.portcullis.test');
  impostorKeys = await samlKeyPair('impostor.test');
});

type SamlTemplate = IdpTemplate & { config: ConfigOf<'saml'> };

function template(config: Partial<ConfigOf<'saml'>> = {}, upstream = idp): SamlTemplate {
  return idpTemplate({
    instanceId: 'instance-1',
    id: `idp-${++counter}`,
    name: 'Upstream SAML',
    config: samlConfigFor(upstream, config),
  });
}

const secrets = (): IdpSecrets => samlSecretsOf(spKeys);
const ctxOf = (t: SamlTemplate, state = `intent-${counter}`): ConnectorContext => ({
  state,
  callbackUrl: samlSpUrls(ISSUER, t.id).acs,
});

/** Start, let the IdP read the request, have it answer (with overrides), finish. */
async function roundTrip(
  t: SamlTemplate,
  overrides: ResponseOverrides = {},
  upstream = idp,
): Promise<Awaited<ReturnType<SamlConnector['finish']>>> {
  const ctx = ctxOf(t);
  const { start, flowState } = await connector.start(t, secrets(), ctx);
  const spMetadata = await connector.metadata(t, secrets(), ctx.callbackUrl);
  const request = await upstream.receive(start, spMetadata);
  const SAMLResponse = await upstream.respond(spMetadata, { inResponseTo: request.id, ...overrides });
  return connector.finish(
    t,
    secrets(),
    flowState,
    { query: new URLSearchParams(), body: new URLSearchParams({ SAMLResponse, RelayState: request.relayState }) },
    ctx,
  );
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (err: unknown) => err,
  );
}

describe('the AuthnRequest', () => {
  it('goes by HTTP-Redirect when the binding is unspecified and the IdP offers it (crewjam samlsp default), with the request id kept in flowState', async () => {
    const t = template();
    const ctx = ctxOf(t, 'intent-redirect');
    const { start, flowState } = await connector.start(t, secrets(), ctx);
    expect(start.kind).toBe('redirect');
    const received = await idp.receive(start, await connector.metadata(t, secrets(), ctx.callbackUrl));
    expect(received.id).toBe(flowState.requestId);
    expect(received.relayState).toBe('intent-redirect');
    expect(received.issuer).toBe(`${ISSUER}/idps/${t.id}/saml/metadata`);
    expect(received.acs).toBe(`${ISSUER}/idps/${t.id}/saml/acs`);
    expect(received.nameIdFormat).toBe('urn:oasis:names:tc:SAML:2.0:nameid-format:persistent');
  });

  it('is a form to post for the HTTP-POST binding, with SAMLRequest (not DEFLATEd) and RelayState', async () => {
    const t = template({ binding: 'post', nameIdFormat: 'emailAddress' });
    const ctx = ctxOf(t, 'intent-post');
    const { start, flowState } = await connector.start(t, secrets(), ctx);
    if (start.kind !== 'postForm') throw new Error('expected a form');
    expect(start.url).toBe(idp.ssoUrl);
    expect(Object.keys(start.fields).sort()).toEqual(['RelayState', 'SAMLRequest']);
    expect(Buffer.from(start.fields.SAMLRequest, 'base64').toString('utf8')).toMatch(
      /^(<\?xml[^>]*>)?<samlp:AuthnRequest /,
    );
    const received = await idp.receive(start, await connector.metadata(t, secrets(), ctx.callbackUrl));
    expect(received).toMatchObject({ id: flowState.requestId, relayState: 'intent-post' });
    expect(received.nameIdFormat).toBe('urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
  });

  it('falls back to HTTP-POST when the binding is unspecified and the IdP offers only POST', async () => {
    const postOnly = await UpstreamSamlIdp.start({ bindings: ['post'] });
    const t = template({}, postOnly);
    const { start } = await connector.start(t, secrets(), ctxOf(t));
    expect(start.kind).toBe('postForm');
  });

  it('refuses a binding the IdP does not offer, and the artifact binding (no back channel)', async () => {
    const postOnly = await UpstreamSamlIdp.start({ bindings: ['post'] });
    const t1 = template({ binding: 'redirect' }, postOnly);
    expect(isError(await refusal(connector.start(t1, secrets(), ctxOf(t1))), SAML_IDP_ERRORS.bindingUnsupported)).toBe(
      true,
    );
    const t2 = template({ binding: 'artifact' });
    expect(isError(await refusal(connector.start(t2, secrets(), ctxOf(t2))), SAML_IDP_ERRORS.bindingUnsupported)).toBe(
      true,
    );
  });

  it.each(['redirect', 'post'] as const)(
    'is signed with the template key when withSignedRequest (%s binding), which an IdP wanting signed requests verifies',
    async (binding) => {
      const strict = await UpstreamSamlIdp.start({ wantSignedRequests: true });
      const signed = template({ binding, withSignedRequest: true }, strict);
      const ctx = ctxOf(signed);
      const { start, flowState } = await connector.start(signed, secrets(), ctx);
      const spMetadata = await connector.metadata(signed, secrets(), ctx.callbackUrl);
      expect((await strict.receive(start, spMetadata)).id).toBe(flowState.requestId);
      if (binding === 'redirect')
        expect(new URL((start as { url: string }).url).searchParams.get('SigAlg')).toBe(
          'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
        );

      // The same IdP refuses an unsigned request: the signature is what it checked.
      const unsigned = template({ binding }, strict);
      const ctx2 = ctxOf(unsigned);
      const plain = await connector.start(unsigned, secrets(), ctx2);
      await expect(
        strict.receive(plain.start, await connector.metadata(signed, secrets(), ctx2.callbackUrl)),
      ).rejects.toBeDefined();
    },
  );

  it('needs the key pair when requests are signed', async () => {
    const t = template({ withSignedRequest: true });
    expect(isError(await refusal(connector.start(t, {}, ctxOf(t))), SAML_IDP_ERRORS.signingKeyMissing)).toBe(true);
  });

  it('refuses unusable metadata', async () => {
    const t = template({ metadataXml: '<not-metadata/>' });
    expect(isError(await refusal(connector.start(t, secrets(), ctxOf(t))), SAML_IDP_ERRORS.metadataInvalid)).toBe(true);
    const dtd = template({ metadataXml: `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${idp.metadata}` });
    expect(isError(await refusal(connector.start(dtd, secrets(), ctxOf(dtd))), SAML_IDP_ERRORS.metadataInvalid)).toBe(
      true,
    );
  });
});

describe('our SP metadata', () => {
  it("names ZITADEL's entity id and ACS ({issuer}/idps/{id}/saml/metadata and /acs), the NameID format and our certificate", async () => {
    const t = template({ withSignedRequest: true, nameIdFormat: 'transient' });
    const acs = samlSpUrls(ISSUER, t.id).acs;
    const sp = samlify.ServiceProvider({ metadata: await connector.metadata(t, secrets(), acs) });
    expect(sp.entityMeta.getEntityID()).toBe(`${ISSUER}/idps/${t.id}/saml/metadata`);
    expect(sp.entityMeta.getAssertionConsumerService('post')).toBe(acs);
    expect(sp.entityMeta.getNameIDFormat()).toBe(NAMEID_TRANSIENT);
    expect(sp.entityMeta.isAuthnRequestSigned()).toBe(true);
    expect(sp.entityMeta.isWantAssertionsSigned()).toBe(true);
    const body = spKeys.certificate.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
    expect(String(sp.entityMeta.getX509Certificate('signing')).replace(/\s/g, '')).toBe(body);
    const unsigned = samlify.ServiceProvider({ metadata: await connector.metadata(template(), secrets(), acs) });
    expect(unsigned.entityMeta.isAuthnRequestSigned()).toBe(false);
  });
});

describe('the Response at the ACS', () => {
  it('maps a good signed response: NameID as user id, attributes as raw information and profile, the assertion kept', async () => {
    const info = await roundTrip(template(), {
      nameId: 'alice@upstream',
      attributes: {
        email: ['alice@example.com'],
        givenName: ['Alice'],
        sn: ['Liddell'],
        groups: ['admins', 'staff'],
      },
    });
    expect(info.user).toMatchObject({
      id: 'alice@upstream',
      email: 'alice@example.com',
      emailVerified: false,
      givenName: 'Alice',
      familyName: 'Liddell',
    });
    expect(info.raw).toEqual({
      id: 'alice@upstream',
      attributes: {
        email: ['alice@example.com'],
        givenName: ['Alice'],
        sn: ['Liddell'],
        groups: ['admins', 'staff'],
      },
    });
    expect(info.saml?.assertion).toMatch(/^<saml:Assertion [^>]*ID="_[0-9a-f]+"/);
    expect(info.saml?.assertion).toContain('alice@upstream');
  });

  it('accepts a response signed as a whole as well as in its assertion', async () => {
    const info = await roundTrip(template({ binding: 'post' }), { signResponse: true, nameId: 'bob' });
    expect(info.user.id).toBe('bob');
  });

  it('decrypts an assertion encrypted to the certificate our metadata publishes for encryption', async () => {
    const info = await roundTrip(template(), {
      encrypt: true,
      nameId: 'secret-agent',
      attributes: { mail: ['x@y.z'] },
    });
    expect(info.user).toMatchObject({ id: 'secret-agent', email: 'x@y.z' });
    expect(info.saml?.assertion).toContain('>secret-agent<');
    // What the IdP sent carried no readable assertion, only an encrypted one.
    const t = template();
    const spMetadata = await connector.metadata(t, secrets(), ctxOf(t).callbackUrl);
    const sent = Buffer.from(
      await idp.respond(spMetadata, { inResponseTo: '_x', encrypt: true, nameId: 'secret-agent' }),
      'base64',
    ).toString('utf8');
    expect(sent).toContain('EncryptedAssertion');
    expect(sent).not.toContain('secret-agent');
  });

  it('refuses a response signed with a key the metadata does not publish', async () => {
    const err = await refusal(roundTrip(template(), { signingKey: impostorKeys }));
    expect(isError(err, SAML_IDP_ERRORS.responseInvalid)).toBe(true);
  });

  it('refuses a response changed after signing', async () => {
    const err = await refusal(
      roundTrip(template(), { nameId: 'carol', tamper: (xml) => xml.replace('>carol<', '>admin<') }),
    );
    expect(isError(err, SAML_IDP_ERRORS.responseInvalid)).toBe(true);
  });

  it('refuses an unsigned response', async () => {
    const err = await refusal(roundTrip(template(), { unsigned: true }));
    expect(isError(err, SAML_IDP_ERRORS.responseInvalid)).toBe(true);
  });

  it('refuses a response for another audience', async () => {
    const err = await refusal(roundTrip(template(), { audience: 'https://other-sp.test/metadata' }));
    expect(isError(err, SAML_IDP_ERRORS.responseInvalid)).toBe(true);
  });

  it('refuses a response to a request this intent did not send (unknown InResponseTo)', async () => {
    const err = await refusal(roundTrip(template(), { inResponseTo: '_someone-elses-request' }));
    expect(isError(err, SAML_IDP_ERRORS.responseInvalid)).toBe(true);
  });

  it("refuses a response replayed into another intent (its InResponseTo is the first intent's request)", async () => {
    const t = template();
    const ctx = ctxOf(t);
    const first = await connector.start(t, secrets(), ctx);
    const spMetadata = await connector.metadata(t, secrets(), ctx.callbackUrl);
    const request = await idp.receive(first.start, spMetadata);
    const SAMLResponse = await idp.respond(spMetadata, { inResponseTo: request.id });
    const callback = { query: new URLSearchParams(), body: new URLSearchParams({ SAMLResponse }) };
    expect((await connector.finish(t, secrets(), first.flowState, callback, ctx)).user.id).toBe('upstream-user-1');

    const second = await connector.start(t, secrets(), ctx);
    const err = await refusal(connector.finish(t, secrets(), second.flowState, callback, ctx));
    expect(isError(err, SAML_IDP_ERRORS.responseInvalid)).toBe(true);
    const none = await refusal(connector.finish(t, secrets(), {}, callback, ctx));
    expect(isError(none, SAML_IDP_ERRORS.responseInvalid)).toBe(true);
  });

  it('refuses an expired response and one not yet valid (beyond crewjam’s 180 s clock skew)', async () => {
    const past = new Date(Date.now() - 60 * 60_000);
    const expired = await refusal(
      roundTrip(template(), { issueInstant: past, notOnOrAfter: new Date(past.getTime() + 5 * 60_000) }),
    );
    expect(isError(expired, SAML_IDP_ERRORS.responseInvalid)).toBe(true);
    const early = await refusal(roundTrip(template(), { notBefore: new Date(Date.now() + 10 * 60_000) }));
    expect(isError(early, SAML_IDP_ERRORS.responseInvalid)).toBe(true);
  });

  it('refuses an assertion issued long ago even when NotOnOrAfter is later (crewjam MaxIssueDelay 90 s + skew)', async () => {
    const err = await refusal(
      roundTrip(template(), {
        issueInstant: new Date(Date.now() - 10 * 60_000),
        notBefore: new Date(Date.now() - 10 * 60_000),
        notOnOrAfter: new Date(Date.now() + 10 * 60_000),
      }),
    );
    expect(isError(err, SAML_IDP_ERRORS.responseInvalid)).toBe(true);
  });

  it('accepts a response within the clock skew', async () => {
    const info = await roundTrip(template(), { notBefore: new Date(Date.now() + 60_000) });
    expect(info.user.id).toBe('upstream-user-1');
  });

  it('refuses a response whose Destination, Recipient or Issuer is not ours / the IdP’s', async () => {
    for (const overrides of [
      { destination: 'https://elsewhere.test/acs' },
      { recipient: 'https://elsewhere.test/acs' },
      { issuer: 'https://impostor.test/metadata' },
    ]) {
      const err = await refusal(roundTrip(template(), overrides));
      expect(isError(err, SAML_IDP_ERRORS.responseInvalid)).toBe(true);
    }
  });

  it('refuses a callback with no SAMLResponse', async () => {
    const t = template();
    const ctx = ctxOf(t);
    const { flowState } = await connector.start(t, secrets(), ctx);
    const empty = { query: new URLSearchParams(), body: new URLSearchParams() };
    expect(
      isError(await refusal(connector.finish(t, secrets(), flowState, empty, ctx)), SAML_IDP_ERRORS.responseInvalid),
    ).toBe(true);
  });
});

describe("the upstream user id (ZITADEL's SAML session rules)", () => {
  it('takes the transient mapping attribute for a transient NameID', async () => {
    const info = await roundTrip(template({ nameIdFormat: 'transient', transientMappingAttributeName: 'employeeId' }), {
      nameId: '_transient-123',
      nameIdFormat: NAMEID_TRANSIENT,
      attributes: { employeeId: ['E-42'] },
    });
    expect(info.user.id).toBe('E-42');
    expect(info.raw).toMatchObject({ id: 'E-42' });
  });

  it('takes the mapping attribute when the assertion has no NameID (ADFS, Shibboleth)', async () => {
    const info = await roundTrip(template({ transientMappingAttributeName: 'employeeId' }), {
      nameId: null,
      attributes: { employeeId: ['E-7'] },
    });
    expect(info.user.id).toBe('E-7');
  });

  it('refuses a transient NameID without exactly one value of the mapping attribute', async () => {
    for (const attributes of [{}, { employeeId: ['a', 'b'] }] as Record<string, string[]>[]) {
      const err = await refusal(
        roundTrip(template({ transientMappingAttributeName: 'employeeId' }), {
          nameIdFormat: NAMEID_TRANSIENT,
          attributes,
        }),
      );
      expect(isError(err, SAML_IDP_ERRORS.missingMappingAttribute)).toBe(true);
    }
  });
});
