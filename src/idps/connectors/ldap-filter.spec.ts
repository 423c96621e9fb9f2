import { escapeFilterValue, isAttributeDescription, userSearchFilter } from './ldap-filter.js';

describe('escapeFilterValue (RFC 4515 §3)', () => {
  it.each([
    ['alice', 'alice'],
    ['*', '\\2a'],
    ['a(b)c', 'a\\28b\\29c'],
    ['back\\slash', 'back\\5cslash'],
    ['nul\0byte', 'nul\\00byte'],
    ['*)(uid=*', '\\2a\\29\\28uid=\\2a'],
    ['jörg@exämple.org', 'jörg@exämple.org'],
  ])('%j becomes %j', (value, escaped) => {
    expect(escapeFilterValue(value)).toBe(escaped);
  });
});

describe('isAttributeDescription (RFC 4512 §2.5)', () => {
  it.each(['uid', 'mail', 'sAMAccountName', 'userPrincipalName', 'cn;lang-de', '0.9.2342.19200300.100.1.1'])(
    'takes %j',
    (name) => expect(isAttributeDescription(name)).toBe(true),
  );
  it.each(['', 'uid=*', 'uid)(cn', '1uid', 'mail ', '(uid', 'a*'])('refuses %j', (name) =>
    expect(isAttributeDescription(name)).toBe(false),
  );
});

describe('userSearchFilter (ZITADEL: object classes AND any user filter)', () => {
  it('ANDs the object classes with the OR of the user filters', () => {
    expect(userSearchFilter(['person', 'inetOrgPerson'], ['uid', 'mail'], 'alice')).toBe(
      '(&(objectClass=person)(objectClass=inetOrgPerson)(|(uid=alice)(mail=alice)))',
    );
  });
  it('writes a single user filter without OR, and no AND without object classes', () => {
    expect(userSearchFilter([], ['uid'], 'alice')).toBe('(uid=alice)');
    expect(userSearchFilter(['person'], ['uid'], 'alice')).toBe('(&(objectClass=person)(uid=alice))');
  });
  it('escapes the username in every filter', () => {
    expect(userSearchFilter([], ['uid', 'cn'], '*')).toBe('(|(uid=\\2a)(cn=\\2a))');
  });
  it('refuses a user filter that is not an attribute name, and none at all', () => {
    expect(() => userSearchFilter([], ['uid=*)(cn'], 'a')).toThrow(TypeError);
    expect(() => userSearchFilter([], [], 'a')).toThrow(TypeError);
  });
});
