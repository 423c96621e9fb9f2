import { loginNames, preferredLoginName } from './login-names.js';

describe('loginNames', () => {
  it('is the username alone when login need not be a domain', () => {
    expect(loginNames('jane', ['acme.com'], 'acme.localhost', false)).toEqual({
      loginNames: ['jane'],
      preferred: 'jane',
    });
  });

  it('is one name per verified domain, the primary preferred, when it must be a domain', () => {
    expect(loginNames('jane', ['acme.com', 'acme.localhost'], 'acme.localhost', true)).toEqual({
      loginNames: ['jane@acme.localhost', 'jane@acme.com'],
      preferred: 'jane@acme.localhost',
    });
  });
});

describe('preferredLoginName', () => {
  it('is username@primary domain when login must be a domain, else (or with no domain yet) the username', () => {
    expect(preferredLoginName('jane', 'acme.localhost', true)).toBe('jane@acme.localhost');
    expect(preferredLoginName('jane', 'acme.localhost', false)).toBe('jane');
    expect(preferredLoginName('jane', '', true)).toBe('jane');
    expect(preferredLoginName('jane', null, true)).toBe('jane');
  });
});
