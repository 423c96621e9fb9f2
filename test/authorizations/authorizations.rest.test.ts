import { OrganizationService } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { client, rest } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { human, project as newProject, projectGrant } from './fixtures.js';

let server: TestServer;
let orgA: string;
let orgB: string;
let shop: string;
let grant: string;
let alice: string;
let bob: string;

beforeAll(async () => {
  server = await bootTestServer();
  const orgs = client(OrganizationService, 'grpc', server.baseUrl, server.adminPat);
  orgA = (await orgs.createOrganization({ name: 'Rest A' })).id;
  orgB = (await orgs.createOrganization({ name: 'Rest B' })).id;
  shop = await newProject(server, orgA, 'Rest Shop', ['admin', 'reader']);
  grant = await projectGrant(server, shop, orgB, ['reader']);
  alice = await human(server, orgA, 'Alice', 'Rest');
  bob = await human(server, orgB, 'Bob', 'Rest');
});
afterAll(() => server?.close());

describe('authorizations over REST (the annotated paths and ZITADEL JSON)', () => {
  it('creates, updates, deactivates, activates, searches and deletes', async () => {
    const token = server.adminPat;
    const created = await rest(server.baseUrl, 'POST', '/v2beta/authorizations', {
      token,
      body: { userId: alice, projectId: shop, roleKeys: ['reader'] },
    });
    expect(created.status).toBe(200);
    expect(created.body.id).toMatch(/^\d{18}$/);
    expect(typeof created.body.creationDate).toBe('string');
    const id = created.body.id;

    const granted = await rest(server.baseUrl, 'POST', '/v2beta/authorizations', {
      token,
      body: { userId: bob, projectId: shop, organizationId: orgB, roleKeys: ['reader'] },
    });
    expect(granted.status).toBe(200);

    const updated = await rest(server.baseUrl, 'PATCH', `/v2beta/authorizations/${id}`, {
      token,
      body: { roleKeys: ['admin', 'reader'] },
    });
    expect(updated.status).toBe(200);
    expect(typeof updated.body.changeDate).toBe('string');

    expect(
      (await rest(server.baseUrl, 'POST', `/v2beta/authorizations/${id}/deactivate`, { token, body: {} })).status,
    ).toBe(200);
    const inactive = await rest(server.baseUrl, 'POST', '/v2beta/authorizations/search', {
      token,
      body: { filters: [{ state: { state: 'STATE_INACTIVE' } }] },
    });
    expect(inactive.body.authorizations.map((a: { id: string }) => a.id)).toEqual([id]);
    expect(inactive.body.authorizations[0]).toMatchObject({
      id,
      projectId: shop,
      projectName: 'Rest Shop',
      projectOrganizationId: orgA,
      organizationId: orgA,
      state: 'STATE_INACTIVE',
      roles: ['admin', 'reader'],
      user: { id: alice, displayName: 'Alice Rest', organizationId: orgA },
    });
    expect(
      (await rest(server.baseUrl, 'POST', `/v2beta/authorizations/${id}/activate`, { token, body: {} })).status,
    ).toBe(200);

    const search = await rest(server.baseUrl, 'POST', '/v2beta/authorizations/search', {
      token,
      body: {
        pagination: { limit: 10, asc: true },
        sortingColumn: 'AUTHORIZATION_FIELD_NAME_USER_ORGANIZATION_ID',
        filters: [
          { projectId: { id: shop } },
          { roleKey: { key: 'READ', method: 'TEXT_FILTER_METHOD_STARTS_WITH_IGNORE_CASE' } },
        ],
      },
    });
    expect(search.status).toBe(200);
    expect(search.body.pagination).toEqual({ totalResult: '2', appliedLimit: '10' });
    expect(search.body.authorizations.map((a: { user: { id: string } }) => a.user.id)).toEqual([alice, bob]);
    expect(search.body.authorizations[1]).toMatchObject({
      organizationId: orgB,
      projectGrantId: grant,
      grantedOrganizationId: orgB,
      state: 'STATE_ACTIVE',
    });

    const deleted = await rest(server.baseUrl, 'DELETE', `/v2beta/authorizations/${id}`, { token });
    expect(deleted.status).toBe(200);
    expect(typeof deleted.body.deletionDate).toBe('string');
  });

  it('answers a role outside the grant with code 3 naming the role, and a foreign id with 404', async () => {
    const refused = await rest(server.baseUrl, 'POST', '/v2beta/authorizations', {
      token: server.adminPat,
      body: { userId: bob, projectId: shop, organizationId: orgB, roleKeys: ['admin'] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe(3);
    expect(refused.body.message).toContain('"admin"');
    const missing = await rest(server.baseUrl, 'PATCH', '/v2beta/authorizations/999999999999999999', {
      token: server.adminPat,
      body: { roleKeys: [] },
    });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe(5);
  });
});
