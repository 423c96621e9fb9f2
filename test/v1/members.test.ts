import { Code } from '@connectrpc/connect';
import { TextQueryMethod } from '@zitadel/node/dist/api/generated/zitadel/object.js';
import { ProjectService } from '@zitadel/proto/zitadel/project/v2beta/project_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { client } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { adminV1, managementV1, restV1, v1Code } from '../support/v1-clients.js';

let server: TestServer;
let n = 0;

async function orgWithOwner(name: string): Promise<{ orgId: string; owner: string }> {
  const { id } = await managementV1(server.baseUrl, server.adminPat).addOrg({ name: `${name} ${n++}` });
  const { pat } = await machineWithRoles(server, id, { level: 'org', resourceId: id, roles: ['ORG_OWNER'] });
  return { orgId: id, owner: pat };
}

async function human(orgId: string, givenName: string): Promise<string> {
  const { userId } = await client(UserService, 'grpc', server.baseUrl, server.adminPat).addHumanUser({
    username: `member-${n++}`,
    organization: { org: { case: 'orgId', value: orgId } },
    profile: { givenName, familyName: 'Member' },
    email: {
      email: `${givenName.toLowerCase()}-${n++}@example.test`,
      verification: { case: 'isVerified', value: true },
    },
  });
  return userId;
}

beforeAll(async () => {
  server = await bootTestServer();
});
afterAll(() => server?.close());

describe('management v1 org members', () => {
  it('lists the org member roles, adds a member, finds it by first name, email and id, updates and removes it', async () => {
    const { orgId, owner } = await orgWithOwner('Members');
    const mgmt = managementV1(server.baseUrl, owner, orgId);
    const roles = (await mgmt.listOrgMemberRoles({})).result;
    expect(roles).toEqual(expect.arrayContaining(['ORG_OWNER', 'ORG_USER_MANAGER', 'ORG_OWNER_VIEWER']));
    expect(roles.every((r) => r.startsWith('ORG_'))).toBe(true);

    const userId = await human(orgId, 'Ada');
    const added = await mgmt.addOrgMember({ userId, roles: ['ORG_USER_MANAGER'] });
    expect(added.details?.resourceOwner).toBe(orgId);
    const byName = await mgmt.listOrgMembers({
      queries: [{ firstNameQuery: { firstName: 'Ada', method: TextQueryMethod.TEXT_QUERY_METHOD_EQUALS } }],
    });
    expect(byName.result).toHaveLength(1);
    expect(byName.result[0]).toMatchObject({
      userId,
      roles: ['ORG_USER_MANAGER'],
      firstName: 'Ada',
      lastName: 'Member',
      userType: 1,
      userResourceOwner: orgId,
    });
    expect(byName.result[0].email).toMatch(/^ada-\d+@example\.test$/);
    const byEmail = await mgmt.listOrgMembers({
      queries: [{ emailQuery: { email: 'ada-', method: TextQueryMethod.TEXT_QUERY_METHOD_STARTS_WITH } }],
    });
    expect(byEmail.result.map((m) => m.userId)).toEqual([userId]);
    expect(await v1Code(mgmt.addOrgMember({ userId, roles: ['ORG_OWNER'] }))).toBe(Code.AlreadyExists);

    await mgmt.updateOrgMember({ userId, roles: ['ORG_OWNER_VIEWER'] });
    const byId = await mgmt.listOrgMembers({ queries: [{ userIdQuery: { userId } }] });
    expect(byId.result[0].roles).toEqual(['ORG_OWNER_VIEWER']);
    await mgmt.removeOrgMember({ userId });
    expect((await mgmt.listOrgMembers({ queries: [{ userIdQuery: { userId } }] })).result).toEqual([]);
  });

  it('refuses roles of another level and unknown users: INVALID_ARGUMENT and NOT_FOUND', async () => {
    const { orgId, owner } = await orgWithOwner('Member roles');
    const mgmt = managementV1(server.baseUrl, owner, orgId);
    const userId = await human(orgId, 'Bob');
    expect(await v1Code(mgmt.addOrgMember({ userId, roles: ['PROJECT_OWNER'] }))).toBe(Code.InvalidArgument);
    expect(await v1Code(mgmt.addOrgMember({ userId: 'nobody', roles: ['ORG_OWNER'] }))).toBe(Code.NotFound);
    expect(await v1Code(mgmt.updateOrgMember({ userId, roles: ['ORG_OWNER'] }))).toBe(Code.NotFound);
  });

  it("org B's owner naming org A in the header cannot list, add, change or remove org A's members", async () => {
    const a = await orgWithOwner('Member victim');
    const b = await orgWithOwner('Member intruder');
    const userId = await human(a.orgId, 'Cleo');
    await managementV1(server.baseUrl, a.owner).addOrgMember({ userId, roles: ['ORG_USER_MANAGER'] });
    const intruder = managementV1(server.baseUrl, b.owner, a.orgId);
    expect((await intruder.listOrgMembers({ queries: [] })).result).toEqual([]);
    expect(await v1Code(intruder.addOrgMember({ userId, roles: ['ORG_OWNER'] }))).toBe(Code.NotFound);
    expect(await v1Code(intruder.updateOrgMember({ userId, roles: ['ORG_OWNER'] }))).toBe(Code.NotFound);
    expect(await v1Code(intruder.removeOrgMember({ userId }))).toBe(Code.NotFound);
    const still = await managementV1(server.baseUrl, a.owner).listOrgMembers({
      queries: [{ userIdQuery: { userId } }],
    });
    expect(still.result[0].roles).toEqual(['ORG_USER_MANAGER']);
  });
});

