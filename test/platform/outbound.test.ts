import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { parseNetworks } from '../../src/platform/http/address-rules.js';
import { OutboundError, OutboundHttp, type OutboundRequest } from '../../src/platform/http/outbound.js';
import { generateSelfSigned } from '../../src/platform/crypto/self-signed-certificate.js';
import { TestDnsServer } from '../support/dns-server.js';

/**
 * Two web servers on one port: 127.0.0.2 stands for a public host (the policy below allows just
 * that address), 127.0.0.1 for an internal service the server must never be made to call.
 */
interface Site {
  server: Server;
  hits: Array<{ url: string; headers: IncomingHttpHeaders }>;
}

let dns: TestDnsServer;
let outside: Site;
let inside: Site;
let port: number;
let client: OutboundHttp;

function site(respond: (url: string) => { status: number; headers?: Record<string, string>; body?: string }): Site {
  const hits: Site['hits'] = [];
  const server = createServer((req, res) => {
    hits.push({ url: req.url ?? '', headers: req.headers });
    const { status, headers, body } = respond(req.url ?? '');
    res.writeHead(status, headers).end(body);
  });
  return { server, hits };
}

const listen = (server: Server | TlsServer, host: string, at = 0) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at, host, () => resolve((server.address() as AddressInfo).port));
  });

beforeAll(async () => {
  dns = await new TestDnsServer().start();
  outside = site((url) => {
    if (url === '/to-inside') return { status: 302, headers: { location: `http://127.0.0.1:${port}/secret` } };
    if (url === '/to-inside-by-name')
      return { status: 302, headers: { location: `http://inside.test:${port}/secret` } };
    if (url === '/to-self') return { status: 302, headers: { location: '/metadata' } };
    if (url === '/loop') return { status: 302, headers: { location: '/loop' } };
    if (url === '/big') return { status: 200, body: 'x'.repeat(5_000) };
    return { status: 200, body: 'public metadata' };
  });
  inside = site(() => ({ status: 200, body: 'internal secret' }));
  port = await listen(outside.server, '127.0.0.2');
  await listen(inside.server, '127.0.0.1', port);
  dns.answerA('inside.test', ['127.0.0.1']);
  client = new OutboundHttp({
    allowPrivate: false,
    allowedNetworks: parseNetworks('127.0.0.2'),
    dnsServers: [dns.address],
  });
});
afterAll(async () => {
  await dns?.stop();
  outside?.server.close();
  inside?.server.close();
});
beforeEach(() => {
  outside.hits.length = 0;
  inside.hits.length = 0;
});

const GET: OutboundRequest = { timeoutMs: 5_000, maxBytes: 1_000 };
const failureOf = (call: Promise<unknown>) =>
  call.then(
    () => 'answered',
    (err: unknown) => (err instanceof OutboundError ? err.failure : String(err)),
  );

