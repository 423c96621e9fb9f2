import { request } from 'node:http';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { rest } from '../support/clients.js';

let server: TestServer;
beforeAll(async () => {
  server = await bootTestServer();
});
afterAll(() => server?.close());

const ERROR_DETAIL = 'type.googleapis.com/zitadel.v1.ErrorDetail';
const BAD_REQUEST = 'type.googleapis.com/google.rpc.BadRequest';

describe('organizations over REST (ZITADEL paths and JSON)', () => {
  it('adds an org with a new human admin, lists, updates and deletes it', async () => {
    const added = await rest(server.baseUrl, 'POST', '/v2/organizations', {
      token: server.adminPat,
      body: {
        name: 'Rest Corp',
        admins: [
          {
            human: {
              username: 'rest.admin',
              profile: { givenName: 'Rest', familyName: 'Admin' },
              email: { email: 'rest.admin@example.com', returnCode: {} },
              password: { password: 'Secr3t!pass', changeRequired: false },
            },
            roles: ['ORG_OWNER'],
          },
        ],
      },
    });
    expect(added.status).toBe(201); // ZITADEL's gateway answers AddOrganization with 201 Created
    expect(added.body.organizationId).toMatch(/^\d{18}$/);
    expect(added.body.details.sequence).toMatch(/^\d+$/); // 64-bit ints as strings
    expect(added.body.details.resourceOwner).toBe(added.body.organizationId);
    expect(added.body.createdAdmins[0].userId).toMatch(/^\d{18}$/);
    expect(added.body.createdAdmins[0].emailCode).toMatch(/^[A-Z0-9]{6}$/);
    const id = added.body.organizationId;

    const listed = await rest(server.baseUrl, 'POST', '/v2/organizations/_search', {
      token: server.adminPat,
      body: {
        query: { limit: 10, asc: true },
        sortingColumn: 'ORGANIZATION_FIELD_NAME_NAME',
        queries: [{ nameQuery: { name: 'rest', method: 'TEXT_QUERY_METHOD_STARTS_WITH_IGNORE_CASE' } }],
      },
    });
    expect(listed.status).toBe(200);
    expect(listed.body.details.totalResult).toBe('1');
    expect(listed.body.result[0]).toMatchObject({
      id,
      name: 'Rest Corp',
      state: 'ORGANIZATION_STATE_ACTIVE',
      primaryDomain: 'rest-corp.localhost',
    });

    const updated = await rest(server.baseUrl, 'POST', `/v2beta/organizations/${id}`, {
      token: server.adminPat,
      body: { name: 'Rest Corporation' },
    });
    expect(updated.status).toBe(200);
    expect(typeof updated.body.changeDate).toBe('string');

    const unchanged = await rest(server.baseUrl, 'POST', `/v2beta/organizations/${id}`, {
      token: server.adminPat,
      body: { name: 'Rest Corporation' },
    });
    expect(unchanged.status).toBe(400);
    expect(unchanged.body.code).toBe(9);

    const md = await rest(server.baseUrl, 'POST', `/v2beta/organizations/${id}/metadata`, {
      token: server.adminPat,
      body: {
        metadata: [
          { key: 'a', value: Buffer.from('1').toString('base64') },
          { key: 'b', value: Buffer.from('2').toString('base64') },
        ],
      },
    });
    expect(md.status).toBe(200);
    const mdList = await rest(server.baseUrl, 'POST', `/v2beta/organizations/${id}/metadata/search`, {
      token: server.adminPat,
      body: {},
    });
    expect(mdList.body.metadata.map((m: { key: string }) => m.key)).toEqual(['a', 'b']);
    const mdDel = await rest(server.baseUrl, 'DELETE', `/v2beta/organizations/${id}/metadata?keys=a`, {
      token: server.adminPat,
    });
    expect(mdDel.status).toBe(200);
    const mdMissing = await rest(server.baseUrl, 'DELETE', `/v2beta/organizations/${id}/metadata?keys=zzz`, {
      token: server.adminPat,
    });
    expect(mdMissing.status).toBe(404);

    const deleted = await rest(server.baseUrl, 'DELETE', `/v2beta/organizations/${id}`, { token: server.adminPat });
    expect(deleted.status).toBe(200);
    const again = await rest(server.baseUrl, 'DELETE', `/v2beta/organizations/${id}`, { token: server.adminPat });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe(5);
  });

  it('answers validation failures with code 3, the field named and ZITADEL details', async () => {
    const res = await rest(server.baseUrl, 'POST', '/v2beta/organizations', {
      token: server.adminPat,
      body: { name: '' },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(3);
    expect(res.body.message).toMatch(/\(([A-Z]+-[A-Za-z0-9]+)\)$/);
    const detail = res.body.details.find((d: { '@type': string }) => d['@type'] === ERROR_DETAIL);
    expect(detail.id).toMatch(/^[A-Z]+-/);
    const bad = res.body.details.find((d: { '@type': string }) => d['@type'] === BAD_REQUEST);
    expect(bad.fieldViolations.map((v: { field: string }) => v.field)).toContain('name');
  });

  it('rejects unknown fields and malformed JSON with INVALID_ARGUMENT, never a 500', async () => {
    const unknown = await rest(server.baseUrl, 'POST', '/v2beta/organizations', {
      token: server.adminPat,
      body: { name: 'x', nmae: 'y' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe(3);
    expect(unknown.body.message).toMatch(/nmae/);
    const malformed = await rest(server.baseUrl, 'POST', '/v2beta/organizations', {
      token: server.adminPat,
      body: '{"name":',
    });
    expect(malformed.status).toBe(400);
    const wrongType = await rest(server.baseUrl, 'POST', '/v2/organizations/_search', {
      token: server.adminPat,
      body: { query: { limit: 'lots' } },
    });
    expect(wrongType.status).toBe(400);
  });

  it('refuses a list limit over 1000 and accepts 1000', async () => {
    const over = await rest(server.baseUrl, 'POST', '/v2/organizations/_search', {
      token: server.adminPat,
      body: { query: { limit: 1001 } },
    });
    expect(over.status).toBe(400);
    expect(over.body.code).toBe(3);
    expect(JSON.stringify(over.body)).toMatch(/limit/);
    const max = await rest(server.baseUrl, 'POST', '/v2/organizations/_search', {
      token: server.adminPat,
      body: { query: { limit: 1000 } },
    });
    expect(max.status).toBe(200);
  });

  it('answers 401 with code 16 without or with a bad token', async () => {
    const none = await rest(server.baseUrl, 'POST', '/v2/organizations/_search', { body: {} });
    expect(none.status).toBe(401);
    expect(none.body.code).toBe(16);
    const bad = await rest(server.baseUrl, 'POST', '/v2/organizations/_search', { token: 'not-a-token', body: {} });
    expect(bad.status).toBe(401);
  });

  it('answers an unknown host with 404 and a hint, without naming the configured domains', async () => {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/v2/organizations/_search',
          method: 'POST',
          headers: {
            host: 'nowhere.example:1234',
            'content-type': 'application/json',
            authorization: `Bearer ${server.adminPat}`,
          },
        },
        (r) => {
          let body = '';
          r.on('data', (c) => (body += c));
          r.on('end', () => resolve({ status: r.statusCode!, body }));
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('localhost');
    expect(res.body).not.toContain('127.0.0.1');
    expect(res.body).toContain('PORTCULLIS_TRUSTED_DOMAINS');
  });

  it('answers 501 UNIMPLEMENTED on a route of a service that is not built yet', async () => {
    const res = await rest(server.baseUrl, 'GET', '/resources/v3alpha/user_schemas/1', { token: server.adminPat });
    expect(res.status).toBe(501);
    expect(res.body.code).toBe(12);
  });

  it('serves health, readiness, metrics and the OpenAPI document on the same port', async () => {
    expect((await rest(server.baseUrl, 'GET', '/debug/healthz')).body).toBe('ok');
    expect((await rest(server.baseUrl, 'GET', '/debug/ready')).status).toBe(200);
    const metrics = await rest(server.baseUrl, 'GET', '/debug/metrics');
    expect(metrics.body).toContain('portcullis_requests_total');
    expect(metrics.body).toContain('portcullis_request_duration_seconds_bucket');
    const spec = await rest(server.baseUrl, 'GET', '/openapi/v2.json');
    expect(spec.status).toBe(200);
    expect(spec.body.paths['/v2/organizations']).toBeDefined();
    const page = await rest(server.baseUrl, 'GET', '/openapi/');
    expect(page.body).toContain('/openapi/v2.json');
  });
});

describe('browser and operator conveniences', () => {
  it('answers CORS preflights and tags responses with a request id', async () => {
    const preflight = await fetch(server.baseUrl + '/v2/organizations/_search', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);

    const res = await fetch(server.baseUrl + '/v2/organizations/_search', {
      method: 'POST',
      headers: {
        origin: 'https://app.example.com',
        authorization: `Bearer ${server.adminPat}`,
        'content-type': 'application/json',
        'x-request-id': 'req-123',
      },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.headers.get('x-request-id')).toBe('req-123');
    const failed = await fetch(server.baseUrl + '/v2/organizations/_search', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(failed.status).toBe(401);
    expect(failed.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
