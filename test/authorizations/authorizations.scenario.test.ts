import { Code, ConnectError } from '@connectrpc/connect';
import { AuthorizationService } from '@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js';
import { InternalPermissionService } from '@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js';
import { OrganizationService } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { ProjectService } from '@zitadel/proto/zitadel/project/v2beta/project_service_pb.js';
import { client, codeOf, type TransportName } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { eventsOf, human, machineWithoutRoles, project as newProject, projectGrant } from './fixtures.js';

// The scenario: a project with roles in org A, granted to org B with a subset of them;
// a user of each org authorized; an ORG_OWNER of B made and unmade through InternalPermissionService.

let server: TestServer;
let orgA: string;
let orgB: string;
let orgC: string;
let project: string;
let grant: string;
let alice: string; // of org A
let bob: string; // of org B
let bea: string; // of org B

const authz = (name: TransportName, token: string) => client(AuthorizationService, name, server.baseUrl, token);

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  server = await bootTestServer();
  const orgs = client(OrganizationService, 'grpc', server.baseUrl, server.adminPat);
  orgA = (await orgs.createOrganization({ name: 'Scenario A' })).id;
  orgB = (await orgs.createOrganization({ name: 'Scenario B' })).id;
  orgC = (await orgs.createOrganization({ name: 'Scenario C' })).id;
  project = await newProject(server, orgA, 'Shop', ['admin', 'reader', 'writer']);
  grant = await projectGrant(server, project, orgB, ['reader', 'writer']);
  alice = await human(server, orgA, 'Alice', 'Able');
  bob = await human(server, orgB, 'Bob', 'Baker');
  bea = await human(server, orgB, 'Bea', 'Bond');
});
afterAll(() => server?.close());

