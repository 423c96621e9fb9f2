import { Code } from '@connectrpc/connect';
import { AuthorizationService } from '@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js';
import { InternalPermissionService } from '@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js';
import { OrganizationService } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { ProjectService } from '@zitadel/proto/zitadel/project/v2beta/project_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { AuthorizationsSearchFilterSchema } from '@zitadel/proto/zitadel/authorization/v2beta/authorization_pb.js';
import { client, codeOf } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { eventsOf, human, machineWithoutRoles, project as newProject, projectGrant } from './fixtures.js';

let server: TestServer;
let orgA: string;
let orgB: string;
let shop: string;
let warehouse: string;
let grant: string;
let alice: string;
let anna: string;
let bob: string;
const ids: Record<string, string> = {};

const admin = (name: 'grpc' | 'connect-h1' = 'grpc') =>
  client(AuthorizationService, name, server.baseUrl, server.adminPat);
type FilterInit = MessageInitShape<typeof AuthorizationsSearchFilterSchema>['filter'];
const listIds = async (
  filters: FilterInit[],
  token = server.adminPat,
  extra: { sortingColumn?: number; pagination?: { offset?: bigint; limit?: number; asc?: boolean } } = {},
) => {
  const res = await client(AuthorizationService, 'connect-h1', server.baseUrl, token).listAuthorizations({
    filters: filters.map((filter) => ({ filter }) as MessageInitShape<typeof AuthorizationsSearchFilterSchema>),
    ...extra,
  });
  return res.authorizations.map((a) => a.id);
};
const named = (...keys: string[]) => keys.map((k) => ids[k]);
const sorted = (list: string[]) => [...list].sort();

beforeAll(async () => {
  server = await bootTestServer();
  const orgs = client(OrganizationService, 'grpc', server.baseUrl, server.adminPat);
  orgA = (await orgs.createOrganization({ name: 'Lists A' })).id;
  orgB = (await orgs.createOrganization({ name: 'Lists B' })).id;
  shop = await newProject(server, orgA, 'Shop', ['admin', 'reader', 'writer']);
  warehouse = await newProject(server, orgA, 'Warehouse', ['viewer']);
  grant = await projectGrant(server, shop, orgB, ['reader', 'writer']);
  alice = await human(server, orgA, 'Alice', 'Able');
  anna = await human(server, orgA, 'Anna', 'Apple');
  bob = await human(server, orgB, 'Bob', 'Baker');
  ids.aliceShop = (
    await admin().createAuthorization({ userId: alice, projectId: shop, roleKeys: ['admin', 'reader'] })
  ).id;
  ids.annaShop = (await admin().createAuthorization({ userId: anna, projectId: shop, roleKeys: ['writer'] })).id;
  ids.aliceWarehouse = (
    await admin().createAuthorization({ userId: alice, projectId: warehouse, roleKeys: ['viewer'] })
  ).id;
  ids.bobShop = (
    await admin().createAuthorization({ userId: bob, projectId: shop, organizationId: orgB, roleKeys: ['reader'] })
  ).id;
});
afterAll(() => server?.close());

