import { Code } from '@connectrpc/connect';
import { TextQueryMethod } from '@zitadel/node/dist/api/generated/zitadel/object.js';
import { PrivateLabelingSetting } from '@zitadel/node/dist/api/generated/zitadel/project.js';
import { ProjectService } from '@zitadel/proto/zitadel/project/v2beta/project_service_pb.js';
import { client } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { managementV1, restV1, v1Code } from '../support/v1-clients.js';

let server: TestServer;
let n = 0;

async function orgWithOwner(name: string): Promise<{ orgId: string; owner: string }> {
  const { id } = await managementV1(server.baseUrl, server.adminPat).addOrg({ name: `${name} ${n++}` });
  const { pat } = await machineWithRoles(server, id, { level: 'org', resourceId: id, roles: ['ORG_OWNER'] });
  return { orgId: id, owner: pat };
}

const newProject = (name: string) => ({
  name: `${name} ${n++}`,
  projectRoleAssertion: true,
  projectRoleCheck: false,
  hasProjectCheck: true,
  privateLabelingSetting: PrivateLabelingSetting.PRIVATE_LABELING_SETTING_UNSPECIFIED,
});

beforeAll(async () => {
  server = await bootTestServer();
});
afterAll(() => server?.close());

describe('management v1 projects over the Node SDK', () => {
  it('adds a project in the header org, reads it by id and lists it; updates, deactivates, reactivates and removes it', async () => {
    const { orgId, owner } = await orgWithOwner('Projects');
    const mgmt = managementV1(server.baseUrl, owner, orgId);
    const input = newProject('Portal');
    const { id, details } = await mgmt.addProject(input);
    expect(details?.resourceOwner).toBe(orgId);
    const { project } = await mgmt.getProjectByID({ id });
    expect(project).toMatchObject({
      id,
      name: input.name,
      state: 1,
      projectRoleAssertion: true,
      projectRoleCheck: false,
      hasProjectCheck: true,
    });
    expect(project?.details?.resourceOwner).toBe(orgId);
    const listed = await mgmt.listProjects({
      queries: [{ nameQuery: { name: input.name, method: TextQueryMethod.TEXT_QUERY_METHOD_EQUALS } }],
    });
    expect(listed.details?.totalResult.toNumber()).toBe(1);
    expect(listed.result.map((p) => p.id)).toEqual([id]);

    await mgmt.updateProject({ ...input, id, name: `${input.name} v2`, projectRoleCheck: true });
    expect((await mgmt.getProjectByID({ id })).project).toMatchObject({
      name: `${input.name} v2`,
      projectRoleCheck: true,
    });
    await mgmt.deactivateProject({ id });
    expect((await mgmt.getProjectByID({ id })).project?.state).toBe(2);
    await mgmt.reactivateProject({ id });
    expect((await mgmt.getProjectByID({ id })).project?.state).toBe(1);
    await mgmt.removeProject({ id });
    expect(await v1Code(mgmt.getProjectByID({ id }))).toBe(Code.NotFound);
  });

  it('answers ZITADEL v1 FAILED_PRECONDITION for a change that changes nothing (NoChangesFound, NotActive, NotInactive) and NOT_FOUND for removing twice', async () => {
    const { orgId, owner } = await orgWithOwner('Strict');
    const mgmt = managementV1(server.baseUrl, owner, orgId);
    const input = newProject('Strict');
    const { id } = await mgmt.addProject(input);
    expect(await v1Code(mgmt.updateProject({ ...input, id }))).toBe(Code.FailedPrecondition);
    expect(await v1Code(mgmt.reactivateProject({ id }))).toBe(Code.FailedPrecondition);
    await mgmt.deactivateProject({ id });
    expect(await v1Code(mgmt.deactivateProject({ id }))).toBe(Code.FailedPrecondition);
    await mgmt.removeProject({ id });
    expect(await v1Code(mgmt.removeProject({ id }))).toBe(Code.NotFound);
  });

  it('refuses a blank name and an undefined private labeling setting with INVALID_ARGUMENT', async () => {
    const { orgId, owner } = await orgWithOwner('Bad project');
    const mgmt = managementV1(server.baseUrl, owner, orgId);
    expect(await v1Code(mgmt.addProject({ ...newProject('x'), name: ' ' }))).toBe(Code.InvalidArgument);
    expect(
      await v1Code(mgmt.addProject({ ...newProject('x'), privateLabelingSetting: 7 as PrivateLabelingSetting })),
    ).toBe(Code.InvalidArgument);
    expect((await mgmt.listProjects({ queries: [] })).result).toEqual([]);
  });
});

