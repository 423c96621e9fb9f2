import { originAllowed, relyingPartyId } from './relying-party.js';

const DOMAINS = ['localhost', '127.0.0.1', 'auth.acme.com', 'portcullis.localhost'];

describe('relying party id', () => {
  it.each([
    [undefined, 'localhost:8080', 'localhost'],
    ['', '127.0.0.1:40000', '127.0.0.1'],
    ['auth.acme.com', 'localhost:8080', 'auth.acme.com'],
    ['acme.com', 'localhost:8080', 'acme.com'],
    ['AUTH.ACME.COM', 'localhost', 'auth.acme.com'],
  ])('domain %p on host %p is %p', (domain, host, expected) => {
    expect(relyingPartyId(domain, host, DOMAINS)).toBe(expected);
  });

  it.each([['evil.com'], ['other.acme.com'], ['com.au']])('refuses %p, which no instance domain is under', (domain) => {
    expect(relyingPartyId(domain, 'localhost', DOMAINS)).toBeUndefined();
  });
});

describe('origins', () => {
  const ext = 'http://localhost:8080';
  it.each([
    ['http://localhost:8080', 'localhost', true],
    ['http://localhost:41234', 'localhost', true],
    ['https://auth.acme.com', 'acme.com', true],
    ['https://auth.acme.com', 'auth.acme.com', true],
    ['https://evil.com', 'evil.com', false],
    ['https://localhost', 'auth.acme.com', false],
    ['ftp://localhost', 'localhost', false],
    ['http://localhost:8080/path', 'localhost', false],
    ['not a url', 'localhost', false],
  ])('%p for rp %p: %p', (origin, rpId, allowed) => {
    expect(originAllowed(origin, rpId, DOMAINS, ext)).toBe(allowed);
  });

  it('takes plain http only when the external URL is http', () => {
    expect(originAllowed('http://auth.acme.com', 'auth.acme.com', DOMAINS, 'https://auth.acme.com')).toBe(false);
    expect(originAllowed('https://auth.acme.com', 'auth.acme.com', DOMAINS, 'https://auth.acme.com')).toBe(true);
  });
});
