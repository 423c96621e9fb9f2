import { ipFamily, isEmail, isHostname, isV4Mapped, parseGoUrl } from './go-formats.js';

// Each expectation is what Go's standard library answers (net.ParseIP, net/mail.ParseAddress,
// net/url.Parse), which PGV's generated ValidateAll() calls.

describe("ipFamily (Go's net.ParseIP)", () => {
  it.each<[string, 4 | 6 | undefined]>([
    ['192.168.0.1', 4],
    ['0.0.0.0', 4],
    ['::ffff:192.168.0.1', 4], // IPv4-mapped IPv6 is IPv4 in Go
    ['2001:db8::1', 6],
    ['::1', 6],
    ['::', 6],
    ['1:2:3:4:5:6:7:8', 6],
    ['::1.2.3.4', 6],
    ['010.0.0.1', undefined], // leading zeros: refused as ambiguous octal since Go 1.17
    ['256.0.0.1', undefined],
    ['1.2.3', undefined],
    ['fe80::1%eth0', undefined], // no zones
    ['1::2::3', undefined],
    ['1:2:3:4:5:6:7:8:9', undefined],
    ['1.2.3.4::', undefined], // an IPv4 part only ends the address
    ['', undefined],
  ])('%j is %s', (text, family) => {
    expect(ipFamily(text)).toBe(family);
  });

  it('tells IPv4-mapped 16-byte addresses apart', () => {
    const mapped = new Uint8Array(16);
    mapped.set([0xff, 0xff, 10, 0, 0, 1], 10);
    expect(isV4Mapped(mapped)).toBe(true);
    expect(isV4Mapped(new Uint8Array(16))).toBe(false);
    expect(isV4Mapped(new Uint8Array(4))).toBe(false);
  });
});

describe("isHostname (PGV's _validateHostname)", () => {
  it.each<[string, boolean]>([
    ['example.com', true],
    ['Example.COM.', true], // case-insensitive, one trailing dot
    ['a-b.c', true],
    ['ex_ample.com', false],
    ['-a.com', false],
    ['a-.com', false],
    ['a..com', false],
    ['bücher.de', false], // ASCII only
    [`${'a'.repeat(63)}.com`, true],
    [`${'a'.repeat(64)}.com`, false],
    [`${'a.'.repeat(126)}a`, true], // 253 bytes
    [`${'a.'.repeat(127)}a`, false],
  ])('%j valid=%s', (host, valid) => {
    expect(isHostname(host)).toBe(valid);
  });
});

describe("isEmail (PGV's _validateEmail over Go's net/mail)", () => {
  it.each<[string, boolean]>([
    ['user@example.com', true],
    ['first.last+tag@sub.example.com', true],
    ['Jane Doe <jane@example.com>', true],
    ['jane@example.com (Jane)', true],
    ['"quoted local"@example.com', true],
    ['user@', false],
    ['@example.com', false],
    ['user@ex_ample.com', false], // the domain must be a hostname
    ['user@@example.com', false],
    ['user example.com', false],
    [`${'a'.repeat(65)}@example.com`, false], // local part over 64 bytes
    ['Jane <jane@example.com', false],
  ])('%j valid=%s', (address, valid) => {
    expect(isEmail(address)).toBe(valid);
  });
});

describe("parseGoUrl (Go's net/url.Parse)", () => {
  it.each<[string, { absolute: boolean } | undefined]>([
    ['https://example.com/x', { absolute: true }],
    ['https://user:pw@example.com:8443/a?b#c', { absolute: true }],
    ['mailto:someone@example.com', { absolute: true }], // opaque: nothing else checked
    ['https://[::1]:80/', { absolute: true }],
    ['/relative', { absolute: false }],
    ['a/b', { absolute: false }],
    ['*', { absolute: false }],
    [':no-scheme', undefined], // "missing protocol scheme"
    ['cache_object:foo/bar', undefined], // a colon in the first segment of a relative path
    ['https://exa mple.com/', undefined],
    ['https://example.com/%zz', undefined],
    ['https://[1.2.3.4]/', undefined], // brackets hold IPv6 literals only
    ['https://example.com:80x/', undefined],
    ['http://a\nb/', undefined],
  ])('%j parses as %j', (raw, parsed) => {
    expect(parseGoUrl(raw)).toEqual(parsed);
  });
});
