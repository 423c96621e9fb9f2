import { request } from 'node:http';
import { UNKNOWN_HOST_ID } from '../../src/platform/tenancy/tenancy.errors.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { oidcWorld, type OidcWorld } from './support.js';

/** A configured domain: any of it in an answer to a foreign host is a leak. */
const DOMAIN = 'secret-oauth.example';
const FOREIGN = 'nowhere.example';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

let server: TestServer;
let world: OidcWorld;
beforeAll(async () => {
  server = await bootTestServer({ PORTCULLIS_TRUSTED_DOMAINS: `127.0.0.1,${DOMAIN}` });
  world = await oidcWorld(server);
}, 60_000);
afterAll(() => server?.close());

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP/1.1 request naming `host`, so the Host header is exactly what a client sent. */
function send(
  method: string,
  path: string,
  init: { host?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method,
        headers: { host: init.host ?? `127.0.0.1:${server.port}`, ...init.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    // The server may answer (and close) before reading an oversized body.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? undefined : reject(err)));
    req.end(init.body);
  });
}

const basic = (id: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
});

/** The answer is an OAuth error (RFC 6749 §5.2): JSON with exactly `error` and `error_description`. */
function expectOAuthError(answer: Answer, status: number, error: string): { error: string; error_description: string } {
  expect([answer.status, answer.headers['content-type']]).toEqual([
    status,
    expect.stringMatching(/^application\/json/),
  ]);
  const body = JSON.parse(answer.body);
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
  expect(body.error).toBe(error);
  expect(typeof body.error_description).toBe('string');
  expect(body.error_description.length).toBeGreaterThan(0);
  return body;
}

describe("an unknown host gets an OAuth error on every OIDC/OAuth endpoint (ZITADEL's oidcError: a status under 500 is invalid_request)", () => {
  it.each([
    ['token', 'POST', '/oauth/v2/token', 'grant_type=client_credentials'],
    ['introspection', 'POST', '/oauth/v2/introspect', 'token=abc'],
    ['revocation', 'POST', '/oauth/v2/revoke', 'token=abc'],
    ['device authorization', 'POST', '/oauth/v2/device_authorization', 'client_id=abc'],
    ['pushed authorization', 'POST', '/oauth/v2/par', 'client_id=abc'],
    ['userinfo', 'GET', '/oidc/v1/userinfo', undefined],
    ['the JWKS', 'GET', '/oauth/v2/keys', undefined],
    ['authorization', 'GET', '/oauth/v2/authorize?client_id=abc', undefined],
    ['end_session', 'GET', '/oidc/v1/end_session', undefined],
    ['discovery', 'GET', '/.well-known/openid-configuration', undefined],
  ])('%s: 404 invalid_request naming the stable id and no configured domain', async (_name, method, path, body) => {
    const answer = await send(method, path, { host: FOREIGN, body, headers: FORM });
    const error = expectOAuthError(answer, 404, 'invalid_request');
    expect(error.error_description).toContain(UNKNOWN_HOST_ID);
    expect(answer.body).not.toContain(DOMAIN);
    expect(answer.headers['cache-control']).toBe('no-store');
  });
});

