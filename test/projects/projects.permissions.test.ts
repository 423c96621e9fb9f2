import { Code, type Client } from '@connectrpc/connect';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { ProjectService } from '@zitadel/proto/zitadel/project/v2beta/project_service_pb.js';
import { GrantedProjectState } from '@zitadel/proto/zitadel/project/v2beta/query_pb.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { client, codeOf } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';

type Projects = Client<typeof ProjectService>;
type Outcome = Code | 'ok';

let server: TestServer;
let admin: Projects;
/** A: owns the projects; B: they are granted to it; C: has nothing to do with them; D: new grants go to it. */
const org = { a: '', b: '', c: '', d: '' };
const pat = { ownerA: '', viewerA: '', ownerB: '', ownerC: '', otherProjectOwner: '' };

/** A fresh project of org A with roles r1, r2, granted to B with r1, and (when asked for) a PROJECT_OWNER on it. */
interface Fixture {
  projectId: string;
  projectOwner: string;
}

let fixtures = 0;
async function fixture(
  options: { deactivated?: boolean; grantDeactivated?: boolean } = {},
  withOwner = true,
): Promise<Fixture> {
  const { id } = await admin.createProject({ organizationId: org.a, name: `Guarded ${++fixtures}` });
  await admin.addProjectRole({ projectId: id, roleKey: 'r1', displayName: 'Role 1' });
  await admin.addProjectRole({ projectId: id, roleKey: 'r2', displayName: 'Role 2' });
  await admin.createProjectGrant({ projectId: id, grantedOrganizationId: org.b, roleKeys: ['r1'] });
  if (options.deactivated) await admin.deactivateProject({ id });
  if (options.grantDeactivated) await admin.deactivateProjectGrant({ projectId: id, grantedOrganizationId: org.b });
  const owner = withOwner
    ? (await machineWithRoles(server, org.a, { level: 'project', resourceId: id, roles: ['PROJECT_OWNER'] })).pat
    : '';
  return { projectId: id, projectOwner: owner };
}

const as = (token: string) => client(ProjectService, 'grpc', server.baseUrl, token);

beforeAll(async () => {
  server = await bootTestServer();
  admin = as(server.adminPat);
  const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
  org.a = (await orgs.createOrganization({ name: 'Perm Org A' })).id;
  org.b = (await orgs.createOrganization({ name: 'Perm Org B' })).id;
  org.c = (await orgs.createOrganization({ name: 'Perm Org C' })).id;
  org.d = (await orgs.createOrganization({ name: 'Perm Org D' })).id;
  pat.ownerA = (await machineWithRoles(server, org.a, { level: 'org', resourceId: org.a, roles: ['ORG_OWNER'] })).pat;
  pat.viewerA = (
    await machineWithRoles(server, org.a, { level: 'org', resourceId: org.a, roles: ['ORG_OWNER_VIEWER'] })
  ).pat;
  pat.ownerB = (await machineWithRoles(server, org.b, { level: 'org', resourceId: org.b, roles: ['ORG_OWNER'] })).pat;
  pat.ownerC = (await machineWithRoles(server, org.c, { level: 'org', resourceId: org.c, roles: ['ORG_OWNER'] })).pat;
  pat.otherProjectOwner = (await fixture()).projectOwner;
});
afterAll(() => server?.close());

const NF = Code.NotFound;
const PD = Code.PermissionDenied;

/**
 * Per RPC: the call on a fresh fixture, and what each caller gets: A's owner, A's viewer, B's owner
 * (the project is granted to B), C's owner, the PROJECT_OWNER of this project, and the
 * PROJECT_OWNER of another project. The idempotent deletes answer OK (and change nothing) to
 * those who cannot see the project: "not yours" answers like "not found", which is OK there.
 */
