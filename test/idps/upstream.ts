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
  /** How many requests each path (without the /oidc prefix and the query) got. */
  readonly hits: Map<string, number>;
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
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    const counted = path.replace(/^\/oidc/, '').split('?')[0];
    if (req.headers['x-test-forwarded'] !== '1') hits.set(counted, (hits.get(counted) ?? 0) + 1);
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
    hits,
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

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends the request on to the OpenID provider (marked so the extra routes let it through). */
async function forward(req: IncomingMessage, res: ServerResponse, target: string, body?: string): Promise<void> {
  const headers: Record<string, string> = { 'x-test-forwarded': '1' };
  for (const name of ['content-type', 'authorization', 'accept']) {
    const v = req.headers[name];
    if (typeof v === 'string') headers[name] = v;
  }
  const answer = await fetch(target, {
    method: req.method,
    headers,
    body: req.method === 'POST' ? (body ?? (await readAll(req))) : undefined,
  });
  res.statusCode = answer.status;
  res.setHeader('content-type', answer.headers.get('content-type') ?? 'application/json');
  res.end(await answer.text());
}

function redirectToAuth(upstream: Upstream, req: IncomingMessage, res: ServerResponse): void {
  const query = new URL(req.url ?? '/', upstream.url).search;
  res.statusCode = 302;
  res.setHeader('location', `${upstream.issuer}/auth${query}`);
  res.end();
}

async function userinfo(upstream: Upstream, req: IncomingMessage): Promise<Record<string, unknown>> {
  const answer = await fetch(`${upstream.issuer}/me`, {
    headers: { authorization: String(req.headers.authorization ?? ''), 'x-test-forwarded': '1' },
  });
  if (!answer.ok) throw new Error(`userinfo answered ${answer.status}`);
  return (await answer.json()) as Record<string, unknown>;
}

const sendJson = (res: ServerResponse, body: unknown) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
};

/** A stable number for a login, as GitHub's ids are numbers. */
export const githubIdOf = (login: string): number =>
  [...login].reduce((n, ch) => n * 31 + ch.charCodeAt(0), 7) % 1_000_000_000;

/**
 * GitHub's layout at `<url><prefix>` in front of the OpenID provider: `/login/oauth/authorize`,
 * `/login/oauth/access_token`, and the API's `/api/v3/user` and `/api/v3/user/emails` answering
 * in GitHub's shapes (a private email, so the address comes from the emails list).
 */
export function serveGithubShape(upstream: Upstream, prefix: string): void {
  upstream.route(`${prefix}/login/oauth/authorize`, (req, res) => redirectToAuth(upstream, req, res));
  upstream.route(`${prefix}/login/oauth/access_token`, (req, res) => forward(req, res, `${upstream.issuer}/token`));
  upstream.route(`${prefix}/api/v3/user/emails`, async (req, res) => {
    const claims = await userinfo(upstream, req);
    sendJson(res, [
      { email: 'old@upstream.example', primary: false, verified: false, visibility: null },
      { email: claims.email, primary: true, verified: true, visibility: 'private' },
    ]);
  });
  upstream.route(`${prefix}/api/v3/user`, async (req, res) => {
    const claims = await userinfo(upstream, req);
    const login = String(claims.sub);
    sendJson(res, {
      login,
      id: githubIdOf(login),
      node_id: 'MDQ6VXNlcjE=',
      avatar_url: `https://avatars.example/${login}`,
      html_url: `https://github.example/${login}`,
      type: 'User',
      name: claims.name,
      email: null,
    });
  });
}

/** Azure AD's layout at `<url><prefix>`: `/<tenant>/oauth2/v2.0/{authorize,token}` and Graph's `/graph/v1.0/me`. */
export function serveAzureShape(upstream: Upstream, prefix: string, tenantsSeen: string[]): void {
  upstream.route(`${prefix}/graph/v1.0/me`, async (req, res) => {
    const claims = await userinfo(upstream, req);
    sendJson(res, {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
      id: `graph-${claims.sub}`,
      businessPhones: [],
      displayName: claims.name,
      givenName: claims.given_name,
      surname: claims.family_name,
      jobTitle: null,
      mail: claims.email,
      mobilePhone: '+41 79 000 00 00',
      officeLocation: null,
      preferredLanguage: 'en-US',
      userPrincipalName: `${claims.sub}@contoso.example`,
    });
  });
  upstream.route(`${prefix}/`, async (req, res) => {
    const path = new URL(req.url ?? '/', upstream.url).pathname.slice(prefix.length);
    const [, tenant, , , endpoint] = path.split('/');
    tenantsSeen.push(tenant);
    if (endpoint === 'authorize') return redirectToAuth(upstream, req, res);
    if (endpoint === 'token') return forward(req, res, `${upstream.issuer}/token`);
    res.statusCode = 404;
    res.end();
  });
}

/**
 * Apple's client authentication in front of the provider's token endpoint: the client secret
 * must be a JWT signed (ES256) with the team's key, for the right team, key, client and audience;
 * it is then swapped for the static secret the OpenID provider knows.
 */
export function checkAppleClientSecret(
  upstream: Upstream,
  check: (clientSecretJwt: string) => Promise<void>,
  clientId: string,
  staticSecret: string,
): void {
  // The provider's discovery names its endpoints at the host root (it does not see the /oidc prefix).
  upstream.route('/token', async (req, res) => {
    const body = new URLSearchParams(await readAll(req));
    if (body.get('client_id') === clientId) {
      try {
        await check(body.get('client_secret') ?? '');
      } catch (err) {
        res.statusCode = 401;
        sendJson(res, { error: 'invalid_client', error_description: String(err) });
        return;
      }
      body.set('client_secret', staticSecret);
    }
    await forward(req, res, `${upstream.issuer}/token`, body.toString());
  });
}

/** For one client, the token endpoint's ID token comes back with a broken signature (a forged token). */
export function forgeIdTokensFor(upstream: Upstream, clientId: string): void {
  upstream.route('/token', async (req, res) => {
    const body = await readAll(req);
    const answer = await fetch(`${upstream.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': String(req.headers['content-type']), 'x-test-forwarded': '1' },
      body,
    });
    const json = (await answer.json()) as Record<string, unknown>;
    if (new URLSearchParams(body).get('client_id') === clientId && typeof json.id_token === 'string') {
      const [header, payload, signature] = json.id_token.split('.');
      const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
      json.id_token = [header, payload, flipped].join('.');
    }
    res.statusCode = answer.status;
    sendJson(res, json);
  });
}
