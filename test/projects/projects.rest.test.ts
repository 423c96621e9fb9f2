import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { client, rest } from '../support/clients.js';

let server: TestServer;
let orgA: string;
let orgB: string;

beforeAll(async () => {
  server = await bootTestServer();
  const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
  orgA = (await orgs.createOrganization({ name: 'Rest Projects A' })).id;
  orgB = (await orgs.createOrganization({ name: 'Rest Projects B' })).id;
});
afterAll(() => server?.close());

describe('projects over REST (the annotated /v2beta paths and ZITADEL JSON)', () => {
  const call = (method: string, path: string, body?: unknown) =>
    rest(server.baseUrl, method, path, { token: server.adminPat, body });

  it('creates, gets, updates, lists, deactivates, activates and deletes a project', async () => {
    const created = await call('POST', '/v2beta/projects', {
      organizationId: orgA,
      name: 'Rest Shop',
      projectRoleAssertion: true,
      privateLabelingSetting: 'PRIVATE_LABELING_SETTING_ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY',
    });
    expect(created.status).toBe(200);
    expect(created.body.id).toMatch(/^\d{18}$/);
    expect(typeof created.body.creationDate).toBe('string');
    const id = created.body.id as string;

    const got = await call('GET', `/v2beta/projects/${id}`);
    expect(got.status).toBe(200);
    expect(got.body.project).toMatchObject({
      id,
      organizationId: orgA,
      name: 'Rest Shop',
      state: 'PROJECT_STATE_ACTIVE',
      projectRoleAssertion: true,
      privateLabelingSetting: 'PRIVATE_LABELING_SETTING_ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY',
    });

    const updated = await call('POST', `/v2beta/projects/${id}`, { name: 'Rest Shop 2', hasProjectCheck: true });
    expect(updated.status).toBe(200);
    expect(typeof updated.body.changeDate).toBe('string');

    const listed = await call('POST', '/v2beta/projects/search', {
      pagination: { limit: 10, asc: true },
      sortingColumn: 'PROJECT_FIELD_NAME_NAME',
      filters: [
        { projectNameFilter: { projectName: 'rest shop', method: 'TEXT_FILTER_METHOD_STARTS_WITH_IGNORE_CASE' } },
      ],
    });
    expect(listed.status).toBe(200);
    expect(listed.body.pagination).toEqual({ totalResult: '1', appliedLimit: '10' });
    expect(listed.body.projects[0]).toMatchObject({ id, name: 'Rest Shop 2', projectAccessRequired: true });

    expect((await call('POST', `/v2beta/projects/${id}/deactivate`, {})).status).toBe(200);
    expect((await call('GET', `/v2beta/projects/${id}`)).body.project.state).toBe('PROJECT_STATE_INACTIVE');
    expect((await call('POST', `/v2beta/projects/${id}/activate`, {})).status).toBe(200);

    const deleted = await call('DELETE', `/v2beta/projects/${id}`);
    expect(deleted.status).toBe(200);
    expect(typeof deleted.body.deletionDate).toBe('string');
    const missing = await call('GET', `/v2beta/projects/${id}`);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe(5);
    expect(missing.body.message).toMatch(/\(PROJ-n0t4d\)$/);
  });

  it('adds, updates, lists and removes roles, and grants them to another org', async () => {
    const { id } = (await call('POST', '/v2beta/projects', { organizationId: orgA, name: 'Rest Roles' })).body;
    expect(
      (await call('POST', `/v2beta/projects/${id}/roles`, { roleKey: 'admin', displayName: 'Admin', group: 'ops' }))
        .status,
    ).toBe(200);
    expect((await call('POST', `/v2beta/projects/${id}/roles`, { roleKey: 'user', displayName: 'User' })).status).toBe(
      200,
    );
    const changed = await call('POST', `/v2beta/projects/${id}/roles/user`, { displayName: 'End user' });
    expect(changed.status).toBe(200);
    expect(typeof changed.body.changeDate).toBe('string');

    // ListProjectRoles takes no body (the annotation's body is empty): paging goes in the query.
    const roles = await call(
      'POST',
      `/v2beta/projects/${id}/roles/search?pagination.asc=true&sortingColumn=PROJECT_ROLE_FIELD_NAME_KEY`,
    );
    expect(roles.status).toBe(200);
    expect(roles.body.projectRoles.map((r: { key: string; displayName: string }) => [r.key, r.displayName])).toEqual([
      ['admin', 'Admin'],
      ['user', 'End user'],
    ]);

    const granted = await call('POST', `/v2beta/projects/${id}/grants`, {
      grantedOrganizationId: orgB,
      roleKeys: ['user'],
    });
    expect(granted.status).toBe(200);
    expect(typeof granted.body.creationDate).toBe('string');
    const unknown = await call('POST', `/v2beta/projects/${id}/grants/${orgB}`, { roleKeys: ['user', 'root'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe(3);
    expect(unknown.body.message).toContain('"root"');
    expect((await call('POST', `/v2beta/projects/${id}/grants/${orgB}`, { roleKeys: ['user', 'admin'] })).status).toBe(
      200,
    );
    expect((await call('POST', `/v2beta/projects/${id}/grants/${orgB}/deactivate`, {})).status).toBe(200);
    const again = await call('POST', `/v2beta/projects/${id}/grants/${orgB}/deactivate`, {});
    expect(again.status).toBe(400);
    expect(again.body.code).toBe(9);
    expect((await call('POST', `/v2beta/projects/${id}/grants/${orgB}/activate`, {})).status).toBe(200);

    const grants = await call('POST', '/v2beta/projects/grants/search', {
      filters: [{ inProjectIdsFilter: { ids: [id] } }],
    });
    expect(grants.status).toBe(200);
    expect(grants.body.projectGrants).toEqual([
      expect.objectContaining({
        projectId: id,
        organizationId: orgA,
        grantedOrganizationId: orgB,
        grantedOrganizationName: 'Rest Projects B',
        grantedRoleKeys: ['user', 'admin'],
        state: 'PROJECT_GRANT_STATE_ACTIVE',
      }),
    ]);

    const removed = await call('DELETE', `/v2beta/projects/${id}/roles/admin`);
    expect(removed.status).toBe(200);
    expect(typeof removed.body.removalDate).toBe('string');
    const after = await call('POST', '/v2beta/projects/grants/search', {
      filters: [{ inProjectIdsFilter: { ids: [id] } }],
    });
    expect(after.body.projectGrants[0].grantedRoleKeys).toEqual(['user']);

    const deleted = await call('DELETE', `/v2beta/projects/${id}/grants/${orgB}`);
    expect(deleted.status).toBe(200);
    expect(typeof deleted.body.deletionDate).toBe('string');
    const gone = await call('DELETE', `/v2beta/projects/${id}/grants/${orgB}`);
    expect(gone.status).toBe(200);
    expect(gone.body.deletionDate).toBeUndefined();
  });

  it('answers validation failures with code 3 and the field named', async () => {
    const res = await call('POST', '/v2beta/projects', { organizationId: orgA, name: '' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(3);
    expect(JSON.stringify(res.body)).toMatch(/name/);
    const role = await call('POST', '/v2beta/projects/123/roles', { roleKey: 'x', displayName: '' });
    expect(role.status).toBe(400);
    expect(JSON.stringify(role.body)).toMatch(/display_name/);
  });
});
