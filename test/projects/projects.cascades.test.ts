import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { ProjectService } from '@zitadel/proto/zitadel/project/v2beta/project_service_pb.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { client } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';

let server: TestServer;
let projects: ReturnType<typeof client<typeof ProjectService>>;
const org = { a: '', b: '' };
const user = { a: '', b: '' };

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> =>
  server.database.dataSource.query(text, params);

/** P of org A with roles r1, r2, granted to B with both, an app, and authorizations in A and (through the grant) in B. */
async function populated(name: string) {
  const { id } = await projects.createProject({ organizationId: org.a, name });
  await projects.addProjectRole({ projectId: id, roleKey: 'r1', displayName: 'Role 1' });
  await projects.addProjectRole({ projectId: id, roleKey: 'r2', displayName: 'Role 2' });
  await projects.createProjectGrant({ projectId: id, grantedOrganizationId: org.b, roleKeys: ['r1', 'r2'] });
  const [{ id: grantId }] = await sql<{ id: string }>(
    'SELECT id FROM project_grants WHERE project_id = $1 AND granted_org_id = $2',
    [id, org.b],
  );
  const [{ instance_id: instanceId }] = await sql<{ instance_id: string }>(
    'SELECT instance_id FROM projects WHERE id = $1',
    [id],
  );
  // Rows of the apps and authorizations modules, written directly: what they hold does not matter here.
  await sql(
    `INSERT INTO apps (instance_id, id, project_id, resource_owner, name, state, kind, created_at, changed_at, sequence)
     VALUES ($1, $2, $3, $4, 'App', 'active', 'saml', now(), now(), 1)`,
    [instanceId, `app-${id}`, id, org.a],
  );
  await sql(
    `INSERT INTO user_grants (instance_id, id, user_id, project_id, project_grant_id, resource_owner, role_keys, state, created_at, changed_at, sequence)
     VALUES ($1, $2, $3, $4, NULL, $5, '{r1,r2}', 'active', now(), now(), 1), ($1, $6, $7, $4, $8, $9, '{r1,r2}', 'active', now(), now(), 1)`,
    [instanceId, `ug-a-${id}`, user.a, id, org.a, `ug-b-${id}`, user.b, grantId, org.b],
  );
  const projectOwner = await machineWithRoles(server, org.a, {
    level: 'project',
    resourceId: id,
    roles: ['PROJECT_OWNER'],
  });
  const grantOwner = await machineWithRoles(server, org.b, {
    level: 'project_grant',
    resourceId: grantId,
    roles: ['PROJECT_GRANT_OWNER'],
    projectId: id,
  });
  return { id, grantId, projectOwner: projectOwner.userId, grantOwner: grantOwner.userId };
}

const eventsOf = (aggregateType: string, aggregateId: string) =>
  sql<{ event_type: string; payload: Record<string, unknown> }>(
    'SELECT event_type, payload FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY sequence',
    [aggregateType, aggregateId],
  );

beforeAll(async () => {
  server = await bootTestServer();
  const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
  org.a = (await orgs.createOrganization({ name: 'Cascade Org A' })).id;
  org.b = (await orgs.createOrganization({ name: 'Cascade Org B' })).id;
  user.a = (
    await machineWithRoles(server, org.a, { level: 'org', resourceId: org.a, roles: ['ORG_USER_SELF_MANAGER'] })
  ).userId;
  user.b = (
    await machineWithRoles(server, org.b, { level: 'org', resourceId: org.b, roles: ['ORG_USER_SELF_MANAGER'] })
  ).userId;
  projects = client(ProjectService, 'grpc', server.baseUrl, server.adminPat);
});
afterAll(() => server?.close());