describe('management v1 project and project grant members', () => {
  it('adds project members who then read the project, and grant members on the granted org side', async () => {
    const owner = await orgWithOwner('Project members');
    const grantee = await orgWithOwner('Grant members');
    const mgmt = managementV1(server.baseUrl, owner.owner, owner.orgId);
    const { id: projectId } = await mgmt.addProject({ name: `Members project ${n++}` });
    await mgmt.addProjectRole({ projectId, roleKey: 'r', displayName: 'R', group: '' });

    expect((await mgmt.listProjectMemberRoles({})).result).toEqual(expect.arrayContaining(['PROJECT_OWNER']));
    const { userId, pat } = await machineWithRoles(server, owner.orgId, {
      level: 'org',
      resourceId: owner.orgId,
      roles: ['ORG_PROJECT_CREATOR'],
    });
    // Without project.read anywhere, the method-level check refuses (ZITADEL's auth_option project.read).
    expect(await v1Code(managementV1(server.baseUrl, pat).getProjectByID({ id: projectId }))).toBe(
      Code.PermissionDenied,
    );
    await mgmt.addProjectMember({ projectId, userId, roles: ['PROJECT_OWNER_VIEWER'] });
    expect((await managementV1(server.baseUrl, pat).getProjectByID({ id: projectId })).project?.id).toBe(projectId);
    const listed = await mgmt.listProjectMembers({ projectId, queries: [] });
    expect(listed.result).toMatchObject([{ userId, roles: ['PROJECT_OWNER_VIEWER'], userType: 2 }]);
    await mgmt.updateProjectMember({ projectId, userId, roles: ['PROJECT_OWNER'] });
    await mgmt.removeProjectMember({ projectId, userId });
    expect((await mgmt.listProjectMembers({ projectId, queries: [] })).result).toEqual([]);

    await client(ProjectService, 'grpc', server.baseUrl, server.adminPat).createProjectGrant({
      projectId,
      grantedOrganizationId: grantee.orgId,
      roleKeys: ['r'],
    });
    const [grant] = (await managementV1(server.baseUrl, grantee.owner).listGrantedProjects({ queries: [] })).result;
    const theirs = managementV1(server.baseUrl, grantee.owner);
    expect((await theirs.listProjectGrantMemberRoles({})).result).toEqual(
      expect.arrayContaining(['PROJECT_GRANT_OWNER']),
    );
    const granteeUser = await human(grantee.orgId, 'Gina');
    await theirs.addProjectGrantMember({
      projectId,
      grantId: grant.grantId,
      userId: granteeUser,
      roles: ['PROJECT_GRANT_OWNER'],
    });
    const members = await theirs.listProjectGrantMembers({ projectId, grantId: grant.grantId, queries: [] });
    expect(members.result).toMatchObject([{ userId: granteeUser, roles: ['PROJECT_GRANT_OWNER'] }]);
    await theirs.updateProjectGrantMember({
      projectId,
      grantId: grant.grantId,
      userId: granteeUser,
      roles: ['PROJECT_GRANT_OWNER_VIEWER'],
    });
    // The project's owner org manages grants, not the granted org's members (ZITADEL checks the grant's org).
    const stranger = await orgWithOwner('Grant member stranger');
    expect(
      await v1Code(
        managementV1(server.baseUrl, stranger.owner).removeProjectGrantMember({
          projectId,
          grantId: grant.grantId,
          userId: granteeUser,
        }),
      ),
    ).toBe(Code.NotFound);
    await theirs.removeProjectGrantMember({ projectId, grantId: grant.grantId, userId: granteeUser });
    expect((await theirs.listProjectGrantMembers({ projectId, grantId: grant.grantId, queries: [] })).result).toEqual(
      [],
    );
  });
});

