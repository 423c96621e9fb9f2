import {
  challengeLocation,
  domainLabel,
  generatedDomain,
  isValidDomain,
  normaliseDomain,
  usernameDomainTurns,
} from './org-rules.js';

describe('domainLabel', () => {
  it.each([
    ['Acme Inc', 'acme-inc'],
    ['  Ünïcödé   Org!! ', 'unicode-org'],
    ['a_b.c', 'a-b-c'],
    ['---', ''],
    ['x'.repeat(80), 'x'.repeat(63)],
  ])('%s -> %s', (name, label) => expect(domainLabel(name)).toBe(label));

  it('falls back to the org id when nothing is left of the name', () => {
    expect(generatedDomain('!!!', '123', 'localhost')).toBe('123.localhost');
    expect(generatedDomain('Acme', '123', 'example.com')).toBe('acme.example.com');
  });
});

describe('isValidDomain', () => {
  it.each([
    ['example.com', true],
    ['sub.example-1.com', true],
    ['localhost', true],
    ['-bad.com', false],
    ['bad-.com', false],
    ['exa mple.com', false],
    ['a..b', false],
    ['https://example.com', false],
  ])('%s', (domain, ok) => expect(isValidDomain(domain)).toBe(ok));

  it('normalises case and a trailing dot', () => expect(normaliseDomain(' Example.COM. ')).toBe('example.com'));
});

describe('challengeLocation', () => {
  it('names the HTTP file and the DNS TXT record', () => {
    expect(challengeLocation('http', 'acme.com', 'tok')).toBe('https://acme.com/.well-known/zitadel-challenge/tok');
    expect(challengeLocation('dns', 'acme.com', 'tok')).toBe('_zitadel-challenge.acme.com');
  });
});

describe('usernameDomainTurns', () => {
  it('takes each domain once, in one order whoever asks, claiming where it claims', () => {
    const one = usernameDomainTurns(['one.test', 'acme.example.com'], ['two.test']);
    const two = usernameDomainTurns(['two.test'], ['one.test']);
    expect(one).toEqual([
      { domain: 'acme.example.com', mode: 'claim' },
      { domain: 'one.test', mode: 'claim' },
      { domain: 'two.test', mode: 'use' },
    ]);
    expect(two.map((t) => t.domain)).toEqual(['one.test', 'two.test']);
  });

  it('claims a domain both claimed and used, compares without case and skips blanks', () => {
    expect(usernameDomainTurns(['Acme.test', ''], ['acme.TEST', undefined, 'b.test', 'B.test'])).toEqual([
      { domain: 'acme.test', mode: 'claim' },
      { domain: 'b.test', mode: 'use' },
    ]);
    expect(usernameDomainTurns([], [])).toEqual([]);
  });
});