describe('bad input gets OAuth errors, never another shape', () => {
  describe('the token endpoint (RFC 6749 §5.2)', () => {
    it('no grant_type: invalid_request', async () => {
      const answer = await send('POST', '/oauth/v2/token', {
        body: '',
        headers: { ...FORM, ...basic(world.api.clientId, world.api.clientSecret) },
      });
      expectOAuthError(answer, 400, 'invalid_request');
    });

    it('a grant type no one serves: unsupported_grant_type', async () => {
      const answer = await send('POST', '/oauth/v2/token', {
        body: 'grant_type=urn%3Aexample%3Anone',
        headers: { ...FORM, ...basic(world.api.clientId, world.api.clientSecret) },
      });
      expectOAuthError(answer, 400, 'unsupported_grant_type');
    });

    it('a wrong client secret: invalid_client', async () => {
      const answer = await send('POST', '/oauth/v2/token', {
        body: 'grant_type=client_credentials',
        headers: { ...FORM, ...basic(world.api.clientId, 'not-the-secret') },
      });
      expectOAuthError(answer, 401, 'invalid_client');
    });

    it('a JWT profile grant with an assertion that is no JWT: an OAuth error, not a 500', async () => {
      const answer = await send('POST', '/oauth/v2/token', {
        body: 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=not-a-jwt',
        headers: FORM,
      });
      expect(answer.status).toBeLessThan(500);
      expectOAuthError(answer, answer.status, JSON.parse(answer.body).error);
    });

    it('a body over the limit: 413 invalid_request', async () => {
      const answer = await send('POST', '/oauth/v2/token', {
        body: `grant_type=client_credentials&pad=${'a'.repeat(64 * 1024)}`,
        headers: FORM,
      });
      expectOAuthError(answer, 413, 'invalid_request');
    });
  });

  describe('introspection (RFC 7662) and revocation (RFC 7009)', () => {
    it.each(['/oauth/v2/introspect', '/oauth/v2/revoke'])('%s without a token: invalid_request', async (path) => {
      const answer = await send('POST', path, {
        body: '',
        headers: { ...FORM, ...basic(world.api.clientId, world.api.clientSecret) },
      });
      expectOAuthError(answer, 400, 'invalid_request');
    });

    it.each(['/oauth/v2/introspect', '/oauth/v2/revoke'])('%s by an unknown client: invalid_client', async (path) => {
      const answer = await send('POST', path, { body: 'token=abc', headers: { ...FORM, ...basic('nobody', 'x') } });
      expectOAuthError(answer, 401, 'invalid_client');
    });
  });

  describe('userinfo (RFC 6750 §3.1)', () => {
    it('no access token: 401 invalid_token with a challenge', async () => {
      const answer = await send('GET', '/oidc/v1/userinfo');
      expectOAuthError(answer, 401, 'invalid_token');
      expect(answer.headers['www-authenticate']).toMatch(/^Bearer /);
    });

    it('an unknown access token: 401 invalid_token', async () => {
      const answer = await send('GET', '/oidc/v1/userinfo', { headers: { authorization: 'Bearer nope' } });
      expectOAuthError(answer, 401, 'invalid_token');
    });

    it('a form body over the limit: 413 invalid_request, not a bare 500', async () => {
      const answer = await send('POST', '/oidc/v1/userinfo', {
        body: `access_token=${'a'.repeat(64 * 1024)}`,
        headers: FORM,
      });
      expectOAuthError(answer, 413, 'invalid_request');
    });

    it('a method it does not answer: 405 invalid_request', async () => {
      const answer = await send('DELETE', '/oidc/v1/userinfo');
      expectOAuthError(answer, 405, 'invalid_request');
    });
  });

  describe('device authorization (RFC 8628 §3.1) and pushed authorization (RFC 9126 §2.3)', () => {
    it.each(['/oauth/v2/device_authorization', '/oauth/v2/par'])(
      '%s by an unknown client: invalid_client',
      async (path) => {
        const answer = await send('POST', path, { body: 'client_id=nobody&scope=openid', headers: FORM });
        expectOAuthError(answer, 401, 'invalid_client');
      },
    );

    it('a pushed request with a redirect URI the app does not have: invalid_request', async () => {
      const answer = await send('POST', '/oauth/v2/par', {
        body: new URLSearchParams({
          response_type: 'code',
          scope: 'openid',
          redirect_uri: 'https://evil.example/cb',
          code_challenge: 'a'.repeat(43),
          code_challenge_method: 'S256',
        }).toString(),
        headers: { ...FORM, ...basic(world.web.clientId, world.web.clientSecret) },
      });
      expectOAuthError(answer, 400, 'invalid_request');
    });
  });

  describe('what no endpoint serves', () => {
    it.each([
      ['an unknown path under /oauth/v2', 'GET', '/oauth/v2/nowhere'],
      ['a method the token endpoint does not answer', 'GET', '/oauth/v2/token'],
    ])('%s: 404 invalid_request', async (_name, method, path) => {
      expectOAuthError(await send(method, path), 404, 'invalid_request');
    });
  });

  describe('the JWKS (RFC 7517 §5)', () => {
    it('a method it does not answer: 405 invalid_request (was a non-OAuth "method_not_allowed")', async () => {
      const answer = await send('POST', '/oauth/v2/keys', { body: '' });
      expectOAuthError(answer, 405, 'invalid_request');
      expect(answer.headers.allow).toBe('GET, HEAD');
    });
  });
});
