import { request } from 'node:http';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Code, ConnectError, createClient, type Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from '@connectrpc/connect-node';
import { NewAuthorizationBearerInterceptor } from '@zitadel/client';
import { ErrorDetailSchema } from '@zitadel/proto/zitadel/message_pb.js';
import { OrganizationService } from '@zitadel/proto/zitadel/org/v2/org_service_pb.js';
import { ChangeFeed } from '../../src/platform/cache/change-feed.js';
import { Config } from '../../src/platform/config/config.js';
import { DomainError } from '../../src/platform/errors/domain-error.js';
import { systemCaller } from '../../src/platform/rpc/call-context.js';
import { InstanceResolver } from '../../src/platform/tenancy/instance-resolver.js';
import { UNKNOWN_HOST_ID } from '../../src/platform/tenancy/tenancy.errors.js';
import { WebKeysService } from '../../src/webkeys/webkeys.service.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';

/** Distinctive configured domains: any of them in an answer to a foreign host is a leak. */
const FIRST_DOMAIN = 'secret-first.example';
const SECOND_DOMAIN = 'secret-second.example';
const LEAK = /secret-(first|second)\.example/;
const FOREIGN = 'nowhere.example';

let server: TestServer;
beforeAll(async () => {
  server = await bootTestServer({ PORTCULLIS_TRUSTED_DOMAINS: `127.0.0.1,${FIRST_DOMAIN}` });
  // A second instance on the same database, with a domain of its own.
  await server.database.dataSource.query(
    `INSERT INTO instances (id, name, default_org_id, primary_domain, created_at) VALUES ('second-instance', 'Second', NULL, $1, now())`,
    [SECOND_DOMAIN],
  );
  await server.database.dataSource.query(
    `INSERT INTO instance_domains (domain, instance_id, is_generated, created_at) VALUES ($1, 'second-instance', false, now())`,
    [SECOND_DOMAIN],
  );
  // Its own signing key, as the bootstrap gives every instance.
  const [second] = await server.database.dataSource.query(`SELECT * FROM instances WHERE id = 'second-instance'`);
  const instance = {
    id: second.id,
    name: second.name,
    defaultOrgId: null,
    primaryDomain: second.primary_domain,
    createdAt: second.created_at,
  };
  await server.database.dataSource.transaction((tx) =>
    server.app.get(WebKeysService).ensureActiveKey(systemCaller(instance, 'test'), tx),
  );
}, 60_000);
afterAll(() => server?.close());

/** A plain HTTP/1.1 request to the server with the given Host header. */
function get(
  path: string,
  host: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, method: init.method ?? 'GET', headers: { host, ...init.headers } },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A ZITADEL client transport that names `host` (Host / :authority) but reaches the test server. */
function foreignTransport(kind: 'grpc' | 'connect-h1' | 'connect-h2' | 'grpc-web-h1', host: string): Transport {
  const baseUrl = `http://${host}:${server.port}`;
  const createConnection = () => connect(server.port, '127.0.0.1');
  const interceptors = [NewAuthorizationBearerInterceptor(server.adminPat)];
  switch (kind) {
    case 'grpc':
      return createGrpcTransport({ baseUrl, interceptors, nodeOptions: { createConnection } });
    case 'connect-h2':
      return createConnectTransport({ baseUrl, httpVersion: '2', interceptors, nodeOptions: { createConnection } });
    case 'connect-h1':
      return createConnectTransport({ baseUrl, httpVersion: '1.1', interceptors, nodeOptions: { createConnection } });
    case 'grpc-web-h1':
      return createGrpcWebTransport({ baseUrl, httpVersion: '1.1', interceptors, nodeOptions: { createConnection } });
  }
}