describe('management v1 project roles', () => {
  it('adds, bulk adds, lists with queries, updates and removes roles', async () => {
    const { orgId, owner } = await orgWithOwner('Roles');
    const mgmt = managementV1(server.baseUrl, owner, orgId);
    const { id: projectId } = await mgmt.addProject(newProject('Roles'));
    await mgmt.addProjectRole({ projectId, roleKey: 'admin', displayName: 'Admin', group: 'staff' });
    await mgmt.bulkAddProjectRoles({
      projectId,
      roles: [
        { key: 'reader', displayName: 'Reader', group: '' },
        { key: 'writer', displayName: 'Writer', group: 'staff' },
      ],
    });
    const asc = { asc: true };
    const all = await mgmt.listProjectRoles({ projectId, query: asc, queries: [] });
    expect(all.details?.totalResult.toNumber()).toBe(3);
    expect(all.result.map((r) => r.key)).toEqual(['admin', 'reader', 'writer']);
    const some = await mgmt.listProjectRoles({
      projectId,
      query: asc,
      queries: [{ displayNameQuery: { displayName: 'er', method: TextQueryMethod.TEXT_QUERY_METHOD_ENDS_WITH } }],
    });
    expect(some.result.map((r) => r.key)).toEqual(['reader', 'writer']);

    await mgmt.updateProjectRole({ projectId, roleKey: 'reader', displayName: 'Viewer', group: 'guests' });
    const updated = await mgmt.listProjectRoles({
      projectId,
      queries: [{ keyQuery: { key: 'reader', method: TextQueryMethod.TEXT_QUERY_METHOD_EQUALS } }],
    });
    expect(updated.result).toMatchObject([{ key: 'reader', displayName: 'Viewer', group: 'guests' }]);
    expect(
      await v1Code(mgmt.updateProjectRole({ projectId, roleKey: 'reader', displayName: 'Viewer', group: 'guests' })),
    ).toBe(Code.FailedPrecondition);
    await mgmt.removeProjectRole({ projectId, roleKey: 'reader' });
    expect(await v1Code(mgmt.removeProjectRole({ projectId, roleKey: 'reader' }))).toBe(Code.NotFound);
  });

  it('BulkAddProjectRoles is all or nothing: a taken key or a blank one adds none and names the field', async () => {
    const { orgId, owner } = await orgWithOwner('Bulk');
    const mgmt = managementV1(server.baseUrl, owner, orgId);
    const { id: projectId } = await mgmt.addProject(newProject('Bulk'));
    await mgmt.addProjectRole({ projectId, roleKey: 'taken', displayName: 'Taken', group: '' });
    expect(
      await v1Code(
        mgmt.bulkAddProjectRoles({
          projectId,
          roles: [
            { key: 'fresh', displayName: 'Fresh', group: '' },
            { key: 'taken', displayName: 'Again', group: '' },
          ],
        }),
      ),
    ).toBe(Code.AlreadyExists);
    const blank = await restV1(
      server.baseUrl,
      owner,
      'POST',
      `/management/v1/projects/${projectId}/roles/_bulk`,
      {
        roles: [
          { key: 'ok', displayName: 'Ok' },
          { key: 'nameless', displayName: ' ' },
        ],
      },
      orgId,
    );
    expect(blank.status).toBe(400);
    expect(JSON.stringify(blank.body)).toContain('roles[1].display_name');
    expect((await mgmt.listProjectRoles({ projectId, queries: [] })).result.map((r) => r.key)).toEqual(['taken']);
  });
});

describe('management v1 granted projects', () => {
  it('the granted org lists its granted projects, reads one by grant id and lists the granted roles only', async () => {
    const owner = await orgWithOwner('Granting');
    const grantee = await orgWithOwner('Granted');
    const mgmt = managementV1(server.baseUrl, owner.owner, owner.orgId);
    const { id: projectId } = await mgmt.addProject(newProject('Shared'));
    await mgmt.bulkAddProjectRoles({
      projectId,
      roles: [
        { key: 'a', displayName: 'A', group: '' },
        { key: 'b', displayName: 'B', group: '' },
      ],
    });
    await client(ProjectService, 'grpc', server.baseUrl, server.adminPat).createProjectGrant({
      projectId,
      grantedOrganizationId: grantee.orgId,
      roleKeys: ['a'],
    });

    const theirs = managementV1(server.baseUrl, grantee.owner);
    const granted = await theirs.listGrantedProjects({ queries: [] });
    expect(granted.result).toHaveLength(1);
    const [g] = granted.result;
    expect(g).toMatchObject({
      projectId,
      grantedOrgId: grantee.orgId,
      grantedRoleKeys: ['a'],
      projectOwnerId: owner.orgId,
      state: 1,
    });
    expect(g.projectOwnerName).toMatch(/^Granting/);
    expect((await theirs.getGrantedProjectByID({ projectId, grantId: g.grantId })).grantedProject?.grantId).toBe(
      g.grantId,
    );
    const roles = await theirs.listGrantedProjectRoles({ projectId, grantId: g.grantId, queries: [] });
    expect(roles.result.map((r) => r.key)).toEqual(['a']);
    // The granting org's own listings do not show the grant as a project of its own.
    expect((await mgmt.listProjects({ queries: [] })).result.map((p) => p.id)).toEqual([projectId]);
    expect((await mgmt.listGrantedProjects({ queries: [] })).result).toEqual([]);

    // A third org sees neither the grant nor its roles.
    const stranger = await orgWithOwner('Stranger');
    const s = managementV1(server.baseUrl, stranger.owner);
    expect(await v1Code(s.getGrantedProjectByID({ projectId, grantId: g.grantId }))).toBe(Code.NotFound);
    expect(await v1Code(s.listGrantedProjectRoles({ projectId, grantId: g.grantId, queries: [] }))).toBe(Code.NotFound);
  });
});