const RPCS: [
  name: string,
  call: (c: Projects, f: Fixture) => Promise<unknown>,
  expected: {
    ownerA: Outcome;
    viewerA: Outcome;
    ownerB: Outcome;
    ownerC: Outcome;
    projectOwner: Outcome;
    otherProjectOwner: Outcome;
  },
  setup?: { deactivated?: boolean; grantDeactivated?: boolean },
][] = [
  [
    'CreateProject',
    (c) => c.createProject({ organizationId: org.a, name: `Created ${Math.random()}` }),
    { ownerA: 'ok', viewerA: PD, ownerB: NF, ownerC: NF, projectOwner: PD, otherProjectOwner: PD },
  ],
  [
    'GetProject',
    (c, f) => c.getProject({ id: f.projectId }),
    { ownerA: 'ok', viewerA: 'ok', ownerB: 'ok', ownerC: NF, projectOwner: 'ok', otherProjectOwner: NF },
  ],
  [
    'UpdateProject',
    (c, f) => c.updateProject({ id: f.projectId, name: `Renamed ${f.projectId}` }),
    { ownerA: 'ok', viewerA: PD, ownerB: PD, ownerC: NF, projectOwner: 'ok', otherProjectOwner: NF },
  ],
  [
    'DeactivateProject',
    (c, f) => c.deactivateProject({ id: f.projectId }),
    { ownerA: 'ok', viewerA: PD, ownerB: PD, ownerC: NF, projectOwner: 'ok', otherProjectOwner: NF },
  ],
  [
    'ActivateProject',
    (c, f) => c.activateProject({ id: f.projectId }),
    { ownerA: 'ok', viewerA: PD, ownerB: PD, ownerC: NF, projectOwner: 'ok', otherProjectOwner: NF },
    { deactivated: true },
  ],
  [
    'DeleteProject',
    (c, f) => c.deleteProject({ id: f.projectId }),
    { ownerA: 'ok', viewerA: PD, ownerB: PD, ownerC: 'ok', projectOwner: 'ok', otherProjectOwner: 'ok' },
  ],
  [
    'AddProjectRole',
    (c, f) => c.addProjectRole({ projectId: f.projectId, roleKey: 'r3', displayName: 'Role 3' }),
    { ownerA: 'ok', viewerA: PD, ownerB: PD, ownerC: NF, projectOwner: 'ok', otherProjectOwner: NF },
  ],
  [
    'UpdateProjectRole',
    (c, f) => c.updateProjectRole({ projectId: f.projectId, roleKey: 'r1', displayName: 'Changed' }),
    { ownerA: 'ok', viewerA: PD, ownerB: PD, ownerC: NF, projectOwner: 'ok', otherProjectOwner: NF },
  ],
  [
    'RemoveProjectRole',
    (c, f) => c.removeProjectRole({ projectId: f.projectId, roleKey: 'r1' }),
    { ownerA: 'ok', viewerA: PD, ownerB: PD, ownerC: NF, projectOwner: 'ok', otherProjectOwner: NF },
  ],
  [
    'ListProjectRoles',
    (c, f) => c.listProjectRoles({ projectId: f.projectId }),
    { ownerA: 'ok', viewerA: 'ok', ownerB: 'ok', ownerC: NF, projectOwner: 'ok', otherProjectOwner: NF },
  ],
  [
    'CreateProjectGrant',
    (c, f) => c.createProjectGrant({ projectId: f.projectId, grantedOrganizationId: org.d, roleKeys: ['r2'] }),
    { ownerA: 'ok', viewerA: PD, ownerB: PD, ownerC: NF, projectOwner: 'ok', otherProjectOwner: NF },
  ],
  [
    'UpdateProjectGrant',
    (c, f) => c.updateProjectGrant({ projectId: f.projectId, grantedOrganizationId: org.b, roleKeys: ['r1', 'r2'] }),
    { ownerA: 'ok', viewerA: PD, ownerB: PD, ownerC: NF, projectOwner: 'ok', otherProjectOwner: NF },
  ],
  [
    'DeactivateProjectGrant',
    (c, f) => c.deactivateProjectGrant({ projectId: f.projectId, grantedOrganizationId: org.b }),
    { ownerA: 'ok', viewerA: PD, ownerB: PD, ownerC: NF, projectOwner: 'ok', otherProjectOwner: NF },
  ],
  [
    'ActivateProjectGrant',
    (c, f) => c.activateProjectGrant({ projectId: f.projectId, grantedOrganizationId: org.b }),
    { ownerA: 'ok', viewerA: PD, ownerB: PD, ownerC: NF, projectOwner: 'ok', otherProjectOwner: NF },
    { grantDeactivated: true },
  ],
  [
    'DeleteProjectGrant',
    (c, f) => c.deleteProjectGrant({ projectId: f.projectId, grantedOrganizationId: org.b }),
    { ownerA: 'ok', viewerA: PD, ownerB: PD, ownerC: 'ok', projectOwner: 'ok', otherProjectOwner: 'ok' },
  ],
];

