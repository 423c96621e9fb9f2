// Attack replay: server-side request forgery and Host probing against a running server, as an org
// owner would try them. SSRF: SAML metadata URLs and org domain HTTP challenges that point at an
// internal service directly, through DNS rebinding, or through a redirect, and an app's OIDC
// back-channel logout URI pointing inside. Host: a foreign Host
// header must not list the configured domains; a forged public host or forwarded header must not
// reach an issuer or a URL the server hands out.
//
// Only loopback is used: 127.0.0.2 stands for a public host (PORTCULLIS_OUTBOUND_ALLOW_PRIVATE
// allows exactly that address), 127.0.0.1 for the internal service the attacker wants reached.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Code, ConnectError } from '@connectrpc/connect';
import { AppService } from '@zitadel/proto/zitadel/app/v2beta/app_service_pb.js';
import { DomainValidationType } from '@zitadel/proto/zitadel/org/v2beta/org_pb.js';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { ProjectService } from '@zitadel/proto/zitadel/project/v2beta/project_service_pb.js';
import { PUBLIC_HOST_HEADER } from '../../../src/platform/tenancy/request-host.js';
import { UNKNOWN_HOST_ID, UNTRUSTED_PUBLIC_HOST_ID } from '../../../src/platform/tenancy/tenancy.errors.js';
import { spMetadata } from '../../apps/saml-fixtures.js';
import { client } from '../../support/clients.js';
import { TestDnsServer } from '../../support/dns-server.js';
import { machineWithRoles } from '../../support/principals.js';
import { bootTestServer, type TestServer } from '../../support/test-server.js';
import {
  Browser,
  POST_LOGOUT,
  addOidcApp,
  hostedCodeFlow,
  oidc,
  oidcWorld,
  rp,
  setBackChannelLogout,
} from '../../oidc/support.js';
import { withoutMfaPrompt } from '../../login/support.js';

const PUBLIC = '127.0.0.2';
const INTERNAL = '127.0.0.1';

let dns: TestDnsServer;
let outside: Server;
let inside: Server;
/** Requests that reached the internal service: every attack must leave this empty. */
const internalHits: string[] = [];
/** Requests that reached the public host. */
const publicHits: string[] = [];
let port: number;
let server: TestServer;
let ownerPat: string;
let orgId: string;
let projectId: string;

const listen = (s: Server, host: string, at = 0) =>
  new Promise<number>((resolve, reject) => {
    s.once('error', reject);
    s.listen(at, host, () => resolve((s.address() as AddressInfo).port));
  });

beforeAll(async () => {
  dns = await new TestDnsServer().start();
  outside = createServer((req, res) => {
    const url = req.url ?? '';
    publicHits.push(url);
    // The redirect attack: a public page that bounces the fetch to the internal service.
    if (url.startsWith('/bounce') || req.headers.host?.startsWith('hop.')) {
      res.writeHead(302, { location: `http://${INTERNAL}:${port}/metadata` }).end();
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/xml' })
      .end(spMetadata({ entityId: `https://sp.test/${url.slice(1)}` }));
  });
  // The internal service answers what the attacker wants: valid metadata, any challenge token.
  inside = createServer((req, res) => {
    internalHits.push(`${req.headers.host} ${req.url}`);
    const token = (req.url ?? '').split('/').pop() ?? '';
    res
      .writeHead(200)
      .end(
        req.url?.includes('zitadel-challenge')
          ? token
          : spMetadata({ entityId: `https://internal.test/${Date.now()}` }),
      );
  });
  port = await listen(outside, PUBLIC);
  await listen(inside, INTERNAL, port);

  server = await bootTestServer({
    PORTCULLIS_DNS_SERVERS: dns.address,
    PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: PUBLIC,
    PORTCULLIS_DOMAIN_CHALLENGE_HTTP_PORT: String(port),
  });
  orgId = (
    await client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat).createOrganization({ name: 'SSRF Attacker Org' })
  ).id;
  ownerPat = (await machineWithRoles(server, orgId, { level: 'org', resourceId: orgId, roles: ['ORG_OWNER'] })).pat;
  projectId = (
    await client(ProjectService, 'grpc', server.baseUrl, ownerPat).createProject({
      organizationId: orgId,
      name: 'SSRF',
    })
  ).id;
}, 60_000);
afterAll(async () => {
  await server?.close();
  await dns?.stop();
  outside?.close();
  inside?.close();
});
beforeEach(() => {
  internalHits.length = 0;
  publicHits.length = 0;
});

