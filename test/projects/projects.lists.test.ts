import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { TextFilterMethod } from '@zitadel/proto/zitadel/filter/v2beta/filter_pb.js';
import {
  ProjectService,
  type ListProjectRolesRequestSchema,
} from '@zitadel/proto/zitadel/project/v2beta/project_service_pb.js';
import {
  GrantedProjectState,
  ProjectFieldName,
  ProjectGrantFieldName,
  ProjectRoleFieldName,
  type Project,
  type ProjectGrantSearchFilter,
  type ProjectGrantSearchFilterSchema,
  type ProjectSearchFilterSchema,
} from '@zitadel/proto/zitadel/project/v2beta/query_pb.js';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { Code } from '@connectrpc/connect';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { client, codeOf } from '../support/clients.js';

let server: TestServer;
let projects: ReturnType<typeof client<typeof ProjectService>>;
const org: Record<'x' | 'y' | 'z', string> = { x: '', y: '', z: '' };
const id: Record<'alpha' | 'beta' | 'gamma' | 'delta', string> = { alpha: '', beta: '', gamma: '', delta: '' };

type FilterInit = MessageInitShape<typeof ProjectSearchFilterSchema>['filter'];
type GrantFilterInit = MessageInitShape<typeof ProjectGrantSearchFilterSchema>['filter'];

/** "Alpha" or "Alpha→Y" for a granted row: what a list row is, in one word. */
const rowName = (p: Project) => {
  const grantee = Object.entries(org).find(([, v]) => v === p.grantedOrganizationId)?.[0];
  return grantee ? `${p.name}→${grantee.toUpperCase()}` : p.name;
};

beforeAll(async () => {
  server = await bootTestServer();
  const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
  org.x = (await orgs.createOrganization({ name: 'List Org X' })).id;
  org.y = (await orgs.createOrganization({ name: 'List Org Y' })).id;
  org.z = (await orgs.createOrganization({ name: 'List Org Z' })).id;
  projects = client(ProjectService, 'grpc', server.baseUrl, server.adminPat);
  // Created one after another, so creation dates order them Alpha < Beta < Gamma < Delta.
  id.alpha = (await projects.createProject({ organizationId: org.x, name: 'Alpha' })).id;
  id.beta = (await projects.createProject({ organizationId: org.x, name: 'Beta' })).id;
  id.gamma = (await projects.createProject({ organizationId: org.x, name: 'Gamma' })).id;
  id.delta = (await projects.createProject({ organizationId: org.y, name: 'Delta' })).id;
  for (const key of ['read', 'write', 'admin'])
    await projects.addProjectRole({
      projectId: id.alpha,
      roleKey: key,
      displayName: `Can ${key}`,
      group: key === 'admin' ? 'ops' : 'app',
    });
  await projects.addProjectRole({ projectId: id.delta, roleKey: 'read', displayName: 'Reader' });
  await projects.createProjectGrant({ projectId: id.alpha, grantedOrganizationId: org.y, roleKeys: ['read'] });
  await projects.createProjectGrant({ projectId: id.alpha, grantedOrganizationId: org.z, roleKeys: ['read', 'write'] });
  await projects.createProjectGrant({ projectId: id.delta, grantedOrganizationId: org.x, roleKeys: ['read'] });
  await projects.deactivateProjectGrant({ projectId: id.alpha, grantedOrganizationId: org.z });
  // The latest change of all: Beta.
  await projects.updateProject({ id: id.beta, projectRoleAssertion: true });
});
afterAll(() => server?.close());