describe('admin v1 instance members', () => {
  it('the instance owner lists IAM roles, adds, updates and removes an instance member; an org owner may not', async () => {
    const admin = adminV1(server.baseUrl, server.adminPat);
    const { roles } = await admin.listIAMMemberRoles({});
    expect(roles).toEqual(expect.arrayContaining(['IAM_OWNER', 'IAM_ORG_MANAGER']));
    const { orgId, owner } = await orgWithOwner('Iam members');
    const userId = await human(orgId, 'Iris');
    await admin.addIAMMember({ userId, roles: ['IAM_ORG_MANAGER'] });
    const listed = await admin.listIAMMembers({ queries: [{ userIdQuery: { userId } }] });
    expect(listed.result).toMatchObject([{ userId, roles: ['IAM_ORG_MANAGER'], firstName: 'Iris' }]);
    await admin.updateIAMMember({ userId, roles: ['IAM_OWNER_VIEWER'] });
    expect((await admin.listIAMMembers({ queries: [{ userIdQuery: { userId } }] })).result[0].roles).toEqual([
      'IAM_OWNER_VIEWER',
    ]);
    expect(await v1Code(adminV1(server.baseUrl, owner).addIAMMember({ userId, roles: ['IAM_OWNER'] }))).toBe(
      Code.PermissionDenied,
    );
    expect(await v1Code(adminV1(server.baseUrl, owner).listIAMMembers({}))).toBe(Code.PermissionDenied);
    await admin.removeIAMMember({ userId });
    expect((await admin.listIAMMembers({ queries: [{ userIdQuery: { userId } }] })).result).toEqual([]);
  });
});

describe('v1 members over REST', () => {
  it('POST /orgs/me/members, POST /orgs/me/members/_search, PUT and DELETE /orgs/me/members/{user_id}, POST /admin/v1/members/_search', async () => {
    const { orgId, owner } = await orgWithOwner('Rest members');
    const userId = await human(orgId, 'Rhea');
    const call = (method: string, path: string, body?: unknown) =>
      restV1(server.baseUrl, owner, method, `/management/v1${path}`, body, orgId);
    expect((await call('POST', '/orgs/me/members', { userId, roles: ['ORG_USER_MANAGER'] })).status).toBe(200);
    const listed = await call('POST', '/orgs/me/members/_search', { queries: [{ userIdQuery: { userId } }] });
    expect(listed.body.result).toMatchObject([{ userId, roles: ['ORG_USER_MANAGER'], userType: 'TYPE_HUMAN' }]);
    expect((await call('PUT', `/orgs/me/members/${userId}`, { roles: ['ORG_OWNER'] })).status).toBe(200);
    const bad = await call('PUT', `/orgs/me/members/${userId}`, { roles: ['IAM_OWNER'] });
    expect(bad.status).toBe(400);
    expect((await call('DELETE', `/orgs/me/members/${userId}`)).status).toBe(200);
    const iam = await restV1(server.baseUrl, server.adminPat, 'POST', '/admin/v1/members/_search', {});
    expect(iam.status).toBe(200);
    expect(iam.body.details.totalResult).toBeDefined();
  });
});