describe('management v1 projects across orgs', () => {
  it("org B's owner, with or without org A in the header, cannot read, change or remove org A's project: NOT_FOUND", async () => {
    const a = await orgWithOwner('Project victim');
    const b = await orgWithOwner('Project intruder');
    const input = newProject('Guarded');
    const { id } = await managementV1(server.baseUrl, a.owner, a.orgId).addProject(input);
    await managementV1(server.baseUrl, a.owner).addProjectRole({
      projectId: id,
      roleKey: 'r',
      displayName: 'R',
      group: '',
    });
    for (const intruder of [managementV1(server.baseUrl, b.owner, a.orgId), managementV1(server.baseUrl, b.owner)]) {
      const calls: (() => Promise<unknown>)[] = [
        () => intruder.getProjectByID({ id }),
        () => intruder.updateProject({ ...input, id, name: 'Hijacked' }),
        () => intruder.deactivateProject({ id }),
        () => intruder.removeProject({ id }),
        () => intruder.addProjectRole({ projectId: id, roleKey: 'x', displayName: 'X', group: '' }),
        () => intruder.updateProjectRole({ projectId: id, roleKey: 'r', displayName: 'Y', group: '' }),
        () => intruder.removeProjectRole({ projectId: id, roleKey: 'r' }),
        () => intruder.listProjectRoles({ projectId: id, queries: [] }),
      ];
      for (const call of calls) expect(await v1Code(call())).toBe(Code.NotFound);
      expect((await intruder.listProjects({ queries: [] })).result).toEqual([]);
    }
    const { project } = await managementV1(server.baseUrl, a.owner).getProjectByID({ id });
    expect(project).toMatchObject({ name: input.name, state: 1 });
  });
});

describe('management v1 projects over REST', () => {
  it('POST /projects, GET /projects/{id}, POST /projects/_search, PUT /projects/{id}, roles and DELETE /projects/{id}', async () => {
    const { orgId, owner } = await orgWithOwner('Rest projects');
    const call = (method: string, path: string, body?: unknown) =>
      restV1(server.baseUrl, owner, method, `/management/v1${path}`, body, orgId);
    const name = `Rest project ${n++}`;
    const added = await call('POST', '/projects', { name, projectRoleAssertion: true });
    expect(added.status).toBe(200);
    const id = added.body.id as string;
    expect((await call('GET', `/projects/${id}`)).body.project).toMatchObject({
      id,
      name,
      state: 'PROJECT_STATE_ACTIVE',
      projectRoleAssertion: true,
    });
    const listed = await call('POST', '/projects/_search', { query: { limit: 10 } });
    expect(listed.body.details.totalResult).toBe('1');
    expect((await call('PUT', `/projects/${id}`, { name: `${name} renamed` })).status).toBe(200);
    expect((await call('POST', `/projects/${id}/roles`, { roleKey: 'team:lead', displayName: 'Lead' })).status).toBe(
      200,
    );
    expect((await call('PUT', `/projects/${id}/roles/team:lead`, { displayName: 'Leader' })).status).toBe(200);
    expect((await call('POST', `/projects/${id}/roles/_search`, {})).body.result).toMatchObject([
      { key: 'team:lead', displayName: 'Leader' },
    ]);
    expect((await call('DELETE', `/projects/${id}/roles/team:lead`)).status).toBe(200);
    expect((await call('DELETE', `/projects/${id}`)).status).toBe(200);
    expect((await call('GET', `/projects/${id}`)).status).toBe(404);
  });
});
