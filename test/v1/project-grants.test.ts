import { Code } from '@connectrpc/connect';
import { TextQueryMethod } from '@zitadel/node/dist/api/generated/zitadel/object.js';
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

/** An org with a project holding roles a, b and c, and another org to grant it to. */
async function sharedProject(name: string) {
  const owner = await orgWithOwner(`${name} owner`);
  const grantee = await orgWithOwner(`${name} grantee`);
  const mgmt = managementV1(server.baseUrl, owner.owner, owner.orgId);
  const { id: projectId } = await mgmt.addProject({ name: `${name} project ${n++}` });
  await mgmt.bulkAddProjectRoles({
    projectId,
    roles: ['a', 'b', 'c'].map((key) => ({ key, displayName: key.toUpperCase(), group: '' })),
  });
  return { owner, grantee, mgmt, projectId };
}

beforeAll(async () => {
  server = await bootTestServer();
});
afterAll(() => server?.close());

describe('management v1 project grants', () => {
  it('adds a grant, reads it by id, lists it with queries, updates its roles, deactivates, reactivates and removes it', async () => {
    const { owner, grantee, mgmt, projectId } = await sharedProject('Grants');
    const { grantId, details } = await mgmt.addProjectGrant({
      projectId,
      grantedOrgId: grantee.orgId,
      roleKeys: ['a', 'b'],
    });
    expect(grantId).toBeTruthy();
    expect(details?.resourceOwner).toBe(owner.orgId);
    const { projectGrant } = await mgmt.getProjectGrantByID({ projectId, grantId });
    expect(projectGrant).toMatchObject({
      grantId,
      projectId,
      grantedOrgId: grantee.orgId,
      grantedRoleKeys: ['a', 'b'],
      projectOwnerId: owner.orgId,
      state: 1,
    });
    const byRole = await mgmt.listProjectGrants({
      projectId,
      queries: [{ roleKeyQuery: { roleKey: 'b', method: TextQueryMethod.TEXT_QUERY_METHOD_EQUALS } }],
    });
    expect(byRole.result.map((g) => g.grantId)).toEqual([grantId]);
    const none = await mgmt.listProjectGrants({
      projectId,
      queries: [{ roleKeyQuery: { roleKey: 'c', method: TextQueryMethod.TEXT_QUERY_METHOD_EQUALS } }],
    });
    expect(none.result).toEqual([]);
    const all = await mgmt.listAllProjectGrants({ queries: [{ grantedOrgIdQuery: { grantedOrgId: grantee.orgId } }] });
    expect(all.details?.totalResult.toNumber()).toBe(1);

    await mgmt.updateProjectGrant({ projectId, grantId, roleKeys: ['c'] });
    expect((await mgmt.getProjectGrantByID({ projectId, grantId })).projectGrant?.grantedRoleKeys).toEqual(['c']);
    // ZITADEL: the same roles again is NoChangesFound.
    expect(await v1Code(mgmt.updateProjectGrant({ projectId, grantId, roleKeys: ['c'] }))).toBe(
      Code.FailedPrecondition,
    );
    await mgmt.deactivateProjectGrant({ projectId, grantId });
    expect(await v1Code(mgmt.deactivateProjectGrant({ projectId, grantId }))).toBe(Code.FailedPrecondition);
    expect((await mgmt.getProjectGrantByID({ projectId, grantId })).projectGrant?.state).toBe(2);
    await mgmt.reactivateProjectGrant({ projectId, grantId });
    await mgmt.removeProjectGrant({ projectId, grantId });
    expect(await v1Code(mgmt.getProjectGrantByID({ projectId, grantId }))).toBe(Code.NotFound);
    expect(await v1Code(mgmt.removeProjectGrant({ projectId, grantId }))).toBe(Code.NotFound);
  });

  it('refuses roles the project lacks, the owning org and an unknown org with INVALID_ARGUMENT, and a second grant to one org', async () => {
    const { owner, grantee, mgmt, projectId } = await sharedProject('Bad grants');
    expect(await v1Code(mgmt.addProjectGrant({ projectId, grantedOrgId: grantee.orgId, roleKeys: ['zzz'] }))).toBe(
      Code.InvalidArgument,
    );
    expect(await v1Code(mgmt.addProjectGrant({ projectId, grantedOrgId: owner.orgId, roleKeys: ['a'] }))).toBe(
      Code.InvalidArgument,
    );
    expect(await v1Code(mgmt.addProjectGrant({ projectId, grantedOrgId: 'no-such-org', roleKeys: ['a'] }))).toBe(
      Code.InvalidArgument,
    );
    await mgmt.addProjectGrant({ projectId, grantedOrgId: grantee.orgId, roleKeys: ['a'] });
    expect(await v1Code(mgmt.addProjectGrant({ projectId, grantedOrgId: grantee.orgId, roleKeys: ['b'] }))).toBe(
      Code.AlreadyExists,
    );
    expect((await mgmt.listProjectGrants({ projectId })).result).toHaveLength(1);
  });

  it("another org's owner, with the owner org in the header or not, cannot see or change the grant; the granted org reads but may not change it", async () => {
    const { owner, grantee, mgmt, projectId } = await sharedProject('Guarded grants');
    const { grantId } = await mgmt.addProjectGrant({ projectId, grantedOrgId: grantee.orgId, roleKeys: ['a'] });
    const stranger = await orgWithOwner('Grant stranger');
    for (const intruder of [
      managementV1(server.baseUrl, stranger.owner, owner.orgId),
      managementV1(server.baseUrl, stranger.owner),
    ]) {
      const calls: (() => Promise<unknown>)[] = [
        () => intruder.getProjectGrantByID({ projectId, grantId }),
        () => intruder.updateProjectGrant({ projectId, grantId, roleKeys: ['a', 'b'] }),
        () => intruder.deactivateProjectGrant({ projectId, grantId }),
        () => intruder.removeProjectGrant({ projectId, grantId }),
        () => intruder.addProjectGrant({ projectId, grantedOrgId: stranger.orgId, roleKeys: ['a'] }),
      ];
      for (const call of calls) expect(await v1Code(call())).toBe(Code.NotFound);
      expect((await intruder.listProjectGrants({ projectId })).result).toEqual([]);
    }
    const granted = managementV1(server.baseUrl, grantee.owner);
    expect((await granted.getProjectGrantByID({ projectId, grantId })).projectGrant?.grantId).toBe(grantId);
    expect(await v1Code(granted.updateProjectGrant({ projectId, grantId, roleKeys: ['a', 'b', 'c'] }))).toBe(
      Code.PermissionDenied,
    );
    expect((await mgmt.getProjectGrantByID({ projectId, grantId })).projectGrant?.grantedRoleKeys).toEqual(['a']);
  });
});