describe('ListAuthorizations filters', () => {
  it.each<[string, () => FilterInit, string[]]>([
    [
      'authorization ids',
      () => ({ case: 'authorizationIds', value: { ids: named('annaShop', 'bobShop') } }),
      ['annaShop', 'bobShop'],
    ],
    ['organization (the granted org for grants)', () => ({ case: 'organizationId', value: { id: orgB } }), ['bobShop']],
    ['user', () => ({ case: 'userId', value: { id: alice } }), ['aliceShop', 'aliceWarehouse']],
    ['user organization', () => ({ case: 'userOrganizationId', value: { id: orgB } }), ['bobShop']],
    [
      'project, with its grants',
      () => ({ case: 'projectId', value: { id: shop } }),
      ['aliceShop', 'annaShop', 'bobShop'],
    ],
    ['project grant', () => ({ case: 'projectGrantId', value: { id: grant } }), ['bobShop']],
    ['project name', () => ({ case: 'projectName', value: { name: 'ware', method: 3 } }), ['aliceWarehouse']],
    ['role key (equals)', () => ({ case: 'roleKey', value: { key: 'reader', method: 0 } }), ['aliceShop', 'bobShop']],
    ['role key (starts with)', () => ({ case: 'roleKey', value: { key: 'wri', method: 2 } }), ['annaShop']],
    [
      'display name (contains, ignoring case)',
      () => ({ case: 'userDisplayName', value: { displayName: 'apple', method: 5 } }),
      ['annaShop'],
    ],
    [
      'preferred login name (starts with)',
      () => ({ case: 'userPreferredLoginName', value: { loginName: 'alice-', method: 2 } }),
      ['aliceShop', 'aliceWarehouse'],
    ],
    ['state', () => ({ case: 'state', value: { state: 1 } }), ['aliceShop', 'annaShop', 'aliceWarehouse', 'bobShop']],
  ])('by %s', async (_name, filter, expected) => {
    expect(sorted(await listIds([filter()]))).toEqual(sorted(named(...expected)));
  });

  it('combines filters with AND', async () => {
    expect(
      await listIds([
        { case: 'userId', value: { id: alice } },
        { case: 'projectId', value: { id: warehouse } },
      ]),
    ).toEqual(named('aliceWarehouse'));
  });

  it('refuses STATE_UNSPECIFIED as the contract does', async () => {
    expect(
      await codeOf(admin().listAuthorizations({ filters: [{ filter: { case: 'state', value: { state: 0 } } }] })),
    ).toBe(Code.InvalidArgument);
  });
});

describe('ListAuthorizations sorting and paging', () => {
  const inShop = (): FilterInit => ({ case: 'projectId', value: { id: shop } });

  it('sorts by creation date by default, newest first unless asc', async () => {
    expect(await listIds([inShop()])).toEqual(named('bobShop', 'annaShop', 'aliceShop'));
    expect(await listIds([inShop()], server.adminPat, { pagination: { asc: true } })).toEqual(
      named('aliceShop', 'annaShop', 'bobShop'),
    );
  });

  it('sorts by the user organization and pages with the total', async () => {
    const byUserOrg = await listIds([inShop()], server.adminPat, { sortingColumn: 7, pagination: { asc: true } });
    expect(byUserOrg[2]).toBe(ids.bobShop); // org B was created after org A, so its id is larger
    const res = await admin().listAuthorizations({
      filters: [{ filter: inShop() }],
      sortingColumn: 3,
      pagination: { asc: true, offset: 1n, limit: 1 },
    });
    expect(res.authorizations.map((a) => a.id)).toEqual([sorted(named('aliceShop', 'annaShop', 'bobShop'))[1]]);
    expect(res.pagination).toMatchObject({ totalResult: 3n, appliedLimit: 1n });
  });
});

describe('who sees which authorizations', () => {
  it('shows a user its own authorizations without any permission', async () => {
    const plain = await machineWithoutRoles(server, orgB, 'Plain');
    const own = (
      await admin().createAuthorization({
        userId: plain.userId,
        projectId: shop,
        organizationId: orgB,
        roleKeys: ['writer'],
      })
    ).id;
    expect(await listIds([], plain.pat)).toEqual([own]);
    await admin().deleteAuthorization({ id: own });
  });

  it("shows a PROJECT_OWNER (made through InternalPermissionService) the project's authorizations only", async () => {
    const owner = await machineWithoutRoles(server, orgA, 'Warehouse owner');
    const perms = client(InternalPermissionService, 'grpc', server.baseUrl, server.adminPat);
    await perms.createAdministrator({
      userId: owner.userId,
      resource: { resource: { case: 'projectId', value: warehouse } },
      roles: ['PROJECT_OWNER'],
    });
    expect(await listIds([], owner.pat)).toEqual(named('aliceWarehouse'));
    const asOwner = client(AuthorizationService, 'grpc', server.baseUrl, owner.pat);
    expect(await codeOf(asOwner.updateAuthorization({ id: ids.aliceWarehouse, roleKeys: [] }))).toBe('ok');
    expect(await codeOf(asOwner.updateAuthorization({ id: ids.aliceShop, roleKeys: [] }))).toBe(Code.NotFound);
    await asOwner.updateAuthorization({ id: ids.aliceWarehouse, roleKeys: ['viewer'] });
  });

  it("shows a PROJECT_GRANT_OWNER the grant's authorizations and lets it give the grant's roles", async () => {
    const grantOwner = await machineWithoutRoles(server, orgB, 'Grant owner');
    const perms = client(InternalPermissionService, 'grpc', server.baseUrl, server.adminPat);
    await perms.createAdministrator({
      userId: grantOwner.userId,
      resource: { resource: { case: 'projectGrant', value: { projectId: shop, projectGrantId: grant } } },
      roles: ['PROJECT_GRANT_OWNER'],
    });
    expect(await listIds([], grantOwner.pat)).toEqual(named('bobShop'));
    const asGrantOwner = client(AuthorizationService, 'grpc', server.baseUrl, grantOwner.pat);
    expect(await codeOf(asGrantOwner.updateAuthorization({ id: ids.bobShop, roleKeys: ['reader', 'writer'] }))).toBe(
      'ok',
    );
    expect(await codeOf(asGrantOwner.updateAuthorization({ id: ids.bobShop, roleKeys: ['admin'] }))).toBe(
      Code.InvalidArgument,
    );
    expect(
      await codeOf(asGrantOwner.createAuthorization({ userId: anna, projectId: shop, roleKeys: ['reader'] })),
    ).toBe(Code.NotFound);
    expect(await codeOf(asGrantOwner.updateAuthorization({ id: ids.annaShop, roleKeys: [] }))).toBe(Code.NotFound);
  });
});

