import { NO_LDAP_ATTRIBUTES, type LdapAttributes } from '../idp-config.js';
import { isError } from '../../platform/errors/domain-error.js';
import { attributeText, ldapInformation, requestedAttributes } from './ldap-mapping.js';
import { LDAP_ERRORS } from './ldap.errors.js';

const NONE: LdapAttributes = { ...NO_LDAP_ATTRIBUTES, idAttribute: 'uid' };

describe('attributeText (ZITADEL: UTF-8 text, else base64 of the bytes)', () => {
  it('keeps valid UTF-8 and encodes other bytes in base64', () => {
    expect(attributeText(Buffer.from('Jörg', 'utf8'))).toBe('Jörg');
    expect(attributeText(Buffer.from([0xff, 0x00, 0xfe]))).toBe('/wD+');
  });
});

describe('ldapInformation', () => {
  it('reads attributes case-insensitively (RFC 4512 §2.5) and takes the first value', () => {
    const info = ldapInformation(
      { UID: ['u1'], MAIL: ['a@example.org', 'b@example.org'] },
      { ...NONE, emailAttribute: 'mail' },
    );
    expect(info.user).toEqual({ id: 'u1', email: 'a@example.org', emailVerified: false, phoneVerified: false });
    expect(info.ldap?.attributes).toEqual({ UID: ['u1'], MAIL: ['a@example.org', 'b@example.org'] });
  });

  it.each([
    ['TRUE', true],
    ['true', true],
    ['1', true],
    ['t', true],
    ['FALSE', false],
    ['0', false],
    ['F', false],
  ])('reads the verified flag %j as Go strconv.ParseBool does: %j', (value, verified) => {
    const info = ldapInformation({ uid: ['u1'], ev: [value] }, { ...NONE, emailVerifiedAttribute: 'ev' });
    expect(info.user.emailVerified).toBe(verified);
  });

  it('refuses a verified flag that is no boolean', () => {
    expect.assertions(1);
    try {
      ldapInformation({ uid: ['u1'], pv: ['yes'] }, { ...NONE, phoneVerifiedAttribute: 'pv' });
    } catch (err) {
      expect(isError(err, LDAP_ERRORS.attributeInvalid)).toBe(true);
    }
  });

  it('refuses an entry without the id attribute', () => {
    expect.assertions(1);
    try {
      ldapInformation({ mail: ['x'] }, NONE);
    } catch (err) {
      expect(isError(err, LDAP_ERRORS.configInvalid)).toBe(true);
    }
  });
});

describe('requestedAttributes (ZITADEL getNecessaryAttributes)', () => {
  it('asks for userBase and every mapped attribute, once each', () => {
    expect(requestedAttributes('dn', { ...NONE, emailAttribute: 'mail', profileAttribute: 'uid' })).toEqual([
      'dn',
      'uid',
      'mail',
    ]);
  });
});