function samlAppFrom(url: string) {
  return client(AppService, 'grpc', server.baseUrl, ownerPat).createApplication({
    projectId,
    name: `saml ${url}`,
    creationRequestType: {
      case: 'samlRequest',
      value: {
        metadata: { case: 'metadataUrl', value: url },
        loginVersion: { version: { case: 'loginV1', value: {} } },
      },
    },
  });
}

const refusal = (call: Promise<unknown>) =>
  call.then(
    () => undefined,
    (e: unknown) => ConnectError.from(e),
  );

describe('SSRF through SAML metadata URLs', () => {
  it('DNS rebinding: a name answering a public address, then 127.0.0.1, is resolved once and fetched from the checked address', async () => {
    dns.answerA('rebind.attacker.test', [PUBLIC], [INTERNAL]);
    const created = await samlAppFrom(`http://rebind.attacker.test:${port}/rebind`);
    expect(created.appId).toBeTruthy();
    expect(dns.queryCount('A', 'rebind.attacker.test')).toBe(1);
    expect(internalHits).toEqual([]);
  });

  it('a name resolving to loopback is refused with INVALID_ARGUMENT that does not name the address', async () => {
    dns.answerA('intranet.attacker.test', [INTERNAL]);
    const err = await refusal(samlAppFrom(`http://intranet.attacker.test:${port}/metadata`));
    expect(err?.code).toBe(Code.InvalidArgument);
    expect(err?.rawMessage).toMatch(/loopback/);
    expect(err?.rawMessage).not.toContain(INTERNAL);
    expect(internalHits).toEqual([]);
  });

  it('a redirect from a public URL to the internal service is not followed', async () => {
    const err = await refusal(samlAppFrom(`http://${PUBLIC}:${port}/bounce`));
    expect(err?.code).toBe(Code.InvalidArgument);
    expect(err?.rawMessage).toMatch(/answered 302 \(redirects are not followed/);
    expect(internalHits).toEqual([]);
  });

  it.each([
    ['a cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/', /cloud metadata service address/],
    ['an IPv4-mapped loopback address', () => `http://[::ffff:${INTERNAL}]:${port}/metadata`, /loopback address/],
    ['a loopback address', () => `http://${INTERNAL}:${port}/metadata`, /loopback address/],
  ])('%s in the URL is refused without a connection', async (_name, url, reason) => {
    const err = await refusal(samlAppFrom(url()));
    expect(err?.code).toBe(Code.InvalidArgument);
    expect(err?.rawMessage).toMatch(reason);
    expect(internalHits).toEqual([]);
  });
});

describe('SSRF through org domain HTTP challenges', () => {
  async function verify(domain: string) {
    const orgs = client(OrgV2beta, 'grpc', server.baseUrl, ownerPat);
    await orgs.addOrganizationDomain({ organizationId: orgId, domain });
    await orgs.generateOrganizationDomainValidation({ organizationId: orgId, domain, type: DomainValidationType.HTTP });
    return refusal(orgs.verifyOrganizationDomain({ organizationId: orgId, domain }));
  }

  it('a domain resolving to loopback is not fetched, and the refusal does not name the address', async () => {
    dns.answerA('intranet.victim.test', [INTERNAL]);
    const err = await verify('intranet.victim.test');
    expect(err?.code).toBe(Code.FailedPrecondition);
    expect(err?.rawMessage).toMatch(/resolves to a loopback address/);
    expect(err?.rawMessage).not.toContain(INTERNAL);
    expect(internalHits).toEqual([]);
  });

  it('a redirect from the public challenge URL to the internal service is re-checked and refused', async () => {
    dns.answerA('hop.victim.test', [PUBLIC]);
    const err = await verify('hop.victim.test');
    expect(err?.code).toBe(Code.FailedPrecondition);
    expect(err?.rawMessage).toMatch(/loopback address/);
    expect(internalHits).toEqual([]);
  });
});

describe('SSRF through an OIDC back-channel logout URI', () => {
  it('the logout token is posted to an allowed URI, never to the internal service', async () => {
    const world = await oidcWorld(server);
    await setBackChannelLogout(server.baseUrl, server.adminPat, true);
    const attacker = await addOidcApp(server, world, { backChannelLogoutUri: `http://${INTERNAL}:${port}/logout` });
    const control = await addOidcApp(server, world, {
      backChannelLogoutUri: `http://${PUBLIC}:${port}/logout-control`,
    });
    const browser = new Browser();
    const attackerRp = await rp(server, attacker.clientId, attacker.clientSecret);
    // Through the hosted login, which hands the browser the provider session both apps join.
    await withoutMfaPrompt(server);
    const tokens = await hostedCodeFlow(server, browser, attackerRp, world.user.username);
    await hostedCodeFlow(
      server,
      browser,
      await rp(server, control.clientId, control.clientSecret),
      world.user.username,
    );

    const page = await browser.get(
      oidc
        .buildEndSessionUrl(attackerRp, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: POST_LOGOUT })
        .toString(),
    );
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(await page.text())?.[1];
    const confirm = await browser.get(`${server.baseUrl}/oidc/v1/end_session/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf: xsrf!, logout: 'yes' }).toString(),
    });
    expect(confirm.status).toBe(303);
    // Both apps are told at once: when the allowed one has its token, the other was tried too.
    for (let i = 0; i < 50 && !publicHits.includes('/logout-control'); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(publicHits).toContain('/logout-control');
    expect(internalHits).toEqual([]);
  });
});

describe('Host probing', () => {
  it('a foreign Host header answers NOT_FOUND without the configured domains', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: INTERNAL,
          port: server.port,
          path: '/v2/organizations/_search',
          method: 'POST',
          headers: { host: 'probe.attacker.test', 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => (res.statusCode === 404 ? resolve(text) : reject(new Error(`status ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(JSON.parse(body).details[0].id).toBe(UNKNOWN_HOST_ID);
    expect(body).not.toMatch(/localhost|127\.0\.0\.1/);
  });

  const discovery = (headers: Record<string, string>) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: INTERNAL,
          port: server.port,
          path: '/.well-known/openid-configuration',
          headers: { host: `${INTERNAL}:${server.port}`, ...headers },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end();
    });

  it('a forged x-zitadel-public-host (host-header injection into issuers and emailed links) is refused and never echoed', async () => {
    for (const forged of [
      'attacker.test',
      `${INTERNAL}:${server.port}/attacker.test`,
      `attacker.test:${server.port}`,
    ]) {
      const { status, body } = await discovery({ [PUBLIC_HOST_HEADER]: forged });
      expect(status).toBe(404);
      // Discovery is an OIDC endpoint: its refusals are OAuth-shaped, the stable id ending the description.
      expect(JSON.parse(body)).toEqual({
        error: 'invalid_request',
        error_description: expect.stringContaining(UNTRUSTED_PUBLIC_HOST_ID),
      });
      expect(body).not.toContain('attacker');
    }
  });

  it('forwarded headers of a caller never reach the issuer or an endpoint URL', async () => {
    const { status, body } = await discovery({
      'x-forwarded-host': 'attacker.test',
      'x-forwarded-proto': 'https',
      forwarded: 'host=attacker.test;proto=https',
    });
    expect(status).toBe(200);
    expect(body).not.toContain('attacker');
    expect(JSON.parse(body).issuer).toBe(`http://${INTERNAL}:${server.port}`);
  });
});
