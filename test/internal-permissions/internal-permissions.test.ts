import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code } from '@connectrpc/connect';
import { InternalPermissionService } from '@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js';
import type { ResourceTypeSchema } from '@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js';
import type { AdministratorSearchFilterSchema } from '@zitadel/proto/zitadel/internal_permission/v2beta/query_pb.js';
import { OrganizationService } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { client, codeOf, type TransportName } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import {
  eventsOf,
  human,
  instanceIdOf,
  machineWithoutRoles,
  project as newProject,
  projectGrant,
} from '../authorizations/fixtures.js';

type Resource = MessageInitShape<typeof ResourceTypeSchema>;
type FilterInit = MessageInitShape<typeof AdministratorSearchFilterSchema>['filter'];

let server: TestServer;
let orgA: string;
let orgB: string;
let shop: string;
let grant: string;
let ann: string; // human of org A
let ben: string; // human of org B

const perms = (name: TransportName = 'grpc', token = server.adminPat) =>
  client(InternalPermissionService, name, server.baseUrl, token);
const instance = (): Resource => ({ resource: { case: 'instance', value: true } });
const org = (id: string): Resource => ({ resource: { case: 'organizationId', value: id } });
const proj = (id: string): Resource => ({ resource: { case: 'projectId', value: id } });
const grantOf = (projectId: string, projectGrantId: string): Resource => ({
  resource: { case: 'projectGrant', value: { projectId, projectGrantId } },
});
const listUsers = async (filters: FilterInit[], token = server.adminPat, sortingColumn = 0) =>
  (
    await perms('connect-h1', token).listAdministrators({
      filters: filters.map((filter) => ({ filter }) as MessageInitShape<typeof AdministratorSearchFilterSchema>),
      sortingColumn,
    })
  ).administrators;

beforeAll(async () => {
  server = await bootTestServer();
  const orgs = client(OrganizationService, 'grpc', server.baseUrl, server.adminPat);
  orgA = (await orgs.createOrganization({ name: 'Perm A' })).id;
  orgB = (await orgs.createOrganization({ name: 'Perm B' })).id;
  shop = await newProject(server, orgA, 'Perm Shop', ['reader']);
  grant = await projectGrant(server, shop, orgB, ['reader']);
  ann = await human(server, orgA, 'Ann', 'Admin');
  ben = await human(server, orgB, 'Ben', 'Boss');
});
afterAll(() => server?.close());

