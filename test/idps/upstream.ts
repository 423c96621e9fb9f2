import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ClientMetadata } from 'oidc-provider';

/** What the upstream says about a person who signs in with a login name (any name works; it is the `sub`). */
export function claimsFor(login: string, use: string): Record<string, unknown> {
  return {
    sub: login,
    preferred_username: `${login}-user`,
    name: `${login} Example`,
    given_name: login,
    family_name: 'Example',
    // Which source a profile came from: the ID token or the userinfo endpoint.
    nickname: use === 'id_token' ? 'from-id-token' : 'from-userinfo',
    locale: 'en',
    email: `${login}@upstream.example`,
    email_verified: true,
  };
}

export interface Upstream {
  /** The oidc-provider issuer: `<url>/oidc`. */
  readonly issuer: string;
  /** The upstream server's origin. */
  readonly url: string;
  /** Starts the OpenID provider with these clients (their redirect URI is known only after the server boots). */
  configure(clients: ClientMetadata[]): void;
  /** Extra routes in front of the provider (GitHub's and Graph's shapes, Apple's token check). */
  route(prefix: string, handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void): void;
  close(): Promise<void>;
}

/**
 * A real OpenID provider (node oidc-provider) started in the test process as the upstream:
 * its development interactions sign in any login name, PKCE is required of the client named
 * `pkce-client`, and ID tokens carry the profile claims so ID-token mapping can be told apart.
 */
export async function startUpstream(): Promise<Upstream> {
  let provider: Provider | undefined;
  const routes: { prefix: string; handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void }[] = [];
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    const extra = routes.find((r) => path.startsWith(r.prefix) && req.headers['x-test-forwarded'] !== '1');
    if (extra) {
      Promise.resolve(extra.handler(req, res)).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
      return;
    }
    if (!provider) {
      res.statusCode = 404;
      res.end();
      return;
    }
    // The provider's own interaction redirects are host-absolute (`/interaction/<uid>`).
    if (path.startsWith('/oidc')) req.url = path.slice('/oidc'.length) || '/';
    provider.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${url}/oidc`;
  return {
    issuer,
    url,
    configure(clients) {
      provider = new Provider(issuer, {
        clients,
        findAccount: (_ctx, id) => ({
          accountId: id,
          claims: (use: string) => claimsFor(id, use) as { sub: string },
        }),
        claims: {
          openid: ['sub'],
          profile: ['name', 'given_name', 'family_name', 'preferred_username', 'nickname', 'locale'],
          email: ['email', 'email_verified'],
        },
        conformIdTokenClaims: false,
        pkce: { required: (_ctx, client) => client.clientId === 'pkce-client' },
        features: { devInteractions: { enabled: true } },
        cookies: { keys: ['upstream-test-cookie-key'] },
      });
      provider.on('server_error', (_ctx, err) => console.error('upstream server_error', err));
    },
    route(prefix, handler) {
      routes.push({ prefix, handler });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A cookie jar for one browser: every cookie goes back to the host that set it. */
export class Browser {
  private readonly cookies = new Map<string, Map<string, string>>();

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const host = new URL(url).host;
    const jar = this.cookies.get(host);
    const headers = new Headers(init.headers);
    if (jar?.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const set of res.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const eq = pair.indexOf('=');
      const map = this.cookies.get(host) ?? new Map<string, string>();
      map.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
      this.cookies.set(host, map);
    }
    return res;
  }
}

/** How the browser's trip through the upstream ended: back at our callback (by GET or form POST). */
export interface Arrival {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly form?: URLSearchParams;
}

/**
 * Drives the upstream's development interactions like a browser: signs in `login` and consents,
 * or cancels (`abort`), until the upstream sends the browser to `stopAt` (our callback).
 */
export async function signInUpstream(
  browser: Browser,
  authUrl: string,
  stopAt: string,
  opts: { login?: string; abort?: boolean } = {},
): Promise<Arrival> {
  let next: { url: string; init?: RequestInit } = { url: authUrl };
  for (let hop = 0; hop < 20; hop++) {
    if (next.url.startsWith(stopAt)) {
      return next.init?.method === 'POST'
        ? { url: next.url, method: 'POST', form: next.init.body as URLSearchParams }
        : { url: next.url, method: 'GET' };
    }
    const res = await browser.fetch(next.url, next.init);
    const location = res.headers.get('location');
    if (location) {
      next = { url: new URL(location, next.url).href };
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`upstream answered ${res.status}: ${html.slice(0, 300)}`);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no form on the upstream page: ${html.slice(0, 300)}`);
    const target = new URL(action.replace(/&amp;/g, '&'), next.url).href;
    if (html.includes('name="login"')) {
      if (opts.abort) {
        next = { url: `${target.replace(/\/$/, '')}/abort` };
        continue;
      }
      next = {
        url: target,
        init: {
          method: 'POST',
          body: new URLSearchParams({ prompt: 'login', login: opts.login ?? 'alice', password: '' }),
        },
      };
      continue;
    }
    if (html.includes('value="consent"')) {
      next = { url: target, init: { method: 'POST', body: new URLSearchParams({ prompt: 'consent' }) } };
      continue;
    }
    // form_post (RFC: OAuth 2.0 Form Post Response Mode): the page posts its hidden inputs to the client.
    const fields = new URLSearchParams();
    for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
      fields.set(
        m[1],
        m[2]
          .replace(/&amp;/g, '&')
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'"),
      );
    }
    next = { url: target, init: { method: 'POST', body: fields } };
  }
  throw new Error('too many hops at the upstream');
}
