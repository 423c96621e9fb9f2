import { DomainError } from '../platform/errors/domain-error.js';
import type { User } from './user.entity.js';
import {
  needsUnitOfWork,
  newHumanUsername,
  nextState,
  pickChanged,
  startsInitialV1,
  usernameDomain,
  usernameScope,
  verificationOf,
} from './user-rules.js';
import type { NewHumanUser } from './users.service.js';

describe("ZITADEL's user state transitions", () => {
  it.each([
    ['active', 'deactivate', 'inactive'],
    ['inactive', 'reactivate', 'active'],
    ['active', 'lock', 'locked'],
    ['initial', 'lock', 'locked'],
    ['locked', 'unlock', 'active'],
  ] as const)('%s --%s--> %s', (from, action, to) => {
    expect(nextState(from, action)).toBe(to);
  });

  it.each([
    ['initial', 'deactivate'],
    ['inactive', 'deactivate'],
    ['active', 'reactivate'],
    ['inactive', 'lock'],
    ['active', 'unlock'],
  ] as const)('refuses %s --%s-->', (from, action) => {
    expect(() => nextState(from, action)).toThrow(DomainError);
  });
});

describe('pickChanged', () => {
  it('keeps only the given profile fields that differ from the stored user', () => {
    const user = { givenName: 'Ada', familyName: 'Lovelace', nickName: 'ada' } as User;
    expect(pickChanged(user, { givenName: 'Ada', familyName: 'King', nickName: undefined })).toEqual({
      familyName: 'King',
    });
  });
});

describe('verificationOf', () => {
  it('is verified, a returned code, or a sent code with its URL template', () => {
    expect(verificationOf(true, true)).toEqual({ kind: 'verified' });
    expect(verificationOf(false, true)).toEqual({ kind: 'return' });
    expect(verificationOf(false, false, 'https://x/{{.Code}}')).toEqual({
      kind: 'send',
      urlTemplate: 'https://x/{{.Code}}',
    });
  });
});

describe("ZITADEL v1's INITIAL rule (AddHuman shouldAddInitCode, ImportHuman IsInitialState)", () => {
  it.each([
    [true, true, false, false],
    [true, false, false, true],
    [false, true, false, true],
    [false, false, false, true],
    [false, false, true, false],
    [true, false, true, false],
  ])(
    'email verified %s, can sign in %s, linked to an idp %s: INITIAL %s',
    (emailVerified, canSignIn, linked, initial) => {
      expect(startsInitialV1({ emailVerified, canSignIn, linked })).toBe(initial);
    },
  );
});

describe("a username's unique scope (ZITADEL's username unique constraint)", () => {
  it("is the instance ('') unless the org's domain policy makes it the org", () => {
    expect(usernameScope('org-1', false)).toBe('');
    expect(usernameScope('org-1', true)).toBe('org-1');
  });
});

describe("a new human's username", () => {
  it('is the one given, trimmed, else the email (ZITADEL AddHuman / registerHuman)', () => {
    expect(newHumanUsername({ username: ' ada ', email: 'ada@example.com' })).toBe('ada');
    expect(newHumanUsername({ username: '', email: ' ada@example.com ' })).toBe('ada@example.com');
    expect(newHumanUsername({ email: 'ada@example.com' })).toBe('ada@example.com');
  });
});

describe('which new humans need a transaction beyond their one insert', () => {
  const plain: NewHumanUser = {
    givenName: 'Ada',
    familyName: 'Lovelace',
    username: 'ada',
    email: 'ada@example.com',
    emailVerified: true,
    returnEmailCode: false,
    fieldPath: '',
  };

  it('a username without a domain, a verified email and nothing else is one statement', () => {
    expect(needsUnitOfWork(plain)).toBe(false);
    expect(needsUnitOfWork({ ...plain, phone: '+41791234567', phoneVerified: true })).toBe(false);
    expect(needsUnitOfWork({ ...plain, phone: '+41791234567', phoneVerification: { kind: 'verified' } })).toBe(false);
    expect(needsUnitOfWork({ ...plain, metadata: [] })).toBe(false);
  });

  it.each<[string, Partial<NewHumanUser>]>([
    ['an email code', { emailVerified: false }],
    ['a phone code', { phone: '+41791234567' }],
    ['a returned phone code', { phone: '+41791234567', phoneVerification: { kind: 'return' }, phoneVerified: true }],
    ['metadata', { metadata: [{ key: 'k', value: new Uint8Array([1]) }] }],
    ['a TOTP secret', { totpSecret: 'JBSWY3DPEHPK3PXP' }],
    ['a username in a domain (taking turns with its claim)', { username: 'ada@example.com' }],
    ['the email standing in for the username', { username: undefined }],
  ])('%s needs one', (_, extra) => {
    expect(needsUnitOfWork({ ...plain, ...extra })).toBe(true);
  });
});

describe("the domain a username claims (ZITADEL userValidateDomain: after the last '@')", () => {
  it.each([
    ['alice@Acme.Test', 'acme.test'],
    ['a@b@acme.test', 'acme.test'],
    ['alice', undefined],
    ['alice@', undefined],
  ])('%s claims %s', (username, domain) => {
    expect(usernameDomain(username)).toBe(domain);
  });
});
