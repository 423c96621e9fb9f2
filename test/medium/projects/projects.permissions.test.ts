import { Code, type Client } from '@connectrpc/connect';
import { ProjectService } from '@zitadel/proto/zitadel/project/v2beta/project_service_pb.js';
import { GrantedProjectState } from '@zitadel/proto/zitadel/project/v2beta/query_pb.js';
import { codeOf } from '../../support/clients.js';
import {
  DENIED as PD,
  NOT_FOUND as NF,
  OK,
  permissionMatrix,
  type MatrixRow,
} from '../../support/permission-matrix.js';
import { mediumPermissionFile } from '../support/medium-app.js';

type Projects = Client<typeof ProjectService>;

const { medium, make, actors } = mediumPermissionFile();
const as = (token: string): Projects => medium().client(ProjectService, token);
const admin = () => as(medium().adminPat);

/** A: owns the projects; B: they are granted to it; C: has nothing to do with them; D: new grants go to it. */
const org = { c: '', d: '' };
const pat = { ownerC: '', otherProjectOwner: '' };

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
  const id = await make().project(actors().orgA, {
    name: `Guarded ${++fixtures}`,
    roles: ['r1', 'r2'],
    grants: [{ orgId: actors().orgB, roles: ['r1'] }],
  });
  if (options.deactivated) await admin().deactivateProject({ id });
  if (options.grantDeactivated) {
    await admin().deactivateProjectGrant({ projectId: id, grantedOrganizationId: actors().orgB });
  }
  const owner = withOwner ? (await make().principal(actors().orgA, ['PROJECT_OWNER'], 'project', id)).pat : '';
  return { projectId: id, projectOwner: owner };
}

beforeAll(async () => {
  org.c = await make().org();
  org.d = await make().org();
  pat.ownerC = (await make().principal(org.c, ['ORG_OWNER'])).pat;
  pat.otherProjectOwner = (await fixture()).projectOwner;
});

type Actor = 'ownerA' | 'viewerA' | 'ownerB' | 'ownerC' | 'projectOwner' | 'otherProjectOwner';
type Setup = { deactivated?: boolean; grantDeactivated?: boolean };

/**
 * Per RPC: the call on a fresh fixture, and what each caller gets: A's owner, A's viewer, B's owner
 * (the project is granted to B), C's owner, the PROJECT_OWNER of this project, and the
 * PROJECT_OWNER of another project. The idempotent deletes answer OK (and change nothing) to
 * those who cannot see the project: "not yours" answers like "not found", which is OK there.
 */
const RPCS: MatrixRow<Actor, Fixture>[] = [
  {
    method: 'CreateProject',
    call: (t) => as(t).createProject({ organizationId: actors().orgA, name: `Created ${Math.random()}` }),
    expect: { ownerA: OK, viewerA: PD, ownerB: NF, ownerC: NF, projectOwner: PD, otherProjectOwner: PD },
  },
  {
    method: 'GetProject',
    call: (t, f) => as(t).getProject({ id: f.projectId }),
    expect: { ownerA: OK, viewerA: OK, ownerB: OK, ownerC: NF, projectOwner: OK, otherProjectOwner: NF },
  },
  {
    method: 'UpdateProject',
    call: (t, f) => as(t).updateProject({ id: f.projectId, name: `Renamed ${f.projectId}` }),
    expect: { ownerA: OK, viewerA: PD, ownerB: PD, ownerC: NF, projectOwner: OK, otherProjectOwner: NF },
  },
  {
    method: 'DeactivateProject',
    call: (t, f) => as(t).deactivateProject({ id: f.projectId }),
    expect: { ownerA: OK, viewerA: PD, ownerB: PD, ownerC: NF, projectOwner: OK, otherProjectOwner: NF },
  },
  {
    method: 'ActivateProject',
    call: (t, f) => as(t).activateProject({ id: f.projectId }),
    expect: { ownerA: OK, viewerA: PD, ownerB: PD, ownerC: NF, projectOwner: OK, otherProjectOwner: NF },
    setup: { deactivated: true },
  },
  {
    method: 'DeleteProject',
    call: (t, f) => as(t).deleteProject({ id: f.projectId }),
    expect: { ownerA: OK, viewerA: PD, ownerB: PD, ownerC: OK, projectOwner: OK, otherProjectOwner: OK },
  },
  {
    method: 'AddProjectRole',
    call: (t, f) => as(t).addProjectRole({ projectId: f.projectId, roleKey: 'r3', displayName: 'Role 3' }),
    expect: { ownerA: OK, viewerA: PD, ownerB: PD, ownerC: NF, projectOwner: OK, otherProjectOwner: NF },
  },
  {
    method: 'UpdateProjectRole',
    call: (t, f) => as(t).updateProjectRole({ projectId: f.projectId, roleKey: 'r1', displayName: 'Changed' }),
    expect: { ownerA: OK, viewerA: PD, ownerB: PD, ownerC: NF, projectOwner: OK, otherProjectOwner: NF },
  },
  {
    method: 'RemoveProjectRole',
    call: (t, f) => as(t).removeProjectRole({ projectId: f.projectId, roleKey: 'r1' }),
    expect: { ownerA: OK, viewerA: PD, ownerB: PD, ownerC: NF, projectOwner: OK, otherProjectOwner: NF },
  },
  {
    method: 'ListProjectRoles',
    call: (t, f) => as(t).listProjectRoles({ projectId: f.projectId }),
    expect: { ownerA: OK, viewerA: OK, ownerB: OK, ownerC: NF, projectOwner: OK, otherProjectOwner: NF },
  },
  {
    method: 'CreateProjectGrant',
    call: (t, f) =>
      as(t).createProjectGrant({ projectId: f.projectId, grantedOrganizationId: org.d, roleKeys: ['r2'] }),
    expect: { ownerA: OK, viewerA: PD, ownerB: PD, ownerC: NF, projectOwner: OK, otherProjectOwner: NF },
  },
  {
    method: 'UpdateProjectGrant',
    call: (t, f) =>
      as(t).updateProjectGrant({
        projectId: f.projectId,
        grantedOrganizationId: actors().orgB,
        roleKeys: ['r1', 'r2'],
      }),
    expect: { ownerA: OK, viewerA: PD, ownerB: PD, ownerC: NF, projectOwner: OK, otherProjectOwner: NF },
  },
  {
    method: 'DeactivateProjectGrant',
    call: (t, f) => as(t).deactivateProjectGrant({ projectId: f.projectId, grantedOrganizationId: actors().orgB }),
    expect: { ownerA: OK, viewerA: PD, ownerB: PD, ownerC: NF, projectOwner: OK, otherProjectOwner: NF },
  },
  {
    method: 'ActivateProjectGrant',
    call: (t, f) => as(t).activateProjectGrant({ projectId: f.projectId, grantedOrganizationId: actors().orgB }),
    expect: { ownerA: OK, viewerA: PD, ownerB: PD, ownerC: NF, projectOwner: OK, otherProjectOwner: NF },
    setup: { grantDeactivated: true },
  },
  {
    method: 'DeleteProjectGrant',
    call: (t, f) => as(t).deleteProjectGrant({ projectId: f.projectId, grantedOrganizationId: actors().orgB }),
    expect: { ownerA: OK, viewerA: PD, ownerB: PD, ownerC: OK, projectOwner: OK, otherProjectOwner: OK },
  },
];

