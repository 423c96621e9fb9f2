import { Code } from '@connectrpc/connect';
import { OrganizationService as OrgV2 } from '@zitadel/proto/zitadel/org/v2/org_service_pb.js';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { OrgState } from '@zitadel/proto/zitadel/org/v2beta/org_pb.js';
import { codeOf } from '../../support/clients.js';
import { DENIED, NOT_FOUND, OK, permissionMatrix } from '../../support/permission-matrix.js';
import { machineWithRoles } from '../../support/principals.js';
import { mediumPermissionFile } from '../support/medium-app.js';

const { medium, make, actors } = mediumPermissionFile();
const beta = (token: string) => medium().client(OrgV2beta, token);
const v2 = (token: string) => medium().client(OrgV2, token);

/** A fresh org, with its owner and (for the viewer's cases) a viewer. */
interface OrgFixture {
  readonly orgId: string;
  readonly name: string;
  readonly owner: string;
  readonly viewer: string;
}
type Actor = 'instanceAdmin' | 'owner' | 'viewer' | 'otherOrgOwner' | 'otherOrgUser';

const metadata = [{ key: 'k', value: new Uint8Array([1]) }];

describe("organization permissions: the org's owners write, its viewers read, other orgs find nothing", () => {
  // A user who may write no org at all is refused by the access table before any org is looked at.
  const write = { instanceAdmin: OK, owner: OK, viewer: DENIED, otherOrgOwner: NOT_FOUND, otherOrgUser: DENIED };
  const read = { ...write, viewer: OK, otherOrgUser: NOT_FOUND };
  permissionMatrix<Actor, OrgFixture>({
    rows: [
      {
        method: 'UpdateOrganization',
        call: (t, f) => beta(t).updateOrganization({ id: f.orgId, name: `Taken ${f.orgId}` }),
        expect: write,
      },
      { method: 'DeleteOrganization', call: (t, f) => beta(t).deleteOrganization({ id: f.orgId }), expect: write },
      {
        method: 'DeactivateOrganization',
        call: (t, f) => beta(t).deactivateOrganization({ id: f.orgId }),
        expect: write,
      },
      {
        method: 'SetOrganizationMetadata',
        call: (t, f) => beta(t).setOrganizationMetadata({ organizationId: f.orgId, metadata }),
        expect: write,
      },
      {
        method: 'ListOrganizationMetadata',
        call: (t, f) => beta(t).listOrganizationMetadata({ organizationId: f.orgId }),
        expect: read,
      },
      {
        method: 'AddOrganizationDomain',
        call: (t, f) => beta(t).addOrganizationDomain({ organizationId: f.orgId, domain: `d${f.orgId}.example.com` }),
        expect: write,
      },
      {
        method: 'ListOrganizationDomains',
        call: (t, f) => beta(t).listOrganizationDomains({ organizationId: f.orgId }),
        expect: read,
      },
    ],
    fixture: async (actor) => {
      const name = `Guarded ${Date.now()}-${Math.random()}`;
      const orgId = await make().org({ name });
      const owner = (await make().principal(orgId, ['ORG_OWNER'])).pat;
      const viewer = actor === 'viewer' ? (await make().principal(orgId, ['ORG_OWNER_VIEWER'])).pat : '';
      return { orgId, name, owner, viewer };
    },
    token: (actor, f) => {
      switch (actor) {
        case 'instanceAdmin':
          return medium().adminPat;
        case 'owner':
          return f.owner;
        case 'viewer':
          return f.viewer;
        case 'otherOrgOwner':
          return actors().tokens.ownerA;
        case 'otherOrgUser':
          return actors().tokens.plainA;
      }
    },
    unchanged: async (f) => {
      const admin = beta(medium().adminPat);
      const [org] = (
        await admin.listOrganizations({ filter: [{ filter: { case: 'idFilter', value: { id: f.orgId } } }] })
      ).organizations;
      expect(org).toMatchObject({ name: f.name, state: OrgState.ACTIVE });
      expect((await admin.listOrganizationMetadata({ organizationId: f.orgId })).metadata).toEqual([]);
      expect((await admin.listOrganizationDomains({ organizationId: f.orgId })).domains).toHaveLength(1);
    },
  });

  it('answers NOT_FOUND for an org that does not exist, as for one that is not yours', async () => {
    expect(await codeOf(beta(actors().tokens.ownerA).updateOrganization({ id: '999999999999999999', name: 'x' }))).toBe(
      Code.NotFound,
    );
  });

  it('shows an ORG_OWNER only its own org in lists', async () => {
    const listed = await v2(actors().tokens.ownerA).listOrganizations({});
    expect(listed.result.map((o) => o.id)).toEqual([actors().orgA]);
    expect(listed.details?.totalResult).toBe(1n);
  });

  it('refuses org creation to a viewer at the method level (PERMISSION_DENIED: org.create is not a viewer permission)', async () => {
    expect(await codeOf(beta(actors().tokens.viewerA).createOrganization({ name: 'Viewer Org' }))).toBe(
      Code.PermissionDenied,
    );
  });

  it('never lets the default org be deleted', async () => {
    const def = await v2(medium().adminPat).listOrganizations({
      queries: [{ query: { case: 'defaultQuery', value: {} } }],
    });
    expect(def.result).toHaveLength(1);
    expect(await codeOf(beta(medium().adminPat).deleteOrganization({ id: def.result[0].id }))).toBe(
      Code.FailedPrecondition,
    );
  });

  it("makes a deactivated org unusable, including its users' tokens", async () => {
    const admin = beta(medium().adminPat);
    const orgC = await make().org();
    const ownerC = (await make().principal(orgC, ['ORG_OWNER'])).pat;
    await admin.deactivateOrganization({ id: orgC });
    expect(await codeOf(admin.addOrganizationDomain({ organizationId: orgC, domain: 'c.example.com' }))).toBe(
      Code.FailedPrecondition,
    );
    expect(await codeOf(admin.updateOrganization({ id: orgC, name: 'Org C2' }))).toBe(Code.FailedPrecondition);
    expect(await codeOf(v2(ownerC).listOrganizations({}))).toBe(Code.Unauthenticated);
    await admin.activateOrganization({ id: orgC });
    expect(await codeOf(v2(ownerC).listOrganizations({}))).toBe('ok');
  });
});

