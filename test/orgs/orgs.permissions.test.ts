import { Code } from '@connectrpc/connect';
import { OrganizationService as OrgV2 } from '@zitadel/proto/zitadel/org/v2/org_service_pb.js';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { client, codeOf } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';

let server: TestServer;
let orgA: string;
let orgB: string;
let ownerA: string;
let viewerA: string;

beforeAll(async () => {
  server = await bootTestServer();
  const admin = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
  orgA = (await admin.createOrganization({ name: 'Org A' })).id;
  orgB = (await admin.createOrganization({ name: 'Org B' })).id;
  ownerA = (await machineWithRoles(server, orgA, { level: 'org', resourceId: orgA, roles: ['ORG_OWNER'] })).pat;
  viewerA = (await machineWithRoles(server, orgA, { level: 'org', resourceId: orgA, roles: ['ORG_OWNER_VIEWER'] })).pat;
});
afterAll(() => server?.close());

describe('organization permissions', () => {
  it('lets an ORG_OWNER of A change A', async () => {
    const asOwner = client(OrgV2beta, 'connect-h1', server.baseUrl, ownerA);
    expect(
      await codeOf(
        asOwner.setOrganizationMetadata({ organizationId: orgA, metadata: [{ key: 'k', value: new Uint8Array([1]) }] }),
      ),
    ).toBe('ok');
  });

  it.each([
    [
      'update',
      (c: ReturnType<typeof client<typeof OrgV2beta>>) => c.updateOrganization({ id: orgB, name: 'Taken over' }),
    ],
    ['delete', (c: ReturnType<typeof client<typeof OrgV2beta>>) => c.deleteOrganization({ id: orgB })],
    ['deactivate', (c: ReturnType<typeof client<typeof OrgV2beta>>) => c.deactivateOrganization({ id: orgB })],
    [
      'set metadata',
      (c: ReturnType<typeof client<typeof OrgV2beta>>) =>
        c.setOrganizationMetadata({ organizationId: orgB, metadata: [{ key: 'k', value: new Uint8Array([1]) }] }),
    ],
    [
      'list metadata',
      (c: ReturnType<typeof client<typeof OrgV2beta>>) => c.listOrganizationMetadata({ organizationId: orgB }),
    ],
    [
      'add domain',
      (c: ReturnType<typeof client<typeof OrgV2beta>>) =>
        c.addOrganizationDomain({ organizationId: orgB, domain: 'b.example.com' }),
    ],
    [
      'list domains',
      (c: ReturnType<typeof client<typeof OrgV2beta>>) => c.listOrganizationDomains({ organizationId: orgB }),
    ],
  ])('answers NOT_FOUND to an ORG_OWNER of A who tries to %s org B, as if B did not exist', async (_name, call) => {
    const asOwner = client(OrgV2beta, 'grpc', server.baseUrl, ownerA);
    expect(await codeOf(call(asOwner))).toBe(Code.NotFound);
    const missing = await codeOf(asOwner.updateOrganization({ id: '999999999999999999', name: 'x' }));
    expect(missing).toBe(Code.NotFound);
  });

  it('shows an ORG_OWNER only its own org in lists', async () => {
    const asOwner = client(OrgV2, 'grpc', server.baseUrl, ownerA);
    const listed = await asOwner.listOrganizations({});
    expect(listed.result.map((o) => o.id)).toEqual([orgA]);
    expect(listed.details?.totalResult).toBe(1n);
  });

  it('lets a viewer read but not write its org (PERMISSION_DENIED)', async () => {
    const asViewer = client(OrgV2beta, 'grpc', server.baseUrl, viewerA);
    expect(await codeOf(asViewer.listOrganizationDomains({ organizationId: orgA }))).toBe('ok');
    expect(await codeOf(asViewer.updateOrganization({ id: orgA, name: 'Renamed by viewer' }))).toBe(
      Code.PermissionDenied,
    );
    // org.create is not among a viewer's permissions: refused at the method level.
    expect(await codeOf(asViewer.createOrganization({ name: 'Viewer Org' }))).toBe(Code.PermissionDenied);
  });

  it('never lets the default org be deleted', async () => {
    const admin = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
    const v2 = client(OrgV2, 'grpc', server.baseUrl, server.adminPat);
    const def = await v2.listOrganizations({ queries: [{ query: { case: 'defaultQuery', value: {} } }] });
    expect(def.result).toHaveLength(1);
    expect(await codeOf(admin.deleteOrganization({ id: def.result[0].id }))).toBe(Code.FailedPrecondition);
  });

  it("makes a deactivated org unusable, including its users' tokens", async () => {
    const admin = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
    const orgC = (await admin.createOrganization({ name: 'Org C' })).id;
    const ownerC = (await machineWithRoles(server, orgC, { level: 'org', resourceId: orgC, roles: ['ORG_OWNER'] })).pat;
    await admin.deactivateOrganization({ id: orgC });
    expect(await codeOf(admin.addOrganizationDomain({ organizationId: orgC, domain: 'c.example.com' }))).toBe(
      Code.FailedPrecondition,
    );
    expect(await codeOf(admin.updateOrganization({ id: orgC, name: 'Org C2' }))).toBe(Code.FailedPrecondition);
    const asOwnerC = client(OrgV2, 'grpc', server.baseUrl, ownerC);
    expect(await codeOf(asOwnerC.listOrganizations({}))).toBe(Code.Unauthenticated);
    await admin.activateOrganization({ id: orgC });
    expect(await codeOf(asOwnerC.listOrganizations({}))).toBe('ok');
  });
});