describe('administrators at every level', () => {
  it("creates them with the level's roles and lists them with their resource named", async () => {
    const admin = perms();
    await admin.createAdministrator({ userId: ann, resource: instance(), roles: ['IAM_OWNER_VIEWER'] });
    await admin.createAdministrator({
      userId: ann,
      resource: org(orgA),
      roles: ['ORG_OWNER_VIEWER', 'ORG_USER_MANAGER'],
    });
    await admin.createAdministrator({ userId: ann, resource: proj(shop), roles: ['PROJECT_OWNER_VIEWER'] });
    const created = await admin.createAdministrator({
      userId: ben,
      resource: grantOf(shop, grant),
      roles: ['PROJECT_GRANT_OWNER_VIEWER'],
    });
    expect(created.creationDate).toBeDefined();

    const ofAnn = await listUsers([{ case: 'inUserIdsFilter', value: { ids: [ann] } }], server.adminPat);
    expect(ofAnn.map((a) => a.resource.case).sort()).toEqual(['instance', 'organization', 'project']);
    expect(ofAnn.find((a) => a.resource.case === 'organization')).toMatchObject({
      user: { id: ann, displayName: 'Ann Admin', organizationId: orgA },
      resource: { case: 'organization', value: { id: orgA, name: 'Perm A' } },
      roles: ['ORG_OWNER_VIEWER', 'ORG_USER_MANAGER'],
    });
    expect(ofAnn.find((a) => a.resource.case === 'project')?.resource.value).toMatchObject({
      id: shop,
      name: 'Perm Shop',
      organizationId: orgA,
    });
    expect(ofAnn.find((a) => a.resource.case === 'instance')?.resource.value).toBe(true);
    const [ofGrant] = await listUsers([
      { case: 'resource', value: { resource: { case: 'projectGrantId', value: grant } } },
    ]);
    expect(ofGrant).toMatchObject({
      user: { id: ben, organizationId: orgB },
      resource: {
        case: 'projectGrant',
        value: {
          id: grant,
          projectId: shop,
          projectName: 'Perm Shop',
          organizationId: orgA,
          grantedOrganizationId: orgB,
        },
      },
      roles: ['PROJECT_GRANT_OWNER_VIEWER'],
    });
  });

  it.each<[string, () => Resource, string[]]>([
    ['an org role on the instance', instance, ['ORG_OWNER']],
    ['an instance role on an org', () => org(orgA), ['IAM_OWNER']],
    ['a project role on an org', () => org(orgA), ['PROJECT_OWNER']],
    ['a project grant role on a project', () => proj(shop), ['PROJECT_GRANT_OWNER']],
    ['a project role on a project grant', () => grantOf(shop, grant), ['PROJECT_OWNER']],
    ['an unknown role', () => org(orgA), ['ORG_NOPE']],
    ['no role at all', () => org(orgA), []],
  ])('refuses %s with INVALID_ARGUMENT', async (_name, resource, roles) => {
    expect(await codeOf(perms().createAdministrator({ userId: ben, resource: resource(), roles }))).toBe(
      Code.InvalidArgument,
    );
    expect(await codeOf(perms().updateAdministrator({ userId: ann, resource: resource(), roles }))).toBe(
      Code.InvalidArgument,
    );
  });

  it.each<[string, () => Promise<unknown>, Code]>([
    [
      'a second create',
      () => perms().createAdministrator({ userId: ann, resource: org(orgA), roles: ['ORG_OWNER'] }),
      Code.AlreadyExists,
    ],
    [
      'an update of no administrator',
      () => perms().updateAdministrator({ userId: ben, resource: org(orgA), roles: ['ORG_OWNER'] }),
      Code.NotFound,
    ],
    [
      'an unknown user',
      () => perms().createAdministrator({ userId: '999999999999999999', resource: org(orgA), roles: ['ORG_OWNER'] }),
      Code.NotFound,
    ],
    [
      'an unknown org',
      () => perms().createAdministrator({ userId: ben, resource: org('999999999999999999'), roles: ['ORG_OWNER'] }),
      Code.NotFound,
    ],
    [
      'an unknown project',
      () =>
        perms().createAdministrator({ userId: ben, resource: proj('999999999999999999'), roles: ['PROJECT_OWNER'] }),
      Code.NotFound,
    ],
    [
      'a grant of another project',
      () =>
        perms().createAdministrator({ userId: ben, resource: grantOf(orgA, grant), roles: ['PROJECT_GRANT_OWNER'] }),
      Code.NotFound,
    ],
    ['no resource', () => perms().createAdministrator({ userId: ben, roles: ['ORG_OWNER'] }), Code.InvalidArgument],
  ])('answers %s as ZITADEL does', async (_name, call, code) => {
    expect(await codeOf(call())).toBe(code);
  });

  it('replaces roles on update and deletes idempotently, recording member events', async () => {
    const admin = perms('connect-h1');
    await admin.createAdministrator({ userId: ben, resource: org(orgB), roles: ['ORG_OWNER'] });
    const changed = await admin.updateAdministrator({ userId: ben, resource: org(orgB), roles: ['ORG_OWNER_VIEWER'] });
    expect(changed.changeDate).toBeDefined();
    const [listed] = await listUsers([
      { case: 'inUserIdsFilter', value: { ids: [ben] } },
      { case: 'resource', value: { resource: { case: 'organizationId', value: orgB } } },
    ]);
    expect(listed.roles).toEqual(['ORG_OWNER_VIEWER']);
    expect((await admin.deleteAdministrator({ userId: ben, resource: org(orgB) })).deletionDate).toBeDefined();
    expect((await admin.deleteAdministrator({ userId: ben, resource: org(orgB) })).deletionDate).toBeUndefined();
    const types = (await eventsOf(server, 'org', orgB))
      .filter((e) => e.type.startsWith('org.member.') && e.payload.userId === ben)
      .map((e) => e.type);
    expect(types).toEqual(['org.member.added', 'org.member.changed', 'org.member.removed']);
    // A grant's administrators are recorded on the project, as ZITADEL's.
    const grantEvents = (await eventsOf(server, 'project', shop)).filter((e) =>
      e.type.startsWith('project.grant.member.'),
    );
    expect(grantEvents[0]).toMatchObject({
      type: 'project.grant.member.added',
      resourceOwner: orgA,
      payload: { userId: ben, grantId: grant, roles: ['PROJECT_GRANT_OWNER_VIEWER'] },
    });
  });
});

