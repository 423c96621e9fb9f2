import { INSTANCE_HOST_HEADER, PUBLIC_HOST_HEADER, parseAuthority, requestHosts } from './request-host.js';

describe('parseAuthority', () => {
  it.each([
    ['example.com', 'example.com', 'example.com'],
    ['Login.Example.COM:8443', 'login.example.com:8443', 'login.example.com'],
    ['127.0.0.1:8080', '127.0.0.1:8080', '127.0.0.1'],
    ['[::1]:8080', '[::1]:8080', '[::1]'],
    ['[::1]', '[::1]', '[::1]'],
    [' localhost ', 'localhost', 'localhost'],
  ])('accepts exactly host[:port]: %s', (value, authority, name) => {
    expect(parseAuthority(value)).toEqual({ authority, name });
  });

  it.each([
    ['a path after the port (it would end up in issuers and links)', 'good.example:80/evil'],
    ['a path', 'good.example/evil'],
    ['user info', 'user@good.example'],
    ['a second host', 'good.example, evil.example'],
    ['spaces inside', 'good example'],
    ['a port that is no number', 'good.example:http'],
    ['a port out of range', 'good.example:70000'],
    ['a scheme', 'https://good.example'],
    ['an unclosed IPv6 literal', '[::1:8080'],
    ['text after an IPv6 literal', '[::1]x'],
    ['a query', 'good.example?x=1'],
    ['nothing', ''],
  ])('refuses %s', (_what, value) => {
    expect(parseAuthority(value)).toBeUndefined();
  });
});

describe("requestHosts (ZITADEL's DomainCtx: instance host and public host)", () => {
  const headers = (h: Record<string, string>) => (name: string) => h[name];

  it('takes the instance from the connection Host when no instance host header is sent', () => {
    expect(requestHosts(headers({}), 'a.example:8080')).toEqual({
      instance: { authority: 'a.example:8080', name: 'a.example' },
      public: undefined,
    });
  });

  it("lets x-zitadel-instance-host win over the connection Host (ZITADEL's rule)", () => {
    const hosts = requestHosts(headers({ [INSTANCE_HOST_HEADER]: 'b.example' }), 'a.example');
    expect(hosts.instance?.name).toBe('b.example');
  });

  it('reads the public host from x-zitadel-public-host, keeping its port for links', () => {
    const hosts = requestHosts(headers({ [PUBLIC_HOST_HEADER]: 'login.b.example:3000' }), 'a.example');
    expect(hosts.public).toEqual({ authority: 'login.b.example:3000', name: 'login.b.example' });
  });

  it('treats an empty header as not sent', () => {
    expect(requestHosts(headers({ [INSTANCE_HOST_HEADER]: ' ', [PUBLIC_HOST_HEADER]: '' }), 'a.example')).toEqual({
      instance: { authority: 'a.example', name: 'a.example' },
      public: undefined,
    });
  });

  it('never falls back to the connection Host when a sent instance host is malformed', () => {
    expect(requestHosts(headers({ [INSTANCE_HOST_HEADER]: 'b.example/evil' }), 'a.example').instance).toBeUndefined();
  });

  it('keeps a malformed public host as one that matches no domain, so the request is refused rather than served on another host', () => {
    const hosts = requestHosts(headers({ [PUBLIC_HOST_HEADER]: 'a.example:80/evil' }), 'a.example');
    expect(hosts.public).toBeDefined();
    expect(hosts.public!.name).not.toBe('a.example');
  });

  it('uses the first value of a header sent twice', () => {
    const hosts = requestHosts(
      (name) => (name === PUBLIC_HOST_HEADER ? ['p.example', 'q.example'] : undefined),
      'a.example',
    );
    expect(hosts.public?.name).toBe('p.example');
  });
});
