import { Code } from '@connectrpc/connect';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { ProjectService } from '@zitadel/proto/zitadel/project/v2beta/project_service_pb.js';
import {
  GrantedProjectState,
  PrivateLabelingSetting,
  ProjectGrantState,
  ProjectState,
} from '@zitadel/proto/zitadel/project/v2beta/query_pb.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { client, codeOf, TRANSPORTS } from '../support/clients.js';

let server: TestServer;
let orgA: string;
let orgB: string;

beforeAll(async () => {
  server = await bootTestServer();
  const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
  orgA = (await orgs.createOrganization({ name: 'Projects Owner Org' })).id;
  orgB = (await orgs.createOrganization({ name: 'Projects Granted Org' })).id;
});
afterAll(() => server?.close());

describe.each(TRANSPORTS)('projects over %s', (transportName) => {
  it('creates, reads, updates, deactivates, activates and deletes a project', async () => {
    const projects = client(ProjectService, transportName, server.baseUrl, server.adminPat);
    const name = `Shop ${transportName}`;
    const created = await projects.createProject({
      organizationId: orgA,
      name,
      projectRoleAssertion: true,
      authorizationRequired: true,
      privateLabelingSetting: PrivateLabelingSetting.ENFORCE_PROJECT_RESOURCE_OWNER_POLICY,
    });
    expect(created.id).toMatch(/^\d{18}$/);
    expect(created.creationDate).toBeDefined();

    const { project } = await projects.getProject({ id: created.id });
    expect(project).toMatchObject({
      id: created.id,
      organizationId: orgA,
      name,
      state: ProjectState.ACTIVE,
      projectRoleAssertion: true,
      authorizationRequired: true,
      projectAccessRequired: false,
      privateLabelingSetting: PrivateLabelingSetting.ENFORCE_PROJECT_RESOURCE_OWNER_POLICY,
      grantedState: GrantedProjectState.UNSPECIFIED,
    });
    expect(project?.grantedOrganizationId).toBeUndefined();

    const updated = await projects.updateProject({
      id: created.id,
      name: `${name} 2`,
      projectRoleCheck: false,
      hasProjectCheck: true,
    });
    expect(updated.changeDate).toBeDefined();
    const after = (await projects.getProject({ id: created.id })).project!;
    expect(after).toMatchObject({
      name: `${name} 2`,
      authorizationRequired: false,
      projectAccessRequired: true,
      projectRoleAssertion: true,
    });
    // Nothing to change: no error, the last change date.
    const same = await projects.updateProject({ id: created.id, name: `${name} 2` });
    expect(same.changeDate).toEqual(after.changeDate);

    await projects.deactivateProject({ id: created.id });
    expect((await projects.getProject({ id: created.id })).project?.state).toBe(ProjectState.INACTIVE);
    // As the contract says: already deactivated is no error.
    expect(await codeOf(projects.deactivateProject({ id: created.id }))).toBe('ok');
    await projects.activateProject({ id: created.id });
    expect((await projects.getProject({ id: created.id })).project?.state).toBe(ProjectState.ACTIVE);

    const deleted = await projects.deleteProject({ id: created.id });
    expect(deleted.deletionDate).toBeDefined();
    expect(await codeOf(projects.getProject({ id: created.id }))).toBe(Code.NotFound);
    // Deleting again: the desired state is there, no error and no date.
    const again = await projects.deleteProject({ id: created.id });
    expect(again.deletionDate).toBeUndefined();
  });

  it('manages roles and grants a role subset to another org', async () => {
    const projects = client(ProjectService, transportName, server.baseUrl, server.adminPat);
    const { id } = await projects.createProject({ organizationId: orgA, name: `Roles ${transportName}` });
    await projects.addProjectRole({ projectId: id, roleKey: 'admin', displayName: 'Administrator', group: 'staff' });
    await projects.addProjectRole({ projectId: id, roleKey: 'viewer', displayName: 'Viewer' });
    expect(await codeOf(projects.addProjectRole({ projectId: id, roleKey: 'admin', displayName: 'Again' }))).toBe(
      Code.AlreadyExists,
    );
    await projects.updateProjectRole({ projectId: id, roleKey: 'viewer', displayName: 'Reader', group: 'guests' });

    const roles = await projects.listProjectRoles({ projectId: id, sortingColumn: 1, pagination: { asc: true } });
    expect(roles.projectRoles.map((r) => [r.key, r.displayName, r.group])).toEqual([
      ['admin', 'Administrator', 'staff'],
      ['viewer', 'Reader', 'guests'],
    ]);
    expect(roles.pagination?.totalResult).toBe(2n);

    const granted = await projects.createProjectGrant({
      projectId: id,
      grantedOrganizationId: orgB,
      roleKeys: ['viewer'],
    });
    expect(granted.creationDate).toBeDefined();
    expect(
      await codeOf(projects.createProjectGrant({ projectId: id, grantedOrganizationId: orgB, roleKeys: [] })),
    ).toBe(Code.AlreadyExists);
    await projects.updateProjectGrant({ projectId: id, grantedOrganizationId: orgB, roleKeys: ['viewer', 'admin'] });
    await projects.deactivateProjectGrant({ projectId: id, grantedOrganizationId: orgB });
    expect(await codeOf(projects.deactivateProjectGrant({ projectId: id, grantedOrganizationId: orgB }))).toBe(
      Code.FailedPrecondition,
    );

    const grants = await projects.listProjectGrants({
      filters: [{ filter: { case: 'inProjectIdsFilter', value: { ids: [id] } } }],
    });
    expect(grants.projectGrants).toHaveLength(1);
    expect(grants.projectGrants[0]).toMatchObject({
      projectId: id,
      projectName: `Roles ${transportName}`,
      organizationId: orgA,
      grantedOrganizationId: orgB,
      grantedOrganizationName: 'Projects Granted Org',
      grantedRoleKeys: ['viewer', 'admin'],
      state: ProjectGrantState.INACTIVE,
    });
    await projects.activateProjectGrant({ projectId: id, grantedOrganizationId: orgB });

    // Removing a role takes it out of the grant.
    const removed = await projects.removeProjectRole({ projectId: id, roleKey: 'admin' });
    expect(removed.removalDate).toBeDefined();
    const after = await projects.listProjectGrants({
      filters: [{ filter: { case: 'inProjectIdsFilter', value: { ids: [id] } } }],
    });
    expect(after.projectGrants[0].grantedRoleKeys).toEqual(['viewer']);
    expect(after.projectGrants[0].state).toBe(ProjectGrantState.ACTIVE);
    expect(await codeOf(projects.removeProjectRole({ projectId: id, roleKey: 'admin' }))).toBe(Code.NotFound);

    const gone = await projects.deleteProjectGrant({ projectId: id, grantedOrganizationId: orgB });
    expect(gone.deletionDate).toBeDefined();
    expect(
      (await projects.deleteProjectGrant({ projectId: id, grantedOrganizationId: orgB })).deletionDate,
    ).toBeUndefined();
    expect(
      await codeOf(projects.updateProjectGrant({ projectId: id, grantedOrganizationId: orgB, roleKeys: [] })),
    ).toBe(Code.NotFound);
  });
});

