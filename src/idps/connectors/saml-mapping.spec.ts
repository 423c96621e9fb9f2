import { isError } from '../../platform/errors/domain-error.js';
import { TRANSIENT_NAMEID, assertionFacts, samlInformation, samlUserId } from './saml-mapping.js';
import { SAML_IDP_ERRORS } from './saml.errors.js';

const assertion = (subject: string, attributes: string) =>
  `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z">` +
  `<saml:Issuer>https://idp.test/metadata</saml:Issuer><saml:Subject>${subject}<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
  `<saml:SubjectConfirmationData Recipient="https://sp.test/idps/1/saml/acs"/></saml:SubjectConfirmation></saml:Subject>` +
  `<saml:AttributeStatement>${attributes}</saml:AttributeStatement></saml:Assertion>`;
const attr = (name: string, ...values: string[]) =>
  `<saml:Attribute Name="${name}">${values.map((v) => `<saml:AttributeValue>${v}</saml:AttributeValue>`).join('')}</saml:Attribute>`;
const nameId = (value: string, format = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent') =>
  `<saml:NameID Format="${format}">${value}</saml:NameID>`;

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a refusal');
}

describe('assertionFacts', () => {
  it('reads the NameID with its format, every attribute with all its values, and the recipients', () => {
    const facts = assertionFacts(assertion(nameId('u-1'), attr('mail', 'a@x.test') + attr('groups', 'g1', 'g2')));
    expect(facts).toEqual({
      nameId: { value: 'u-1', format: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent' },
      attributes: { mail: ['a@x.test'], groups: ['g1', 'g2'] },
      recipients: ['https://sp.test/idps/1/saml/acs'],
    });
  });

  it('refuses what is not an assertion', () => {
    expect(
      isError(
        thrown(() => assertionFacts('<x/>')),
        SAML_IDP_ERRORS.responseInvalid,
      ),
    ).toBe(true);
    expect(
      isError(
        thrown(() => assertionFacts('<saml:Assertion')),
        SAML_IDP_ERRORS.responseInvalid,
      ),
    ).toBe(true);
  });
});

describe("samlUserId (ZITADEL's SAML session)", () => {
  it('is the NameID value for a persistent NameID, even with a mapping attribute configured', () => {
    expect(samlUserId(assertionFacts(assertion(nameId('u-1'), attr('employee', 'E-1'))), 'employee')).toBe('u-1');
  });
  it('is the mapping attribute for a transient NameID or none', () => {
    const transient = assertionFacts(assertion(nameId('_t', TRANSIENT_NAMEID), attr('employee', 'E-1')));
    expect(samlUserId(transient, 'employee')).toBe('E-1');
    expect(samlUserId(assertionFacts(assertion('', attr('employee', 'E-2'))), 'employee')).toBe('E-2');
  });
  it.each([
    ['no mapping attribute configured', attr('employee', 'E-1'), undefined],
    ['the attribute missing', '', 'employee'],
    ['two values', attr('employee', 'E-1', 'E-2'), 'employee'],
  ])('refuses a transient NameID with %s', (_why, attributes, mapping) => {
    const facts = assertionFacts(assertion(nameId('_t', TRANSIENT_NAMEID), attributes));
    expect(
      isError(
        thrown(() => samlUserId(facts, mapping)),
        SAML_IDP_ERRORS.missingMappingAttribute,
      ),
    ).toBe(true);
  });
});

describe('samlInformation', () => {
  it("keeps ZITADEL's raw information {id, attributes} and fills the profile from well-known names", () => {
    const xml = assertion(
      nameId('u-1'),
      attr('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', 'a@x.test') +
        attr('urn:oid:2.5.4.42', 'Ada') +
        attr('surname', 'Lovelace') +
        attr('displayName', 'Ada L.'),
    );
    const info = samlInformation(xml, assertionFacts(xml), undefined);
    expect(info.user).toEqual({
      id: 'u-1',
      email: 'a@x.test',
      emailVerified: false,
      givenName: 'Ada',
      familyName: 'Lovelace',
      displayName: 'Ada L.',
    });
    expect(info.raw).toEqual({ id: 'u-1', attributes: assertionFacts(xml).attributes });
    expect(info.saml?.assertion).toBe(xml);
  });
});