describe("granting and removing ORG_OWNER applies at once (a machine user's PAT)", () => {
  it('lets the machine manage the org only while it is ORG_OWNER', async () => {
    const orgs = client(OrganizationService, 'grpc', server.baseUrl, server.adminPat);
    const orgX = (await orgs.createOrganization({ name: 'Perm X' })).id;
    const machine = await machineWithoutRoles(server, orgX, 'X operator');
    const asMachine = client(OrganizationService, 'connect-h1', server.baseUrl, machine.pat);
    const rename = (name: string) => codeOf(asMachine.updateOrganization({ id: orgX, name }));

    expect(await rename('Perm X1')).toBe(Code.PermissionDenied);
    await perms().createAdministrator({ userId: machine.userId, resource: org(orgX), roles: ['ORG_OWNER'] });
    expect(await rename('Perm X2')).toBe('ok');
    expect(
      await codeOf(
        asMachine.setOrganizationMetadata({
          organizationId: orgX,
          metadata: [{ key: 'k', value: new Uint8Array([1]) }],
        }),
      ),
    ).toBe('ok');

    await perms().updateAdministrator({ userId: machine.userId, resource: org(orgX), roles: ['ORG_OWNER_VIEWER'] });
    expect(await rename('Perm X3')).toBe(Code.PermissionDenied);
    expect(await codeOf(asMachine.listOrganizationMetadata({ organizationId: orgX }))).toBe('ok');

    await perms().updateAdministrator({ userId: machine.userId, resource: org(orgX), roles: ['ORG_OWNER'] });
    expect(await rename('Perm X4')).toBe('ok');
    await perms().deleteAdministrator({ userId: machine.userId, resource: org(orgX) });
    expect(await rename('Perm X5')).toBe(Code.PermissionDenied);
    expect(await codeOf(asMachine.listOrganizationMetadata({ organizationId: orgX }))).toBe(Code.PermissionDenied);
  });
});

describe.each(['grpc', 'connect-h1'] as const)('who may manage which administrators, over %s', (name) => {
  let ownerA: string;
  let ownerB: string;
  let viewerA: string;
  let target: string; // a user of org A the callers try to make an administrator

  beforeAll(async () => {
    ownerA = (await machineWithRoles(server, orgA, { level: 'org', resourceId: orgA, roles: ['ORG_OWNER'] })).pat;
    ownerB = (await machineWithRoles(server, orgB, { level: 'org', resourceId: orgB, roles: ['ORG_OWNER'] })).pat;
    viewerA = (await machineWithRoles(server, orgA, { level: 'org', resourceId: orgA, roles: ['ORG_OWNER_VIEWER'] }))
      .pat;
    target = await human(server, orgA, 'Tim', 'Target');
  });

  type Caller = 'ownerA' | 'ownerB' | 'viewerA';
  const tokenOf = (c: Caller) => ({ ownerA, ownerB, viewerA })[c];
  const ROLES: Record<string, string[]> = {
    instance: ['IAM_OWNER_VIEWER'],
    org: ['ORG_OWNER_VIEWER'],
    project: ['PROJECT_OWNER_VIEWER'],
    grant: ['PROJECT_GRANT_OWNER_VIEWER'],
  };
  const resourceOf = (r: string): Resource =>
    r === 'instance'
      ? instance()
      : r === 'orgA' || r === 'orgB'
        ? org(r === 'orgA' ? orgA : orgB)
        : r === 'project'
          ? proj(shop)
          : grantOf(shop, grant);
  const rolesOf = (r: string) => ROLES[r.startsWith('org') ? 'org' : r];

  it.each<[Caller, string, Code | 'ok']>([
    ['ownerA', 'orgA', 'ok'],
    ['ownerA', 'project', 'ok'],
    ['ownerA', 'orgB', Code.NotFound],
    ['ownerA', 'grant', Code.NotFound], // the grant's administrators are the granted org's business
    ['ownerA', 'instance', Code.PermissionDenied],
    ['ownerB', 'grant', 'ok'],
    ['ownerB', 'orgA', Code.NotFound],
    ['ownerB', 'project', Code.NotFound],
    ['viewerA', 'orgA', Code.PermissionDenied],
    ['viewerA', 'project', Code.PermissionDenied],
  ])('%s on %s: create, update and delete answer %s', async (caller, resource, expected) => {
    const c = perms(name, tokenOf(caller));
    const r = resourceOf(resource);
    const roles = rolesOf(resource);
    expect(await codeOf(c.createAdministrator({ userId: target, resource: r, roles }))).toBe(expected);
    if (expected !== 'ok') await perms().createAdministrator({ userId: target, resource: r, roles });
    expect(await codeOf(c.updateAdministrator({ userId: target, resource: r, roles }))).toBe(expected);
    expect(await codeOf(c.deleteAdministrator({ userId: target, resource: r }))).toBe(expected);
    if (expected !== 'ok') await perms().deleteAdministrator({ userId: target, resource: r });
  });

  it('lists to each only the administrators it may read, and its own', async () => {
    const levelsSeenBy = async (token: string) =>
      new Set(
        (await listUsers([], token)).map((a) =>
          a.resource.case === 'organization' ? `org:${a.resource.value.id}` : a.resource.case,
        ),
      );
    const seenByA = await levelsSeenBy(ownerA);
    expect(seenByA.has(`org:${orgA}`)).toBe(true);
    expect(seenByA.has('project')).toBe(true);
    expect(seenByA.has(`org:${orgB}`)).toBe(false);
    expect(seenByA.has('instance')).toBe(false);
    expect(seenByA.has('projectGrant')).toBe(false);
    const seenByB = await levelsSeenBy(ownerB);
    expect([...seenByB].sort()).toEqual([`org:${orgB}`, 'projectGrant']);
    const plain = await machineWithoutRoles(server, orgB, 'Nobody');
    expect(await listUsers([], plain.pat)).toEqual([]);
  });
});