describe('lifecycle', () => {
  it('deactivates and activates idempotently, one event per real change', async () => {
    const c = admin('connect-h1');
    const first = await c.deactivateAuthorization({ id: ids.annaShop });
    const again = await c.deactivateAuthorization({ id: ids.annaShop });
    expect(again.changeDate).toEqual(first.changeDate);
    expect(await listIds([{ case: 'state', value: { state: 2 } }])).toEqual(named('annaShop'));
    await c.activateAuthorization({ id: ids.annaShop });
    await c.activateAuthorization({ id: ids.annaShop });
    const unchanged = await c.updateAuthorization({ id: ids.annaShop, roleKeys: ['writer'] });
    const types = (await eventsOf(server, 'usergrant', ids.annaShop)).map((e) => e.type);
    expect(types).toEqual(['user.grant.added', 'user.grant.deactivated', 'user.grant.reactivated']);
    const { authorizations } = await c.listAuthorizations({
      filters: [{ filter: { case: 'authorizationIds', value: { ids: [ids.annaShop] } } }],
    });
    expect(authorizations[0].changeDate).toEqual(unchanged.changeDate);
  });

  it('deletes once with a deletion date, then answers without one — but NOT_FOUND to another org', async () => {
    const extra = (await admin().createAuthorization({ userId: anna, projectId: warehouse, roleKeys: [] })).id;
    const deleted = await admin().deleteAuthorization({ id: extra });
    expect(deleted.deletionDate).toBeDefined();
    const again = await admin().deleteAuthorization({ id: extra });
    expect(again.deletionDate).toBeUndefined();
    const ownerB = (await machineWithRoles(server, orgB, { level: 'org', resourceId: orgB, roles: ['ORG_OWNER'] })).pat;
    expect(
      await codeOf(client(AuthorizationService, 'grpc', server.baseUrl, ownerB).deleteAuthorization({ id: extra })),
    ).toBe(Code.NotFound);
  });

  it('goes with its user, and with its project grant (then deleting it again is answered as done)', async () => {
    const users = client(UserService, 'grpc', server.baseUrl, server.adminPat);
    const temp = await human(server, orgA, 'Tess', 'Temp');
    const tempAuth = (await admin().createAuthorization({ userId: temp, projectId: shop, roleKeys: ['reader'] })).id;
    await users.deleteUser({ userId: temp });
    expect(await listIds([{ case: 'authorizationIds', value: { ids: [tempAuth] } }])).toEqual([]);

    await client(ProjectService, 'grpc', server.baseUrl, server.adminPat).deleteProjectGrant({
      projectId: shop,
      grantedOrganizationId: orgB,
    });
    expect(await listIds([{ case: 'organizationId', value: { id: orgB } }])).toEqual([]);
    const again = await admin().deleteAuthorization({ id: ids.bobShop });
    expect(again.deletionDate).toBeUndefined();
  });
});