describe('ListProjects', () => {
  const list = async (filter: FilterInit[], sortingColumn = ProjectFieldName.NAME, asc = true) => {
    const res = await projects.listProjects({
      filters: filter.map((f) => ({ filter: f })),
      sortingColumn,
      pagination: { asc },
    });
    return { names: res.projects.map(rowName), total: res.pagination?.totalResult, projects: res.projects };
  };
  const inX: FilterInit = { case: 'projectOrganizationIdFilter', value: { id: '' } };

  it('lists own projects and, once per grant, the projects as the granted org sees them', async () => {
    const all = await list([{ ...inX, value: { id: org.x } }]);
    expect(all.names).toEqual(['Alpha', 'Alpha→Y', 'Alpha→Z', 'Beta', 'Delta→X', 'Gamma']);
    expect(all.total).toBe(6n);
    const deltaForX = all.projects.find((p) => p.name === 'Delta')!;
    expect(deltaForX).toMatchObject({
      organizationId: org.y,
      grantedOrganizationId: org.x,
      grantedOrganizationName: 'List Org X',
      grantedState: GrantedProjectState.ACTIVE,
    });
    expect(all.projects.find((p) => rowName(p) === 'Alpha→Z')?.grantedState).toBe(GrantedProjectState.INACTIVE);
    expect(all.projects.find((p) => rowName(p) === 'Alpha')?.grantedOrganizationId).toBeUndefined();
  });

  it.each<[string, () => FilterInit[], string[]]>([
    [
      "project_resource_owner_filter: the org's projects and their grants",
      () => [{ case: 'projectResourceOwnerFilter', value: { id: org.x } }],
      ['Alpha', 'Alpha→Y', 'Alpha→Z', 'Beta', 'Gamma'],
    ],
    [
      'project_grant_resource_owner_filter: projects granted to the org',
      () => [{ case: 'projectGrantResourceOwnerFilter', value: { id: org.y } }],
      ['Alpha→Y'],
    ],
    [
      'project_organization_id_filter: owned by or granted to the org',
      () => [{ case: 'projectOrganizationIdFilter', value: { id: org.y } }],
      ['Alpha→Y', 'Delta', 'Delta→X'],
    ],
    [
      'in_project_ids_filter',
      () => [{ case: 'inProjectIdsFilter', value: { ids: [id.alpha, id.gamma] } }],
      ['Alpha', 'Alpha→Y', 'Alpha→Z', 'Gamma'],
    ],
    [
      'project_name_filter equals',
      () => [{ case: 'projectNameFilter', value: { projectName: 'Beta', method: TextFilterMethod.EQUALS } }],
      ['Beta'],
    ],
    [
      'project_name_filter equals is case-sensitive',
      () => [{ case: 'projectNameFilter', value: { projectName: 'beta', method: TextFilterMethod.EQUALS } }],
      [],
    ],
    [
      'project_name_filter equals ignoring case',
      () => [
        { case: 'projectNameFilter', value: { projectName: 'beta', method: TextFilterMethod.EQUALS_IGNORE_CASE } },
      ],
      ['Beta'],
    ],
    [
      'project_name_filter starts with',
      () => [{ case: 'projectNameFilter', value: { projectName: 'Ga', method: TextFilterMethod.STARTS_WITH } }],
      ['Gamma'],
    ],
    [
      'project_name_filter contains ignoring case',
      () => [
        { case: 'projectNameFilter', value: { projectName: 'TA', method: TextFilterMethod.CONTAINS_IGNORE_CASE } },
      ],
      ['Beta', 'Delta', 'Delta→X'],
    ],
    [
      'project_name_filter ends with',
      () => [{ case: 'projectNameFilter', value: { projectName: 'ma', method: TextFilterMethod.ENDS_WITH } }],
      ['Gamma'],
    ],
    [
      'filters combine with AND',
      () => [
        { case: 'projectResourceOwnerFilter', value: { id: org.x } },
        { case: 'projectNameFilter', value: { projectName: 'a', method: TextFilterMethod.STARTS_WITH_IGNORE_CASE } },
      ],
      ['Alpha', 'Alpha→Y', 'Alpha→Z'],
    ],
  ])('%s', async (_name, filters, expected) => {
    expect((await list(filters())).names).toEqual(expected);
  });

  it('sorts by every column, both ways, and pages', async () => {
    const own: FilterInit = { case: 'projectResourceOwnerFilter', value: { id: org.x } };
    const ownOnly = async (col: ProjectFieldName, asc: boolean) =>
      (
        await list(
          [own, { case: 'projectNameFilter', value: { projectName: 'a', method: TextFilterMethod.ENDS_WITH } }],
          col,
          asc,
        )
      ).projects
        .filter((p) => !p.grantedOrganizationId)
        .map((p) => p.name);
    expect(await ownOnly(ProjectFieldName.NAME, true)).toEqual(['Alpha', 'Beta', 'Gamma']);
    expect(await ownOnly(ProjectFieldName.NAME, false)).toEqual(['Gamma', 'Beta', 'Alpha']);
    expect(await ownOnly(ProjectFieldName.CREATION_DATE, true)).toEqual(['Alpha', 'Beta', 'Gamma']);
    expect(await ownOnly(ProjectFieldName.UNSPECIFIED, false)).toEqual(['Gamma', 'Beta', 'Alpha']);
    expect((await ownOnly(ProjectFieldName.CHANGE_DATE, false))[0]).toBe('Beta');
    const byId = [id.alpha, id.beta, id.gamma].sort();
    expect(
      (
        await list(
          [own, { case: 'inProjectIdsFilter', value: { ids: [id.alpha, id.beta, id.gamma] } }],
          ProjectFieldName.ID,
          true,
        )
      ).projects
        .filter((p) => !p.grantedOrganizationId)
        .map((p) => p.id),
    ).toEqual(byId);

    const page = await projects.listProjects({
      filters: [{ filter: { case: 'projectOrganizationIdFilter', value: { id: org.x } } }],
      sortingColumn: ProjectFieldName.NAME,
      pagination: { asc: true, offset: 2n, limit: 2 },
    });
    expect(page.projects.map(rowName)).toEqual(['Alpha→Z', 'Beta']);
    expect(page.pagination).toMatchObject({ totalResult: 6n, appliedLimit: 2n });
  });

  it('refuses an empty filter and a limit over 1000', async () => {
    expect(await codeOf(projects.listProjects({ filters: [{}] }))).toBe(Code.InvalidArgument);
    expect(await codeOf(projects.listProjects({ pagination: { limit: 1001 } }))).toBe(Code.InvalidArgument);
  });
});