describe.each(RPCS)('%s', (_name, call, expected, setup) => {
  it.each(Object.keys(expected) as (keyof typeof expected)[])('as %s', async (caller) => {
    const f = await fixture(setup, caller === 'projectOwner');
    const token = caller === 'projectOwner' ? f.projectOwner : pat[caller];
    expect(await codeOf(call(as(token), f))).toBe(expected[caller]);
    // Whoever may not change the project left it as it was.
    if (expected[caller] !== 'ok' || caller === 'ownerC' || caller === 'otherProjectOwner') {
      const { project } = await admin.getProject({ id: f.projectId });
      expect(project?.name).toMatch(/^Guarded /);
      const grants = await admin.listProjectGrants({
        filters: [{ filter: { case: 'inProjectIdsFilter', value: { ids: [f.projectId] } } }],
      });
      expect(grants.projectGrants.map((g) => [g.grantedOrganizationId, g.grantedRoleKeys])).toEqual([[org.b, ['r1']]]);
      const roles = await admin.listProjectRoles({
        projectId: f.projectId,
        sortingColumn: 1,
        pagination: { asc: true },
      });
      expect(roles.projectRoles.map((r) => [r.key, r.displayName])).toEqual([
        ['r1', 'Role 1'],
        ['r2', 'Role 2'],
      ]);
    }
  });
});

describe('what each caller sees in lists', () => {
  let f: Fixture;
  let other: Fixture;
  const ids = (res: { projects: { id: string; grantedOrganizationId?: string }[] }) =>
    res.projects
      .filter((p) => p.id === f.projectId || p.id === other.projectId)
      .map(
        (p) =>
          `${p.id === f.projectId ? 'P' : 'Q'}${p.grantedOrganizationId ? '→' + (p.grantedOrganizationId === org.b ? 'B' : '?') : ''}`,
      )
      .sort();

  beforeAll(async () => {
    f = await fixture();
    other = await fixture();
  });

  it("shows the project org's owner the projects and their grant rows", async () => {
    expect(ids(await as(pat.ownerA).listProjects({}))).toEqual(['P', 'P→B', 'Q', 'Q→B']);
  });

  it("shows a granted org's owner the granted projects as granted, and only those roles and grants", async () => {
    const asB = as(pat.ownerB);
    const listed = await asB.listProjects({});
    expect(listed.projects.every((p) => p.grantedOrganizationId === org.b)).toBe(true);
    expect(ids(listed)).toEqual(['P→B', 'Q→B']);
    const { project } = await asB.getProject({ id: f.projectId });
    expect(project).toMatchObject({
      id: f.projectId,
      organizationId: org.a,
      grantedOrganizationId: org.b,
      grantedOrganizationName: 'Perm Org B',
      grantedState: GrantedProjectState.ACTIVE,
    });
    expect((await asB.listProjectRoles({ projectId: f.projectId })).projectRoles.map((r) => r.key)).toEqual(['r1']);
    const grants = await asB.listProjectGrants({});
    expect(grants.projectGrants.length).toBeGreaterThanOrEqual(2);
    expect(grants.projectGrants.every((g) => g.grantedOrganizationId === org.b)).toBe(true);
  });

  it("shows another org's owner nothing", async () => {
    const asC = as(pat.ownerC);
    expect((await asC.listProjects({})).projects).toEqual([]);
    expect((await asC.listProjectGrants({})).projectGrants).toEqual([]);
    expect(
      (
        await asC.listProjectGrants({
          filters: [{ filter: { case: 'inProjectIdsFilter', value: { ids: [f.projectId] } } }],
        })
      ).pagination?.totalResult,
    ).toBe(0n);
  });

  it('shows a PROJECT_OWNER its project (and its grants), not another', async () => {
    const asOwner = as(f.projectOwner);
    expect(ids(await asOwner.listProjects({}))).toEqual(['P', 'P→B']);
    expect((await asOwner.listProjectGrants({})).projectGrants.map((g) => g.projectId)).toEqual([f.projectId]);
    expect(await codeOf(asOwner.listProjectRoles({ projectId: other.projectId }))).toBe(Code.NotFound);
  });

  it('stops showing a granted org the project once the grant is gone', async () => {
    const g = await fixture();
    await admin.deleteProjectGrant({ projectId: g.projectId, grantedOrganizationId: org.b });
    expect(await codeOf(as(pat.ownerB).getProject({ id: g.projectId }))).toBe(Code.NotFound);
    expect(await codeOf(as(pat.ownerB).updateProject({ id: g.projectId, name: 'Taken' }))).toBe(Code.NotFound);
  });
});
