import type { SpDescription } from './saml-entities.js';
import { resolveAcs, resolveNameIdFormat, resolveSlo } from './saml-endpoints.js';
import { attributesOf, nameIdFor, type SamlSubject } from './saml-subjects.js';
import { BINDING, NAMEID, ROLES_ATTRIBUTE } from './saml-xml.js';
import { SAML_ERRORS } from './saml.errors.js';

const sp: SpDescription = {
  entityId: 'https://sp.test/metadata',
  authnRequestsSigned: false,
  assertionConsumerServices: [
    { binding: 'redirect', location: 'https://sp.test/acs-r', index: 0, isDefault: false },
    { binding: 'post', location: 'https://sp.test/acs', index: 1, isDefault: true },
    { binding: 'redirect', location: 'https://sp.test/acs', index: 2, isDefault: false },
  ],
  singleLogoutServices: [{ binding: 'post', location: 'https://sp.test/slo', isDefault: false }],
  nameIdFormats: ['urn:oasis:names:tc:SAML:2.0:nameid-format:transient', NAMEID.emailAddress],
};

describe('assertion consumer service', () => {
  it.each([
    ['the default without URL or index', {}, 'post', 'https://sp.test/acs'],
    ['an index', { acsIndex: 0 }, 'redirect', 'https://sp.test/acs-r'],
    [
      'a URL, with the asked binding',
      { acsUrl: 'https://sp.test/acs', protocolBinding: BINDING.redirect },
      'redirect',
      'https://sp.test/acs',
    ],
    ['a URL without binding', { acsUrl: 'https://sp.test/acs' }, 'post', 'https://sp.test/acs'],
  ])('takes %s', (_name, ask, binding, location) => {
    expect(resolveAcs(sp, ask)).toMatchObject({ binding, location });
  });

  it.each([
    ['an unregistered URL', { acsUrl: 'https://evil.test/acs' }],
    ['a URL differing in case or a trailing slash', { acsUrl: 'https://sp.test/acs/' }],
    ['an unknown index', { acsIndex: 9 }],
  ])('refuses %s', (_name, ask) => {
    expect(() => resolveAcs(sp, ask)).toThrow(expect.objectContaining({ id: SAML_ERRORS.acsNotRegistered }));
  });

  it('picks the SLO endpoint of the binding, else any', () => {
    expect(resolveSlo(sp, 'redirect')?.location).toBe('https://sp.test/slo');
    expect(resolveSlo({ ...sp, singleLogoutServices: [] }, 'post')).toBeUndefined();
  });
});

describe('NameID', () => {
  const subject: SamlSubject = {
    userId: '1',
    username: 'ada',
    loginName: 'ada@acme.test',
    email: null,
    givenName: 'Ada',
    familyName: 'Lovelace',
    displayName: null,
    roles: ['r1'],
    orgHasProject: true,
    authorized: true,
  };

  it("answers the asked format, the metadata's first supported one, or unspecified; refuses others", () => {
    expect(resolveNameIdFormat(sp, NAMEID.persistent)).toBe(NAMEID.persistent);
    expect(resolveNameIdFormat(sp, undefined)).toBe(NAMEID.emailAddress);
    expect(resolveNameIdFormat(sp, NAMEID.unspecified)).toBe(NAMEID.emailAddress);
    expect(resolveNameIdFormat({ ...sp, nameIdFormats: [] }, undefined)).toBe(NAMEID.unspecified);
    expect(resolveNameIdFormat(sp, 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient')).toBeUndefined();
  });

  it('is the user id, the email or the login name', () => {
    expect(nameIdFor(subject, NAMEID.persistent)).toBe('1');
    expect(nameIdFor(subject, NAMEID.emailAddress)).toBeUndefined();
    expect(nameIdFor({ ...subject, email: 'a@b.c' }, NAMEID.emailAddress)).toBe('a@b.c');
    expect(nameIdFor(subject, NAMEID.unspecified)).toBe('ada@acme.test');
  });

  it("carries ZITADEL's attribute names and the roles", () => {
    expect(attributesOf(subject)).toEqual({
      Email: [],
      FirstName: ['Ada'],
      SurName: ['Lovelace'],
      FullName: ['Ada Lovelace'],
      UserName: ['ada@acme.test'],
      UserID: ['1'],
      [ROLES_ATTRIBUTE]: ['r1'],
    });
  });
});
