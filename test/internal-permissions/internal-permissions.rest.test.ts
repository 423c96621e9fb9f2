import { OrganizationService } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { client, rest } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { human, project, projectGrant } from '../authorizations/fixtures.js';

let server: TestServer;
let orgB: string;
let bob: string;
let shop: string;
let grant: string;

beforeAll(async () => {
  server = await bootTestServer();
  const orgs = client(OrganizationService, 'grpc', server.baseUrl, server.adminPat);
  orgB = (await orgs.createOrganization({ name: 'Rest B' })).id;
  bob = await human(server, orgB, 'Bob', 'Rest');
  const orgA = (await orgs.createOrganization({ name: 'Rest A' })).id;
  shop = await project(server, orgA, 'Rest Shop', ['reader']);
  grant = await projectGrant(server, shop, orgB, ['reader']);
});
afterAll(() => server?.close());

describe('administrators over REST', () => {
  it('creates, updates, searches and deletes an org administrator', async () => {
    const token = server.adminPat;
    const resource = { organizationId: orgB };
    const created = await rest(server.baseUrl, 'POST', '/v2beta/administrators', {
      token,
      body: { userId: bob, resource, roles: ['ORG_OWNER_VIEWER'] },
    });
    expect(created.status).toBe(200);
    expect(typeof created.body.creationDate).toBe('string');

    const updated = await rest(server.baseUrl, 'POST', `/v2beta/administrators/${bob}`, {
      token,
      body: { resource, roles: ['ORG_USER_MANAGER'] },
    });
    expect(updated.status).toBe(200);
    expect(typeof updated.body.changeDate).toBe('string');

    const search = await rest(server.baseUrl, 'POST', '/v2beta/administrators/search', {
      token,
      body: { filters: [{ resource: { organizationId: orgB } }, { inUserIdsFilter: { ids: [bob] } }] },
    });
    expect(search.status).toBe(200);
    expect(search.body.administrators).toHaveLength(1);
    expect(search.body.administrators[0]).toMatchObject({
      user: { id: bob, displayName: 'Bob Rest', organizationId: orgB },
      organization: { id: orgB, name: 'Rest B' },
      roles: ['ORG_USER_MANAGER'],
    });

    const deleted = await rest(
      server.baseUrl,
      'DELETE',
      `/v2beta/administrators/${bob}?resource.organization_id=${orgB}`,
      { token },
    );
    expect(deleted.status).toBe(200);
    expect(typeof deleted.body.deletionDate).toBe('string');
    const again = await rest(
      server.baseUrl,
      'DELETE',
      `/v2beta/administrators/${bob}?resource.organizationId=${orgB}`,
      { token },
    );
    expect(again.status).toBe(200);
    expect(again.body.deletionDate).toBeUndefined();
  });

  it('refuses a role of another level with code 3', async () => {
    const res = await rest(server.baseUrl, 'POST', '/v2beta/administrators', {
      token: server.adminPat,
      body: { userId: bob, resource: { organizationId: orgB }, roles: ['IAM_OWNER'] },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(3);
    expect(res.body.message).toContain('(MEMB-r0l3s)');
  });

  it('names a project grant in the body, and in the query of DELETE', async () => {
    const token = server.adminPat;
    const resource = { projectGrant: { projectId: shop, projectGrantId: grant } };
    expect(
      (
        await rest(server.baseUrl, 'POST', '/v2beta/administrators', {
          token,
          body: { userId: bob, resource, roles: ['PROJECT_GRANT_OWNER'] },
        })
      ).status,
    ).toBe(200);
    const search = await rest(server.baseUrl, 'POST', '/v2beta/administrators/search', {
      token,
      body: { filters: [{ resource: { projectGrantId: grant } }] },
    });
    expect(search.body.administrators).toHaveLength(1);
    expect(search.body.administrators[0].projectGrant).toMatchObject({
      id: grant,
      projectId: shop,
      projectName: 'Rest Shop',
      grantedOrganizationId: orgB,
    });
    const deleted = await rest(
      server.baseUrl,
      'DELETE',
      `/v2beta/administrators/${bob}?resource.project_grant.project_id=${shop}&resource.project_grant.project_grant_id=${grant}`,
      { token },
    );
    expect(deleted.status).toBe(200);
    expect(typeof deleted.body.deletionDate).toBe('string');
  });
});