describe('project permissions per caller', () => {
  permissionMatrix<Actor, Fixture>({
    rows: RPCS,
    fixture: (actor, row) => fixture(row.setup as Setup | undefined, actor === 'projectOwner'),
    token: (actor, f) => {
      switch (actor) {
        case 'projectOwner':
          return f.projectOwner;
        case 'ownerC':
        case 'otherProjectOwner':
          return pat[actor];
        default:
          return actors().tokens[actor];
      }
    },
    // The idempotent deletes answer OK to those who cannot see the project, and change nothing.
    alsoUnchanged: (actor) => actor === 'ownerC' || actor === 'otherProjectOwner',
    // Whoever may not change the project left it as it was.
    unchanged: async (f) => {
      const { project } = await admin().getProject({ id: f.projectId });
      expect(project?.name).toMatch(/^Guarded /);
      const grants = await admin().listProjectGrants({
        filters: [{ filter: { case: 'inProjectIdsFilter', value: { ids: [f.projectId] } } }],
      });
      expect(grants.projectGrants.map((g) => [g.grantedOrganizationId, g.grantedRoleKeys])).toEqual([
        [actors().orgB, ['r1']],
      ]);
      const roles = await admin().listProjectRoles({
        projectId: f.projectId,
        sortingColumn: 1,
        pagination: { asc: true },
      });
      expect(roles.projectRoles.map((r) => [r.key, r.displayName])).toEqual([
        ['r1', 'r1'],
        ['r2', 'r2'],
      ]);
    },
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
          `${p.id === f.projectId ? 'P' : 'Q'}${p.grantedOrganizationId ? '→' + (p.grantedOrganizationId === actors().orgB ? 'B' : '?') : ''}`,
      )
      .sort();

  beforeAll(async () => {
    f = await fixture();
    other = await fixture();
  });

  it("shows the project org's owner the projects and their grant rows", async () => {
    expect(ids(await as(actors().tokens.ownerA).listProjects({}))).toEqual(['P', 'P→B', 'Q', 'Q→B']);
  });

  it("shows a granted org's owner the granted projects as granted, and only those roles and grants", async () => {
    const asB = as(actors().tokens.ownerB);
    const listed = await asB.listProjects({});
    expect(listed.projects.every((p) => p.grantedOrganizationId === actors().orgB)).toBe(true);
    expect(ids(listed)).toEqual(['P→B', 'Q→B']);
    const { project } = await asB.getProject({ id: f.projectId });
    const [orgB] = await medium().database.dataSource.query('SELECT name FROM orgs WHERE id = $1', [actors().orgB]);
    expect(project).toMatchObject({
      id: f.projectId,
      organizationId: actors().orgA,
      grantedOrganizationId: actors().orgB,
      grantedOrganizationName: orgB.name,
      grantedState: GrantedProjectState.ACTIVE,
    });
    expect((await asB.listProjectRoles({ projectId: f.projectId })).projectRoles.map((r) => r.key)).toEqual(['r1']);
    const grants = await asB.listProjectGrants({});
    expect(grants.projectGrants.length).toBeGreaterThanOrEqual(2);
    expect(grants.projectGrants.every((g) => g.grantedOrganizationId === actors().orgB)).toBe(true);
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
    await admin().deleteProjectGrant({ projectId: g.projectId, grantedOrganizationId: actors().orgB });
    expect(await codeOf(as(actors().tokens.ownerB).getProject({ id: g.projectId }))).toBe(Code.NotFound);
    expect(await codeOf(as(actors().tokens.ownerB).updateProject({ id: g.projectId, name: 'Taken' }))).toBe(
      Code.NotFound,
    );
  });
});