describe('management v1 project grants over REST', () => {
  it('POST /projects/{id}/grants, GET /projects/{id}/grants/{grant_id}, POST /projectgrants/_search, PUT and DELETE', async () => {
    const { owner, grantee, projectId } = await sharedProject('Rest grants');
    const call = (method: string, path: string, body?: unknown) =>
      restV1(server.baseUrl, owner.owner, method, `/management/v1${path}`, body, owner.orgId);
    const added = await call('POST', `/projects/${projectId}/grants`, { grantedOrgId: grantee.orgId, roleKeys: ['a'] });
    expect(added.status).toBe(200);
    const grantId = added.body.grantId as string;
    expect((await call('GET', `/projects/${projectId}/grants/${grantId}`)).body.projectGrant).toMatchObject({
      grantId,
      state: 'PROJECT_GRANT_STATE_ACTIVE',
      grantedRoleKeys: ['a'],
    });
    expect((await call('POST', '/projectgrants/_search', {})).body.result).toHaveLength(1);
    expect((await call('PUT', `/projects/${projectId}/grants/${grantId}`, { roleKeys: ['a', 'b'] })).status).toBe(200);
    const unknown = await call('PUT', `/projects/${projectId}/grants/${grantId}`, { roleKeys: ['nope'] });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('role_keys');
    expect((await call('DELETE', `/projects/${projectId}/grants/${grantId}`)).status).toBe(200);
    expect((await call('GET', `/projects/${projectId}/grants/${grantId}`)).status).toBe(404);
  });
});