describe('deleting a project', () => {
  it('removes its roles, grants, apps, authorizations and memberships in one go, with events', async () => {
    const p = await populated('Doomed');
    await projects.deleteProject({ id: p.id });
    const [left] = await sql(
      `SELECT (SELECT count(*) FROM projects WHERE id = $1)::int AS projects,
              (SELECT count(*) FROM project_roles WHERE project_id = $1)::int AS roles,
              (SELECT count(*) FROM project_grants WHERE project_id = $1)::int AS grants,
              (SELECT count(*) FROM apps WHERE project_id = $1)::int AS apps,
              (SELECT count(*) FROM user_grants WHERE project_id = $1)::int AS authorizations,
              (SELECT count(*) FROM memberships WHERE resource_id IN ($1, $2))::int AS memberships`,
      [p.id, p.grantId],
    );
    expect(left).toEqual({ projects: 0, roles: 0, grants: 0, apps: 0, authorizations: 0, memberships: 0 });

    const projectEvents = (await eventsOf('project', p.id)).map((e) => e.event_type);
    expect(projectEvents[0]).toBe('project.added');
    expect(projectEvents[projectEvents.length - 1]).toBe('project.removed');
    for (const id of [`ug-a-${p.id}`, `ug-b-${p.id}`]) {
      expect(await eventsOf('usergrant', id)).toEqual([
        { event_type: 'user.grant.cascade.removed', payload: expect.objectContaining({ projectId: p.id }) },
      ]);
    }
    // The users themselves stay.
    const [users] = await sql('SELECT count(*)::int AS n FROM users WHERE id IN ($1, $2, $3, $4)', [
      user.a,
      user.b,
      p.projectOwner,
      p.grantOwner,
    ]);
    expect(users).toEqual({ n: 4 });
  });

  it('leaves other projects alone', async () => {
    const kept = await populated('Kept');
    const doomed = await populated('Doomed Too');
    await projects.deleteProject({ id: doomed.id });
    const [left] = await sql(
      `SELECT (SELECT count(*) FROM project_roles WHERE project_id = $1)::int AS roles,
              (SELECT count(*) FROM project_grants WHERE project_id = $1)::int AS grants,
              (SELECT count(*) FROM user_grants WHERE project_id = $1)::int AS authorizations,
              (SELECT count(*) FROM memberships WHERE resource_id IN ($1, $2))::int AS memberships`,
      [kept.id, kept.grantId],
    );
    expect(left).toEqual({ roles: 2, grants: 1, authorizations: 2, memberships: 2 });
  });
});

describe('removing a role', () => {
  it('takes it out of the grants and authorizations, with cascade events', async () => {
    const p = await populated('Role Cascade');
    await projects.removeProjectRole({ projectId: p.id, roleKey: 'r2' });
    const [grant] = await sql<{ role_keys: string[] }>('SELECT role_keys FROM project_grants WHERE id = $1', [
      p.grantId,
    ]);
    expect(grant.role_keys).toEqual(['r1']);
    const authorizations = await sql<{ id: string; role_keys: string[] }>(
      'SELECT id, role_keys FROM user_grants WHERE project_id = $1 ORDER BY id',
      [p.id],
    );
    expect(authorizations).toEqual([
      { id: `ug-a-${p.id}`, role_keys: ['r1'] },
      { id: `ug-b-${p.id}`, role_keys: ['r1'] },
    ]);
    const events = await eventsOf('project', p.id);
    expect(events.slice(-2)).toEqual([
      {
        event_type: 'project.grant.cascade.changed',
        payload: { grantId: p.grantId, grantedOrgId: org.b, roleKeys: ['r1'] },
      },
      { event_type: 'project.role.removed', payload: { key: 'r2' } },
    ]);
    expect(await eventsOf('usergrant', `ug-a-${p.id}`)).toEqual([
      { event_type: 'user.grant.cascade.changed', payload: expect.objectContaining({ roleKeys: ['r1'] }) },
    ]);
  });
});