describe('tokens and deletion', () => {
  it('refuses an expired PAT with UNAUTHENTICATED', async () => {
    const { pat } = await machineWithRoles(
      medium(),
      actors().orgA,
      { level: 'org', resourceId: actors().orgA, roles: ['ORG_OWNER'] },
      new Date(Date.now() - 1000),
    );
    expect(await codeOf(v2(pat).listOrganizations({}))).toBe(Code.Unauthenticated);
  });

  it('deletes an org with its users, whose tokens then stop working', async () => {
    const orgD = await make().org();
    const ownerD = await make().principal(orgD, ['ORG_OWNER']);
    expect(await codeOf(v2(ownerD.pat).listOrganizations({}))).toBe('ok');
    await beta(medium().adminPat).deleteOrganization({ id: orgD });
    expect(await codeOf(v2(ownerD.pat).listOrganizations({}))).toBe(Code.Unauthenticated);
    const leftovers = await medium().database.dataSource.query(
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
    const admin = beta(medium().adminPat);
    for (const name of ['List Zeta', 'List Alpha', 'List Mu']) await admin.createOrganization({ name });
    const byName = (asc: boolean, offset = 0n, limit = 0) =>
      v2(medium().adminPat).listOrganizations({
        query: { asc, offset, limit },
        sortingColumn: 1,
        queries: [{ query: { case: 'nameQuery', value: { name: 'List ', method: 2 } } }],
      });
    expect((await byName(true)).result.map((o) => o.name)).toEqual(['List Alpha', 'List Mu', 'List Zeta']);
    expect((await byName(false)).result.map((o) => o.name)).toEqual(['List Zeta', 'List Mu', 'List Alpha']);
    const second = await byName(true, 1n, 1);
    expect(second.result.map((o) => o.name)).toEqual(['List Mu']);
    expect(second.details?.totalResult).toBe(3n);
    const byDomain = await v2(medium().adminPat).listOrganizations({
      queries: [{ query: { case: 'domainQuery', value: { domain: 'list-mu.localhost', method: 0 } } }],
    });
    expect(byDomain.result.map((o) => o.name)).toEqual(['List Mu']);
    const listed = await admin.listOrganizations({
      sortingColumn: 2,
      pagination: { asc: true, limit: 2 },
      filter: [{ filter: { case: 'nameFilter', value: { name: 'List ', method: 2 } } }],
    });
    expect(listed.organizations.map((o) => o.name)).toEqual(['List Zeta', 'List Alpha']);
    expect(listed.pagination).toMatchObject({ totalResult: 3n, appliedLimit: 2n });
    const inactive = await admin.listOrganizations({
      filter: [
        { filter: { case: 'stateFilter', value: { state: 2 } } },
        { filter: { case: 'nameFilter', value: { name: 'List ', method: 2 } } },
      ],
    });
    expect(inactive.organizations).toHaveLength(0);
  });
});