describe('ListAdministrators filters and sorting', () => {
  it.each<[string, () => FilterInit, () => string[]]>([
    ['user organization', () => ({ case: 'userOrganizationId', value: { id: orgB } }), () => [ben]],
    [
      'display name',
      () => ({ case: 'userDisplayName', value: { displayName: 'ann adm', method: 3 } }),
      () => [ann, ann, ann],
    ],
    [
      'preferred login name',
      () => ({ case: 'userPreferredLoginName', value: { preferredLoginName: 'ben-', method: 2 } }),
      () => [ben],
    ],
    ['role', () => ({ case: 'role', value: { roleKey: 'ORG_USER_MANAGER' } }), () => [ann]],
    [
      'instance resource',
      () => ({ case: 'resource', value: { resource: { case: 'instance', value: true } } }),
      () => [ann],
    ],
    [
      'project resource',
      () => ({ case: 'resource', value: { resource: { case: 'projectId', value: shop } } }),
      () => [ann],
    ],
    [
      'not',
      () => ({ case: 'not', value: { query: { filter: { case: 'userOrganizationId', value: { id: orgA } } } } }),
      () => [ben],
    ],
    [
      'or',
      () => ({
        case: 'or',
        value: {
          queries: [
            { filter: { case: 'role', value: { roleKey: 'PROJECT_GRANT_OWNER_VIEWER' } } },
            { filter: { case: 'role', value: { roleKey: 'IAM_OWNER_VIEWER' } } },
          ],
        },
      }),
      () => [ann, ben],
    ],
  ])('by %s', async (_name, filter, expected) => {
    // Among ann's and ben's memberships only (the bootstrap admins are there too).
    const listed = await listUsers([{ case: 'inUserIdsFilter', value: { ids: [ann, ben] } }, filter()]);
    expect(listed.map((a) => a.user!.id).sort()).toEqual(expected().sort());
  });

  it('filters by creation date and sorts by user id', async () => {
    const future = timestampFromDate(new Date(Date.now() + 3600_000));
    expect(await listUsers([{ case: 'creationDate', value: { timestamp: future, method: 1 } }])).toEqual([]);
    const past = timestampFromDate(new Date(Date.now() - 3600_000));
    const byUser = await listUsers(
      [
        { case: 'changeDate', value: { timestamp: past, method: 2 } },
        { case: 'inUserIdsFilter', value: { ids: [ann, ben] } },
      ],
      server.adminPat,
      1,
    );
    const userIds = byUser.map((a) => a.user!.id);
    expect(userIds).toEqual([...userIds].sort().reverse()); // descending unless asc
  });

  it('shows the instance administrators to an instance reader only', async () => {
    const instanceId = await instanceIdOf(server);
    const iamViewer = (
      await machineWithRoles(server, orgA, { level: 'instance', resourceId: instanceId, roles: ['IAM_OWNER_VIEWER'] })
    ).pat;
    const instanceAdmins = await listUsers(
      [{ case: 'resource', value: { resource: { case: 'instance', value: true } } }],
      iamViewer,
    );
    expect(instanceAdmins.length).toBeGreaterThanOrEqual(2); // the bootstrap admins, ann, the viewer itself
    expect(
      await codeOf(
        perms('grpc', iamViewer).createAdministrator({
          userId: ben,
          resource: instance(),
          roles: ['IAM_OWNER_VIEWER'],
        }),
      ),
    ).toBe(Code.PermissionDenied);
  });
});