describe('changing and deleting a grant', () => {
  it('takes the roles a grant loses from the authorizations given through it, and only those', async () => {
    const p = await populated('Grant Cascade');
    await projects.updateProjectGrant({ projectId: p.id, grantedOrganizationId: org.b, roleKeys: ['r2'] });
    const rows = await sql<{ id: string; role_keys: string[] }>(
      'SELECT id, role_keys FROM user_grants WHERE project_id = $1 ORDER BY id',
      [p.id],
    );
    expect(rows).toEqual([
      { id: `ug-a-${p.id}`, role_keys: ['r1', 'r2'] },
      { id: `ug-b-${p.id}`, role_keys: ['r2'] },
    ]);
    expect((await eventsOf('project', p.id)).at(-1)).toEqual({
      event_type: 'project.grant.changed',
      payload: { grantId: p.grantId, grantedOrgId: org.b, roleKeys: ['r2'] },
    });
  });

  it('deletes the authorizations given through a deleted grant and the memberships on it', async () => {
    const p = await populated('Grant Removal');
    await projects.deleteProjectGrant({ projectId: p.id, grantedOrganizationId: org.b });
    const ids = await sql<{ id: string }>('SELECT id FROM user_grants WHERE project_id = $1', [p.id]);
    expect(ids.map((r) => r.id)).toEqual([`ug-a-${p.id}`]);
    const [members] = await sql(
      `SELECT (SELECT count(*) FROM memberships WHERE resource_id = $1)::int AS on_grant,
              (SELECT count(*) FROM memberships WHERE resource_id = $2)::int AS on_project`,
      [p.grantId, p.id],
    );
    expect(members).toEqual({ on_grant: 0, on_project: 1 });
    expect((await eventsOf('project', p.id)).at(-1)).toEqual({
      event_type: 'project.grant.removed',
      payload: { grantId: p.grantId, grantedOrgId: org.b },
    });
    expect((await eventsOf('usergrant', `ug-b-${p.id}`)).map((e) => e.event_type)).toEqual([
      'user.grant.cascade.removed',
    ]);
  });
});

describe('events', () => {
  it("records each change on the project's aggregate, in order, with what changed", async () => {
    const { id } = await projects.createProject({ organizationId: org.a, name: 'Evented', projectRoleAssertion: true });
    await projects.updateProject({ id, name: 'Evented 2' });
    await projects.updateProject({ id, name: 'Evented 2' }); // no change, no event
    await projects.deactivateProject({ id });
    await projects.deactivateProject({ id }); // already so, no event
    await projects.activateProject({ id });
    await projects.addProjectRole({ projectId: id, roleKey: 'k', displayName: 'K' });
    await projects.updateProjectRole({ projectId: id, roleKey: 'k', group: 'g' });
    await projects.createProjectGrant({ projectId: id, grantedOrganizationId: org.b, roleKeys: ['k'] });
    await projects.deactivateProjectGrant({ projectId: id, grantedOrganizationId: org.b });
    await projects.activateProjectGrant({ projectId: id, grantedOrganizationId: org.b });
    const events = await eventsOf('project', id);
    expect(events.map((e) => e.event_type)).toEqual([
      'project.added',
      'project.changed',
      'project.deactivated',
      'project.reactivated',
      'project.role.added',
      'project.role.changed',
      'project.grant.added',
      'project.grant.deactivated',
      'project.grant.reactivated',
    ]);
    expect(events[0].payload).toEqual({
      name: 'Evented',
      projectRoleAssertion: true,
      authorizationRequired: false,
      projectAccessRequired: false,
      privateLabelingSetting: 0,
    });
    expect(events[1].payload).toEqual({ name: 'Evented 2' });
    expect(events[5].payload).toEqual({ key: 'k', group: 'g' });
    const [row] = await sql<{ sequence: string; resource_owner: string }>(
      'SELECT sequence, resource_owner FROM projects WHERE id = $1',
      [id],
    );
    expect(row).toEqual({ sequence: '4', resource_owner: org.a });
    const [grant] = await sql<{ sequence: string }>('SELECT sequence FROM project_grants WHERE project_id = $1', [id]);
    expect(grant.sequence).toBe('9');
  });
});
