import { isError } from '../../platform/errors/domain-error.js';
import { entityIdOfAcs, parseIdpMetadata, samlSpUrls } from './saml-metadata.js';
import { SAML_IDP_ERRORS } from './saml.errors.js';

const metadata = (descriptor: string, wrap = (x: string) => x) =>
  wrap(`<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.test/metadata">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAuthnRequestsSigned="true">${descriptor}</md:IDPSSODescriptor>
</md:EntityDescriptor>`);

const KEYS = `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>
  QUJD
  REVG</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
<md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>RU5D</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
<md:KeyDescriptor><ds:KeyInfo><ds:X509Data><ds:X509Certificate>Qk9USA==</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
const SSO = `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.test/sso/post"/>
<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.test/sso/redirect"/>`;

function code(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a refusal');
}

describe('parseIdpMetadata', () => {
  it('reads the entity id, SSO locations by binding and the signing certificates (use="signing" or none)', () => {
    expect(parseIdpMetadata(metadata(KEYS + SSO))).toEqual({
      entityId: 'https://idp.test/metadata',
      sso: {
        'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST': 'https://idp.test/sso/post',
        'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect': 'https://idp.test/sso/redirect',
      },
      signingCertificates: ['QUJDREVG', 'Qk9USA=='],
      wantAuthnRequestsSigned: true,
    });
  });

  it('finds the IdP inside an EntitiesDescriptor', () => {
    const wrapped = metadata(
      KEYS + SSO,
      (x) => `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${x}</md:EntitiesDescriptor>`,
    );
    expect(parseIdpMetadata(wrapped).entityId).toBe('https://idp.test/metadata');
  });

  it.each([
    ['no SSO service', metadata(KEYS)],
    ['no signing certificate', metadata(SSO)],
    ['no IdP descriptor', '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>'],
    ['malformed XML', '<md:EntityDescriptor'],
    ['a DTD (XXE)', `<!DOCTYPE md [<!ENTITY x SYSTEM "file:///etc/passwd">]>${metadata(KEYS + SSO)}`],
  ])('refuses metadata with %s', (_why, xml) => {
    expect(
      isError(
        code(() => parseIdpMetadata(xml)),
        SAML_IDP_ERRORS.metadataInvalid,
      ),
    ).toBe(true);
  });
});

describe("ZITADEL's SP URLs", () => {
  it('are {issuer}/idps/{id}/saml/metadata (also the entity id) and /acs', () => {
    expect(samlSpUrls('https://auth.example.com/', '123')).toEqual({
      entityId: 'https://auth.example.com/idps/123/saml/metadata',
      metadata: 'https://auth.example.com/idps/123/saml/metadata',
      acs: 'https://auth.example.com/idps/123/saml/acs',
    });
    expect(entityIdOfAcs('https://auth.example.com/idps/123/saml/acs')).toBe(
      'https://auth.example.com/idps/123/saml/metadata',
    );
    expect(() => entityIdOfAcs('https://auth.example.com/idps/callback')).toThrow(TypeError);
  });
});