describe('tokens and deletion', () => {
  it('refuses an expired PAT with UNAUTHENTICATED', async () => {
    const { pat } = await machineWithRoles(
      server,
      orgA,
      { level: 'org', resourceId: orgA, roles: ['ORG_OWNER'] },
      new Date(Date.now() - 1000),
    );
    expect(await codeOf(client(OrgV2, 'grpc', server.baseUrl, pat).listOrganizations({}))).toBe(Code.Unauthenticated);
  });

  it('deletes an org with its users, whose tokens then stop working', async () => {
    const admin = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
    const orgD = (await admin.createOrganization({ name: 'Org D' })).id;
    const ownerD = await machineWithRoles(server, orgD, { level: 'org', resourceId: orgD, roles: ['ORG_OWNER'] });
    expect(await codeOf(client(OrgV2, 'grpc', server.baseUrl, ownerD.pat).listOrganizations({}))).toBe('ok');
    await admin.deleteOrganization({ id: orgD });
    expect(await codeOf(client(OrgV2, 'grpc', server.baseUrl, ownerD.pat).listOrganizations({}))).toBe(
      Code.Unauthenticated,
    );
    const leftovers = await server.database.dataSource.query(
      `SELECT (SELECT count(*) FROM users WHERE resource_owner = $1)::int AS users,
              (SELECT count(*) FROM memberships WHERE resource_id = $1 OR user_id = $2)::int AS members,
              (SELECT count(*) FROM org_domains WHERE org_id = $1)::int AS domains`,
      [orgD, ownerD.userId],
    );
    expect(leftovers[0]).toEqual({ users: 0, members: 0, domains: 0 });
  });
});

describe('listing', () => {
  it('sorts, pages and counts', async () => {
    const admin = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
    for (const name of ['List Zeta', 'List Alpha', 'List Mu']) await admin.createOrganization({ name });
    const v2 = client(OrgV2, 'connect-h1', server.baseUrl, server.adminPat);
    const byName = (asc: boolean, offset = 0n, limit = 0) =>
      v2.listOrganizations({
        query: { asc, offset, limit },
        sortingColumn: 1,
        queries: [{ query: { case: 'nameQuery', value: { name: 'List ', method: 2 } } }],
      });
    expect((await byName(true)).result.map((o) => o.name)).toEqual(['List Alpha', 'List Mu', 'List Zeta']);
    expect((await byName(false)).result.map((o) => o.name)).toEqual(['List Zeta', 'List Mu', 'List Alpha']);
    const second = await byName(true, 1n, 1);
    expect(second.result.map((o) => o.name)).toEqual(['List Mu']);
    expect(second.details?.totalResult).toBe(3n);
    const byDomain = await v2.listOrganizations({
      queries: [{ query: { case: 'domainQuery', value: { domain: 'list-mu.localhost', method: 0 } } }],
    });
    expect(byDomain.result.map((o) => o.name)).toEqual(['List Mu']);
    const beta = await admin.listOrganizations({
      sortingColumn: 2,
      pagination: { asc: true, limit: 2 },
      filter: [{ filter: { case: 'nameFilter', value: { name: 'List ', method: 2 } } }],
    });
    expect(beta.organizations.map((o) => o.name)).toEqual(['List Zeta', 'List Alpha']);
    expect(beta.pagination).toMatchObject({ totalResult: 3n, appliedLimit: 2n });
    const inactive = await admin.listOrganizations({
      filter: [
        { filter: { case: 'stateFilter', value: { state: 2 } } },
        { filter: { case: 'nameFilter', value: { name: 'List ', method: 2 } } },
      ],
    });
    expect(inactive.organizations).toHaveLength(0);
  });
});