describe('the outbound HTTP client: resolve once, check every address, connect to the checked one', () => {
  it('DNS rebinding: a name that answers an allowed address, then 127.0.0.1, is resolved once and fetched from the checked address only', async () => {
    dns.answerA('rebind.test', ['127.0.0.2'], ['127.0.0.1']);
    const res = await client.request(`http://rebind.test:${port}/metadata`, GET);
    expect(res).toMatchObject({ status: 200, address: '127.0.0.2' });
    expect(res.body.toString()).toBe('public metadata');
    expect(dns.queryCount('A', 'rebind.test')).toBe(1);
    expect(inside.hits).toEqual([]);
    // The URL's own host goes in the Host header, not the address connected to.
    expect(outside.hits[0].headers.host).toBe(`rebind.test:${port}`);
  });

  it('refuses a name that resolves to a loopback address, without connecting', async () => {
    dns.answerA('evil.test', ['127.0.0.1']);
    expect(await failureOf(client.request(`http://evil.test:${port}/`, GET))).toBe('blocked-address');
    expect(inside.hits).toEqual([]);
  });

  it('refuses a name when any of its addresses is not allowed (every resolved address is checked)', async () => {
    dns.answerA('mixed.test', ['127.0.0.2', '127.0.0.1']);
    expect(await failureOf(client.request(`http://mixed.test:${port}/`, GET))).toBe('blocked-address');
    expect(outside.hits).toEqual([]);
    expect(inside.hits).toEqual([]);
  });

  it.each([
    'http://127.0.0.1:9/',
    'http://[::1]:9/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::ffff:127.0.0.1]:9/',
    'http://2130706433:9/',
    'http://0x7f.1:9/',
  ])('refuses the literal address URL %s', async (url) =>
    expect(await failureOf(client.request(url, GET))).toBe('blocked-address'),
  );

  it.each(['file:///etc/passwd', 'ftp://example.com/', 'gopher://127.0.0.2/', 'not a url'])(
    'refuses %s: only http(s)',
    async (url) => expect(await failureOf(client.request(url, GET))).toBe('invalid-url'),
  );

  it('does not follow a redirect unless asked: the 3xx is the answer', async () => {
    const res = await client.request(`http://127.0.0.2:${port}/to-inside`, GET);
    expect(res.status).toBe(302);
    expect(inside.hits).toEqual([]);
  });

  it('re-checks every redirect hop by the same rule: a redirect to a private address or name is refused', async () => {
    const follow = { ...GET, maxRedirects: 3 };
    expect(await failureOf(client.request(`http://127.0.0.2:${port}/to-inside`, follow))).toBe('blocked-address');
    expect(await failureOf(client.request(`http://127.0.0.2:${port}/to-inside-by-name`, follow))).toBe(
      'blocked-address',
    );
    expect(inside.hits).toEqual([]);
    const ok = await client.request(`http://127.0.0.2:${port}/to-self`, follow);
    expect(ok.body.toString()).toBe('public metadata');
    expect(ok.url.pathname).toBe('/metadata');
    expect(await failureOf(client.request(`http://127.0.0.2:${port}/loop`, follow))).toBe('too-many-redirects');
  });

  it('bounds the size of the answer', async () => {
    expect(await failureOf(client.request(`http://127.0.0.2:${port}/big`, GET))).toBe('too-large');
    expect((await client.request(`http://127.0.0.2:${port}/big`, { ...GET, maxBytes: 5_000 })).body).toHaveLength(
      5_000,
    );
  });

  it.each([
    ['never answers', () => undefined],
    [
      'sends its headers, then stalls in the body',
      (_req: unknown, res: { writeHead(s: number): { write(b: string): void } }) => res.writeHead(200).write('partial'),
    ],
  ])('bounds the time: a server that %s times out', async (_name, handler) => {
    const silent = createServer(handler as never);
    const silentPort = await listen(silent, '127.0.0.2');
    try {
      const started = Date.now();
      expect(await failureOf(client.request(`http://127.0.0.2:${silentPort}/`, { ...GET, timeoutMs: 300 }))).toBe(
        'timeout',
      );
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('sends the URL’s host name as TLS SNI while connecting to the checked address', async () => {
    const { certificate, privateKey } = await generateSelfSigned('tls.test');
    const names: string[] = [];
    const tls = createTlsServer(
      {
        cert: certificate,
        key: privateKey,
        // Called with the ClientHello's server name, before the certificate is sent.
        SNICallback: (name, done) => {
          names.push(name);
          done(null, undefined);
        },
      },
      (_req, res) => res.end('ok'),
    );
    tls.on('tlsClientError', () => undefined);
    const tlsPort = await listen(tls, '127.0.0.2');
    dns.answerA('tls.test', ['127.0.0.2']);
    try {
      // The self-signed certificate is not trusted: the handshake still shows the name sent.
      const failure = await failureOf(client.request(`https://tls.test:${tlsPort}/`, GET));
      expect(failure).toBe('unreachable');
      expect(names).toEqual(['tls.test']);
    } finally {
      tls.close();
    }
  });

  it('as a fetch for libraries (oidc-provider), takes the same path: allowed hosts answer, internal ones are refused', async () => {
    const fetchLike = client.asFetch({ timeoutMs: 2_000, maxBytes: 1_000 });
    const res = await fetchLike(`http://127.0.0.2:${port}/metadata`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: 't' }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('public metadata');
    expect(outside.hits[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect((await fetchLike(`http://127.0.0.2:${port}/to-inside`)).status).toBe(302);
    expect(
      await failureOf(fetchLike(`http://127.0.0.1:${port}/logout`, { method: 'POST', body: 'logout_token=t' })),
    ).toBe('blocked-address');
    expect(inside.hits).toEqual([]);
  });

  it('keep-alive callers reuse a host’s checked addresses for their lifetime, then resolve and check again: a rebind to loopback is then refused', async () => {
    const pooled = new OutboundHttp({
      allowPrivate: false,
      allowedNetworks: parseNetworks('127.0.0.2'),
      dnsServers: [dns.address],
      checkedAddressTtlMs: 300,
    });
    dns.answerA('hook.test', ['127.0.0.2'], ['127.0.0.1']);
    const hook = `http://hook.test:${port}/hook`;
    const POST: OutboundRequest = { ...GET, method: 'POST', body: '{}', keepAlive: true };
    expect((await pooled.request(hook, POST)).address).toBe('127.0.0.2');
    expect((await pooled.request(hook, POST)).address).toBe('127.0.0.2');
    expect(dns.queryCount('A', 'hook.test')).toBe(1);
    // Not kept for callers that do not pool, nor for trusted destinations.
    expect(await failureOf(pooled.request(hook, { ...POST, keepAlive: false }))).toBe('blocked-address');
    expect(dns.queryCount('A', 'hook.test')).toBe(2);
    await new Promise((r) => setTimeout(r, 350));
    expect(await failureOf(pooled.request(hook, POST))).toBe('blocked-address');
    expect(dns.queryCount('A', 'hook.test')).toBe(3);
    expect(inside.hits).toEqual([]);
  });

  it('a refused host is not kept: every keep-alive call checks it again', async () => {
    const pooled = new OutboundHttp({
      allowPrivate: false,
      allowedNetworks: parseNetworks('127.0.0.2'),
      dnsServers: [dns.address],
    });
    dns.answerA('later.test', ['127.0.0.1'], ['127.0.0.2']);
    const POST: OutboundRequest = { ...GET, method: 'POST', body: '{}', keepAlive: true };
    expect(await failureOf(pooled.request(`http://later.test:${port}/hook`, POST))).toBe('blocked-address');
    expect((await pooled.request(`http://later.test:${port}/hook`, POST)).address).toBe('127.0.0.2');
    expect(dns.queryCount('A', 'later.test')).toBe(2);
    expect(inside.hits).toEqual([]);
  });

  it('tries the next checked address when one refuses the connection', async () => {
    const twoAddresses = new OutboundHttp({
      allowPrivate: false,
      allowedNetworks: parseNetworks('127.0.0.2,127.0.0.3'),
      dnsServers: [dns.address],
    });
    dns.answerA('two.test', ['127.0.0.3', '127.0.0.2']); // nothing listens on 127.0.0.3
    const res = await twoAddresses.request(`http://two.test:${port}/metadata`, GET);
    expect(res).toMatchObject({ status: 200, address: '127.0.0.2' });
  });

  it('keep-alive calls share a pooled connection and send the URL’s Host, without the caller’s hop-by-hop headers', async () => {
    let connections = 0;
    const counted = () => connections++;
    outside.server.on('connection', counted);
    try {
      const POST: OutboundRequest = {
        ...GET,
        method: 'POST',
        body: '{"a":1}',
        keepAlive: true,
        headers: { 'content-type': 'application/json', connection: 'upgrade', 'content-length': '999' },
      };
      for (let i = 0; i < 5; i++) {
        expect((await client.request(`http://127.0.0.2:${port}/hook`, POST)).status).toBe(200);
        await new Promise((r) => setTimeout(r, 5)); // the pool takes the connection back after the body ends
      }
      expect(connections).toBe(1);
      const { headers } = outside.hits[4];
      expect(headers).toMatchObject({
        host: `127.0.0.2:${port}`,
        'content-type': 'application/json',
        'content-length': '7',
      });
      expect(headers.connection).not.toBe('upgrade');
    } finally {
      outside.server.off('connection', counted);
    }
  });

  it('an operator-configured destination (trusted) may be internal, and is still connected to by its resolved address', async () => {
    const res = await client.request(`http://127.0.0.1:${port}/hook`, { ...GET, trustedDestination: true });
    expect(res).toMatchObject({ status: 200, address: '127.0.0.1' });
  });
});