describe('an unknown Host header reveals nothing about the configured domains', () => {
  it('REST answers 404 NOT_FOUND with a hint about PORTCULLIS_TRUSTED_DOMAINS and no domain list', async () => {
    const res = await get('/v2/organizations/_search', `${FOREIGN}:1234`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminPat}` },
    });
    expect(res.status).toBe(404);
    const body = JSON.parse(res.body);
    expect(body.code).toBe(Code.NotFound);
    expect(body.details[0].id).toBe(UNKNOWN_HOST_ID);
    expect(body.message).toContain('PORTCULLIS_TRUSTED_DOMAINS');
    expect(res.body).not.toMatch(LEAK);
    expect(res.body).not.toContain('localhost');
  });

  it.each(['grpc', 'connect-h1', 'connect-h2', 'grpc-web-h1'] as const)(
    '%s answers NOT_FOUND with no domain list',
    async (kind) => {
      const orgs = createClient(OrganizationService, foreignTransport(kind, FOREIGN));
      const err = ConnectError.from(await orgs.listOrganizations({}).catch((e) => e));
      expect(err.code).toBe(Code.NotFound);
      expect(err.findDetails(ErrorDetailSchema)[0]?.id).toBe(UNKNOWN_HOST_ID);
      expect(err.rawMessage).toContain('PORTCULLIS_TRUSTED_DOMAINS');
      expect(err.rawMessage).not.toMatch(LEAK);
    },
  );

  it.each([
    ['OIDC discovery', '/.well-known/openid-configuration'],
    ['the OAuth metadata', '/.well-known/oauth-authorization-server'],
    ['the JWKS', '/oauth/v2/keys'],
    ['the SAML metadata', '/saml/v2/metadata'],
    ['a login page', '/ui/v2/login/loginname'],
  ])('%s answers 404 with no domain list', async (_name, path) => {
    const res = await get(path, FOREIGN);
    expect(res.status).toBe(404);
    expect(res.body).not.toMatch(LEAK);
    expect(res.body).not.toContain('127.0.0.1');
  });

  it('cross-instance: the second instance answers on its own domain with nothing of the first', async () => {
    const kids = (body: string) => (JSON.parse(body).keys as Array<{ kid: string }>).map((k) => k.kid);
    const first = await get('/oauth/v2/keys', `127.0.0.1:${server.port}`);
    const second = await get('/oauth/v2/keys', `${SECOND_DOMAIN}:${server.port}`);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(kids(first.body).length).toBeGreaterThan(0);
    expect(kids(second.body).length).toBeGreaterThan(0);
    expect(kids(second.body).filter((kid) => kids(first.body).includes(kid))).toEqual([]);
    // The first instance's admin token means nothing on the second instance, and the refusal names no domain.
    const orgs = createClient(OrganizationService, foreignTransport('grpc', SECOND_DOMAIN));
    const err = ConnectError.from(await orgs.listOrganizations({}).catch((e) => e));
    expect(err.code).toBe(Code.Unauthenticated);
    expect(err.rawMessage).not.toMatch(LEAK);
    expect(err.rawMessage).not.toContain('127.0.0.1');
  });

  it('the server log names the host and the configured domains, at most once per host in a while (the window is unit-tested in log-throttle.spec.ts)', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const resolver = new InstanceResolver(
      server.database.dataSource,
      pino({ level: 'warn' }, sink),
      server.app.get(Config),
      server.app.get(ChangeFeed),
    );
    const refusal = async (host: string) => {
      const err = await resolver.resolve(host).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).id).toBe(UNKNOWN_HOST_ID);
      expect((err as DomainError).message).not.toMatch(LEAK);
    };

    await refusal(`${FOREIGN}:443`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ host: FOREIGN });
    expect(lines[0].configuredDomains).toEqual(expect.arrayContaining(['127.0.0.1', FIRST_DOMAIN, SECOND_DOMAIN]));

    await refusal(FOREIGN);
    await refusal(FOREIGN.toUpperCase());
    expect(lines).toHaveLength(1);
    await refusal('other.example');
    expect(lines).toHaveLength(2);
  });
});