describe('ListProjectRoles', () => {
  const keys = async (req: Omit<MessageInitShape<typeof ListProjectRolesRequestSchema>, 'projectId' | '$typeName'>) =>
    (await projects.listProjectRoles({ projectId: id.alpha, ...req })).projectRoles.map((r) => r.key);

  it('filters by key and display name, sorts by every column and pages', async () => {
    expect(await keys({ sortingColumn: ProjectRoleFieldName.KEY, pagination: { asc: true } })).toEqual([
      'admin',
      'read',
      'write',
    ]);
    expect(await keys({ sortingColumn: ProjectRoleFieldName.KEY, pagination: { asc: false } })).toEqual([
      'write',
      'read',
      'admin',
    ]);
    expect(await keys({ sortingColumn: ProjectRoleFieldName.CREATION_DATE, pagination: { asc: true } })).toEqual([
      'read',
      'write',
      'admin',
    ]);
    await projects.updateProjectRole({ projectId: id.alpha, roleKey: 'read', displayName: 'Can read all' });
    expect((await keys({ sortingColumn: ProjectRoleFieldName.CHANGE_DATE, pagination: { asc: false } }))[0]).toBe(
      'read',
    );
    expect(
      await keys({
        filters: [{ filter: { case: 'roleKeyFilter', value: { key: 'r', method: TextFilterMethod.CONTAINS } } }],
        sortingColumn: ProjectRoleFieldName.KEY,
        pagination: { asc: true },
      }),
    ).toEqual(['read', 'write']);
    expect(
      await keys({
        filters: [
          {
            filter: {
              case: 'displayNameFilter',
              value: { displayName: 'CAN W', method: TextFilterMethod.STARTS_WITH_IGNORE_CASE },
            },
          },
        ],
      }),
    ).toEqual(['write']);
    const page = await projects.listProjectRoles({
      projectId: id.alpha,
      sortingColumn: ProjectRoleFieldName.KEY,
      pagination: { asc: true, offset: 1n, limit: 1 },
    });
    expect(page.projectRoles.map((r) => [r.key, r.group])).toEqual([['read', 'app']]);
    expect(page.pagination?.totalResult).toBe(3n);
  });
});

describe('ListProjectGrants', () => {
  const grants = async (filters: GrantFilterInit[], sortingColumn = ProjectGrantFieldName.CREATION_DATE, asc = true) =>
    (
      await projects.listProjectGrants({
        filters: filters.map((filter) => ({ filter })) as ProjectGrantSearchFilter[],
        sortingColumn,
        pagination: { asc },
      })
    ).projectGrants.map(
      (g) =>
        `${g.projectName}→${Object.entries(org)
          .find(([, v]) => v === g.grantedOrganizationId)![0]
          .toUpperCase()}`,
    );

  it.each<[string, () => GrantFilterInit[], string[]]>([
    ['no filter: every grant', () => [], ['Alpha→Y', 'Alpha→Z', 'Delta→X']],
    [
      'project_name_filter',
      () => [
        { case: 'projectNameFilter', value: { projectName: 'del', method: TextFilterMethod.STARTS_WITH_IGNORE_CASE } },
      ],
      ['Delta→X'],
    ],
    [
      'role_key_filter',
      () => [{ case: 'roleKeyFilter', value: { key: 'write', method: TextFilterMethod.EQUALS } }],
      ['Alpha→Z'],
    ],
    ['in_project_ids_filter', () => [{ case: 'inProjectIdsFilter', value: { ids: [id.delta] } }], ['Delta→X']],
    [
      "project_resource_owner_filter: grants of the org's projects",
      () => [{ case: 'projectResourceOwnerFilter', value: { id: org.x } }],
      ['Alpha→Y', 'Alpha→Z'],
    ],
    [
      'project_grant_resource_owner_filter: grants to the org',
      () => [{ case: 'projectGrantResourceOwnerFilter', value: { id: org.z } }],
      ['Alpha→Z'],
    ],
  ])('%s', async (_name, filters, expected) => {
    expect(await grants(filters())).toEqual(expected);
  });

  it('sorts by every column, both ways', async () => {
    expect(await grants([], ProjectGrantFieldName.CREATION_DATE, false)).toEqual(['Delta→X', 'Alpha→Z', 'Alpha→Y']);
    expect(await grants([], ProjectGrantFieldName.UNSPECIFIED, true)).toEqual(['Alpha→Y', 'Alpha→Z', 'Delta→X']);
    // The Z grant was deactivated after the others were made.
    expect((await grants([], ProjectGrantFieldName.CHANGE_DATE, false))[0]).toBe('Alpha→Z');
    const byProject = await grants([], ProjectGrantFieldName.PROJECT_ID, true);
    expect(byProject[byProject.length - 1]).toBe(id.alpha < id.delta ? 'Delta→X' : 'Alpha→Z');
    const page = await projects.listProjectGrants({
      sortingColumn: ProjectGrantFieldName.CREATION_DATE,
      pagination: { asc: true, offset: 1n, limit: 1 },
    });
    expect(page.projectGrants.map((g) => g.grantedOrganizationId)).toEqual([org.z]);
    expect(page.pagination).toMatchObject({ totalResult: 3n, appliedLimit: 1n });
  });
});