describe('project rules', () => {
  const admin = () => client(ProjectService, 'grpc', server.baseUrl, server.adminPat);

  it('keeps names unique per org, case-insensitively, but not across orgs', async () => {
    await admin().createProject({ organizationId: orgA, name: 'Unique Name' });
    expect(await codeOf(admin().createProject({ organizationId: orgA, name: 'unique name' }))).toBe(Code.AlreadyExists);
    expect(await codeOf(admin().createProject({ organizationId: orgB, name: 'Unique Name' }))).toBe('ok');
    const other = await admin().createProject({ organizationId: orgA, name: 'Another Name' });
    expect(await codeOf(admin().updateProject({ id: other.id, name: 'UNIQUE NAME' }))).toBe(Code.AlreadyExists);
  });

  it('takes a caller-chosen id once', async () => {
    const { id } = await admin().createProject({ organizationId: orgA, id: 'my-project-id', name: 'Chosen Id' });
    expect(id).toBe('my-project-id');
    expect(
      await codeOf(admin().createProject({ organizationId: orgA, id: 'my-project-id', name: 'Chosen Id 2' })),
    ).toBe(Code.AlreadyExists);
  });

  it('refuses blank names, missing orgs and undefined settings', async () => {
    expect(await codeOf(admin().createProject({ organizationId: orgA, name: '' }))).toBe(Code.InvalidArgument);
    expect(await codeOf(admin().createProject({ organizationId: orgA, name: '   ' }))).toBe(Code.InvalidArgument);
    expect(await codeOf(admin().createProject({ organizationId: '', name: 'No Org' }))).toBe(Code.InvalidArgument);
    expect(await codeOf(admin().createProject({ organizationId: '999999999999999999', name: 'Missing Org' }))).toBe(
      Code.NotFound,
    );
    expect(
      await codeOf(
        admin().createProject({
          organizationId: orgA,
          name: 'Bad Setting',
          privateLabelingSetting: 7 as PrivateLabelingSetting,
        }),
      ),
    ).toBe(Code.InvalidArgument);
    expect(await codeOf(admin().getProject({ id: '999999999999999999' }))).toBe(Code.NotFound);
  });

  it('grants only roles the project has, to another existing org, naming the unknown roles', async () => {
    const { id } = await admin().createProject({ organizationId: orgA, name: 'Grant Rules' });
    await admin().addProjectRole({ projectId: id, roleKey: 'reader', displayName: 'Reader' });
    const err = await admin()
      .createProjectGrant({ projectId: id, grantedOrganizationId: orgB, roleKeys: ['reader', 'writer', 'owner'] })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: Code.InvalidArgument });
    expect(String((err as Error).message)).toMatch(/"writer", "owner"/);
    expect(await codeOf(admin().createProjectGrant({ projectId: id, grantedOrganizationId: orgA, roleKeys: [] }))).toBe(
      Code.InvalidArgument,
    );
    expect(
      await codeOf(
        admin().createProjectGrant({ projectId: id, grantedOrganizationId: '999999999999999999', roleKeys: [] }),
      ),
    ).toBe(Code.InvalidArgument);
    await admin().createProjectGrant({ projectId: id, grantedOrganizationId: orgB, roleKeys: ['reader'] });
    const update = await admin()
      .updateProjectGrant({ projectId: id, grantedOrganizationId: orgB, roleKeys: ['reader', 'writer'] })
      .catch((e: unknown) => e);
    expect(update).toMatchObject({ code: Code.InvalidArgument });
    expect(String((update as Error).message)).toMatch(/"writer"/);
  });
});