describe('authorizations on an own and a granted project', () => {
  let aliceAuth: string;
  let bobAuth: string;

  it('authorizes a user of the project org with the project roles (org defaults to the project org)', async () => {
    const admin = authz('grpc', server.adminPat);
    const created = await admin.createAuthorization({
      userId: alice,
      projectId: project,
      roleKeys: ['admin', 'reader'],
    });
    expect(created.id).toMatch(/^\d{18}$/);
    expect(created.creationDate).toBeDefined();
    aliceAuth = created.id;
    const { authorizations } = await admin.listAuthorizations({
      filters: [{ filter: { case: 'authorizationIds', value: { ids: [aliceAuth] } } }],
    });
    expect(authorizations).toHaveLength(1);
    expect(authorizations[0]).toMatchObject({
      id: aliceAuth,
      projectId: project,
      projectName: 'Shop',
      projectOrganizationId: orgA,
      organizationId: orgA,
      state: 1,
      roles: ['admin', 'reader'],
      user: { id: alice, displayName: 'Alice Able', organizationId: orgA },
    });
    expect(authorizations[0].projectGrantId).toBeUndefined();
    expect(authorizations[0].grantedOrganizationId).toBeUndefined();
    expect(authorizations[0].user?.preferredLoginName).toMatch(/^alice-/);
  });

  it('authorizes a user of the granted org within the grant', async () => {
    const admin = authz('connect-h1', server.adminPat);
    bobAuth = (
      await admin.createAuthorization({ userId: bob, projectId: project, organizationId: orgB, roleKeys: ['reader'] })
    ).id;
    const { authorizations } = await admin.listAuthorizations({
      filters: [{ filter: { case: 'projectGrantId', value: { id: grant } } }],
    });
    expect(authorizations.map((a) => a.id)).toEqual([bobAuth]);
    expect(authorizations[0]).toMatchObject({
      organizationId: orgB,
      projectOrganizationId: orgA,
      projectGrantId: grant,
      grantedOrganizationId: orgB,
      roles: ['reader'],
    });
  });

  it('refuses roles the grant (or the project) does not have, naming them', async () => {
    const admin = authz('grpc', server.adminPat);
    const outsideGrant = await failure(
      admin.createAuthorization({
        userId: bea,
        projectId: project,
        organizationId: orgB,
        roleKeys: ['reader', 'admin'],
      }),
    );
    expect(outsideGrant.code).toBe(Code.InvalidArgument);
    expect(outsideGrant.rawMessage).toContain('"admin"');
    expect(outsideGrant.rawMessage).toContain('(UGRANT-r0l3s)');
    const outsideProject = await failure(
      admin.createAuthorization({ userId: bea, projectId: project, roleKeys: ['nope'] }),
    );
    expect(outsideProject.code).toBe(Code.InvalidArgument);
    expect(outsideProject.rawMessage).toContain('"nope"');
    expect(await codeOf(admin.updateAuthorization({ id: bobAuth, roleKeys: ['admin'] }))).toBe(Code.InvalidArgument);
  });

  it('answers NOT_FOUND for an org the project is not granted to, and ALREADY_EXISTS for a second authorization', async () => {
    const admin = authz('grpc', server.adminPat);
    expect(
      await codeOf(admin.createAuthorization({ userId: bea, projectId: project, organizationId: orgC, roleKeys: [] })),
    ).toBe(Code.NotFound);
    expect(
      await codeOf(
        admin.createAuthorization({ userId: bob, projectId: project, organizationId: orgB, roleKeys: ['writer'] }),
      ),
    ).toBe(Code.AlreadyExists);
  });

  describe('an ORG_OWNER of the granted org, made through InternalPermissionService', () => {
    let owner: { userId: string; pat: string };
    const adminPerms = () => client(InternalPermissionService, 'grpc', server.baseUrl, server.adminPat);

    beforeAll(async () => {
      owner = await machineWithoutRoles(server, orgB, 'B operator');
    });

    it('may do nothing with authorizations before', async () => {
      const asOwner = authz('grpc', owner.pat);
      expect(await codeOf(asOwner.updateAuthorization({ id: bobAuth, roleKeys: ['writer'] }))).toBe(
        Code.PermissionDenied,
      );
      expect((await asOwner.listAuthorizations({})).authorizations).toEqual([]);
    });

    it("manages its org's authorizations within the grant once made ORG_OWNER", async () => {
      await adminPerms().createAdministrator({
        userId: owner.userId,
        resource: { resource: { case: 'organizationId', value: orgB } },
        roles: ['ORG_OWNER'],
      });
      for (const name of ['grpc', 'connect-h1'] as const) {
        const asOwner = authz(name, owner.pat);
        const listed = await asOwner.listAuthorizations({});
        expect(listed.authorizations.map((a) => a.id)).toEqual([bobAuth]);
        expect(await codeOf(asOwner.updateAuthorization({ id: bobAuth, roleKeys: ['reader', 'writer'] }))).toBe('ok');
        expect(await codeOf(asOwner.deactivateAuthorization({ id: bobAuth }))).toBe('ok');
        expect(await codeOf(asOwner.activateAuthorization({ id: bobAuth }))).toBe('ok');
      }
      const asOwner = authz('grpc', owner.pat);
      const beaAuth = (
        await asOwner.createAuthorization({
          userId: bea,
          projectId: project,
          organizationId: orgB,
          roleKeys: ['writer'],
        })
      ).id;
      expect(await codeOf(asOwner.deleteAuthorization({ id: beaAuth }))).toBe('ok');
    });

    it("cannot touch the project's own roles or its org's authorizations", async () => {
      const asOwner = authz('grpc', owner.pat);
      // Roles beyond the grant stay out of reach, on create and update.
      expect(
        await codeOf(
          asOwner.createAuthorization({ userId: bea, projectId: project, organizationId: orgB, roleKeys: ['admin'] }),
        ),
      ).toBe(Code.InvalidArgument);
      expect(await codeOf(asOwner.updateAuthorization({ id: bobAuth, roleKeys: ['admin'] }))).toBe(
        Code.InvalidArgument,
      );
      // The project's org: its authorizations do not exist for B's owner.
      expect(await codeOf(asOwner.createAuthorization({ userId: bea, projectId: project, roleKeys: ['admin'] }))).toBe(
        Code.NotFound,
      );
      expect(
        await codeOf(
          asOwner.createAuthorization({ userId: bea, projectId: project, organizationId: orgA, roleKeys: [] }),
        ),
      ).toBe(Code.NotFound);
      expect(await codeOf(asOwner.updateAuthorization({ id: aliceAuth, roleKeys: ['reader'] }))).toBe(Code.NotFound);
      expect(await codeOf(asOwner.deleteAuthorization({ id: aliceAuth }))).toBe(Code.NotFound);
      // Nor the project's roles themselves: B sees the project through the grant, so it is told no.
      const projects = client(ProjectService, 'grpc', server.baseUrl, owner.pat);
      expect(
        await codeOf(projects.addProjectRole({ projectId: project, roleKey: 'sneaky', displayName: 'Sneaky' })),
      ).toBe(Code.PermissionDenied);
      expect(await codeOf(projects.removeProjectRole({ projectId: project, roleKey: 'admin' }))).toBe(
        Code.PermissionDenied,
      );
      const { authorizations } = await authz('grpc', server.adminPat).listAuthorizations({
        filters: [{ filter: { case: 'authorizationIds', value: { ids: [aliceAuth] } } }],
      });
      expect(authorizations[0].roles).toEqual(['admin', 'reader']);
    });

    it('loses it at once when the administrator role is removed', async () => {
      const removed = await adminPerms().deleteAdministrator({
        userId: owner.userId,
        resource: { resource: { case: 'organizationId', value: orgB } },
      });
      expect(removed.deletionDate).toBeDefined();
      const asOwner = authz('connect-h1', owner.pat);
      expect(await codeOf(asOwner.updateAuthorization({ id: bobAuth, roleKeys: ['reader'] }))).toBe(
        Code.PermissionDenied,
      );
      expect((await asOwner.listAuthorizations({})).authorizations).toEqual([]);
      const again = await adminPerms().deleteAdministrator({
        userId: owner.userId,
        resource: { resource: { case: 'organizationId', value: orgB } },
      });
      expect(again.deletionDate).toBeUndefined();
    });
  });

  describe.each(['grpc', 'connect-h1'] as const)("another org's owner over %s", (name) => {
    let ownerC: string;
    beforeAll(async () => {
      ownerC = (await machineWithRoles(server, orgC, { level: 'org', resourceId: orgC, roles: ['ORG_OWNER'] })).pat;
    });

    type Call = (c: ReturnType<typeof authz>, id: string) => Promise<unknown>;
    it.each<[string, Call]>([
      [
        'CreateAuthorization',
        (c) => c.createAuthorization({ userId: bea, projectId: project, organizationId: orgB, roleKeys: ['reader'] }),
      ],
      ['UpdateAuthorization', (c, id) => c.updateAuthorization({ id, roleKeys: ['reader'] })],
      ['DeleteAuthorization', (c, id) => c.deleteAuthorization({ id })],
      ['ActivateAuthorization', (c, id) => c.activateAuthorization({ id })],
      ['DeactivateAuthorization', (c, id) => c.deactivateAuthorization({ id })],
    ])('gets NOT_FOUND from %s, as for an id that does not exist', async (_rpc, call) => {
      const asC = authz(name, ownerC);
      expect(await codeOf(call(asC, bobAuth))).toBe(Code.NotFound);
      expect(await codeOf(call(asC, '999999999999999999'))).toBe(Code.NotFound);
    });

    it('lists none of them (ListAuthorizations)', async () => {
      const listed = await authz(name, ownerC).listAuthorizations({
        filters: [{ filter: { case: 'organizationId', value: { id: orgB } } }],
      });
      expect(listed.authorizations).toEqual([]);
      expect(listed.pagination?.totalResult).toBe(0n);
    });
  });

  it('records every change as an event of the authorization, and none for a refused one', async () => {
    const events = await eventsOf(server, 'usergrant', bobAuth);
    expect(events[0]).toMatchObject({
      type: 'user.grant.added',
      resourceOwner: orgB,
      payload: { userId: bob, projectId: project, projectGrantId: grant, roleKeys: ['reader'] },
    });
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['user.grant.changed', 'user.grant.deactivated', 'user.grant.reactivated']),
    );
    const refused: { n: number }[] = await server.database.dataSource.query(
      `SELECT count(*)::int AS n FROM events WHERE aggregate_type = 'usergrant' AND payload->>'userId' = $1 AND event_type = 'user.grant.added'`,
      [bea],
    );
    expect(refused[0].n).toBe(1); // only the one B's owner made, never the refused ones
  });
});
