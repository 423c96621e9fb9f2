import { Code } from '@connectrpc/connect';
import { AuthorizationService } from '@zitadel/proto/zitadel/authorization/v2beta/authorization_service_pb.js';
import { eventsOf, human, project, projectGrant } from '../authorizations/fixtures.js';
import { client } from '../support/clients.js';
import { managementV1, restV1, v1Code } from '../support/v1-clients.js';
import { failure, twoOrgs, unique, type TwoOrgs } from './v1-fixtures.js';

const ACTIVE = 1;
const INACTIVE = 2;
const EQUALS = 0;
const STARTS_WITH = 2;

let t: TwoOrgs;
let projectA: string;
const base = () => t.env.server.baseUrl;
const mgmt = (pat: string, orgId?: string) => managementV1(base(), pat, orgId);

beforeAll(async () => {
  t = await twoOrgs('v1 grants');
  projectA = await project(t.env.server, t.orgA, unique('Shop'), ['reader', 'writer', 'admin']);
}, 60_000);
afterAll(() => t?.env.stop());

describe('management v1 user grants (ZITADEL management AddUserGrant … RemoveUserGrant)', () => {
  it('adds a grant and reads it back by id, in v1 and in AuthorizationService v2beta', async () => {
    const userId = await human(t.env.server, t.orgA, 'Gina', 'Grant');
    const m = mgmt(t.ownerA);
    const { userGrantId, details } = await m.addUserGrant({ userId, projectId: projectA, roleKeys: ['reader'] });
    expect(details?.resourceOwner).toBe(t.orgA);
    const { userGrant } = await m.getUserGrantByID({ userId, grantId: userGrantId });
    expect(userGrant).toMatchObject({
      id: userGrantId,
      userId,
      roleKeys: ['reader'],
      state: ACTIVE,
      firstName: 'Gina',
      lastName: 'Grant',
      email: 'gina@example.com',
      userType: 1,
      orgId: t.orgA,
      projectId: projectA,
      grantedOrgId: t.orgA,
    });
    expect(userGrant?.orgName).toMatch(/^v1 grants A/);
    const v2 = client(AuthorizationService, 'grpc', base(), t.env.server.adminPat);
    const listed = await v2.listAuthorizations({
      filters: [{ filter: { case: 'authorizationIds', value: { ids: [userGrantId] } } }],
    });
    expect(listed.authorizations.map((a) => a.id)).toEqual([userGrantId]);
    expect((await eventsOf(t.env.server, 'usergrant', userGrantId)).map((e) => e.type)).toEqual(['user.grant.added']);
  });

  it('updates roles, deactivates, reactivates and removes; the project refuses unknown roles', async () => {
    const userId = await human(t.env.server, t.orgA, 'Uma', 'Update');
    const m = mgmt(t.ownerA);
    const { userGrantId: grantId } = await m.addUserGrant({ userId, projectId: projectA, roleKeys: ['reader'] });
    const updated = await m.updateUserGrant({ userId, grantId, roleKeys: ['reader', 'writer'] });
    expect(Number(updated.details?.sequence)).toBe(2);
    expect((await m.getUserGrantByID({ userId, grantId })).userGrant?.roleKeys.sort()).toEqual(['reader', 'writer']);
    const bad = await failure(m.updateUserGrant({ userId, grantId, roleKeys: ['nope'] }));
    expect(bad.code).toBe(Code.InvalidArgument);

    await m.deactivateUserGrant({ userId, grantId });
    expect((await m.getUserGrantByID({ userId, grantId })).userGrant?.state).toBe(INACTIVE);
    await m.reactivateUserGrant({ userId, grantId });
    expect((await m.getUserGrantByID({ userId, grantId })).userGrant?.state).toBe(ACTIVE);
    await m.removeUserGrant({ userId, grantId });
    expect(await v1Code(m.getUserGrantByID({ userId, grantId }))).toBe(Code.NotFound);
    expect((await eventsOf(t.env.server, 'usergrant', grantId)).map((e) => e.type)).toEqual([
      'user.grant.added',
      'user.grant.changed',
      'user.grant.deactivated',
      'user.grant.reactivated',
      'user.grant.removed',
    ]);
  });

  it('refuses a duplicate and names the missing project', async () => {
    const userId = await human(t.env.server, t.orgA, 'Dora', 'Dup');
    const m = mgmt(t.ownerA);
    await m.addUserGrant({ userId, projectId: projectA, roleKeys: ['reader'] });
    expect(await v1Code(m.addUserGrant({ userId, projectId: projectA, roleKeys: ['writer'] }))).toBe(
      Code.AlreadyExists,
    );
    expect(await v1Code(m.addUserGrant({ userId, projectId: 'no-such-project', roleKeys: [] }))).toBe(Code.NotFound);
  });

  it('bulk-removes grants of the org context, all or none', async () => {
    const m = mgmt(t.ownerA);
    const ids: string[] = [];
    for (const name of ['Bea', 'Ben']) {
      const userId = await human(t.env.server, t.orgA, name, 'Bulk');
      ids.push((await m.addUserGrant({ userId, projectId: projectA, roleKeys: ['reader'] })).userGrantId);
    }
    // One id that does not exist: nothing is removed.
    expect(await v1Code(m.bulkRemoveUserGrant({ grantId: [...ids, 'missing'] }))).toBe(Code.NotFound);
    expect(await v1Code(mgmt(t.ownerB, t.orgA).bulkRemoveUserGrant({ grantId: ids }))).toBe(Code.NotFound);
    const left = await m.listUserGrants({ queries: [{ projectIdQuery: { projectId: projectA } }] });
    expect(left.result.map((g) => g.id)).toEqual(expect.arrayContaining(ids));
    await m.bulkRemoveUserGrant({ grantId: ids });
    const after = await m.listUserGrants({ queries: [{ projectIdQuery: { projectId: projectA } }] });
    expect(after.result.map((g) => g.id).filter((id) => ids.includes(id))).toEqual([]);
  });
});

describe('management v1 AddUserGrant with project_grant_id (ZITADEL: the grant must be the project grant to the org)', () => {
  it("adds the grant on the org's project grant, within the grant's roles, and refuses another grant id", async () => {
    const projectId = await project(t.env.server, t.orgA, unique('Granted'), ['reader', 'writer']);
    const grantId = await projectGrant(t.env.server, projectId, t.orgB, ['reader']);
    const otherProject = await project(t.env.server, t.orgA, unique('Other'), ['reader']);
    const otherGrant = await projectGrant(t.env.server, otherProject, t.orgB, ['reader']);
    const userId = await human(t.env.server, t.orgB, 'Pia', 'Grant');
    const m = mgmt(t.ownerB);
    // A grant id of another project: ZITADEL's Errors.Project.Grant.NotFound precondition.
    expect(await v1Code(m.addUserGrant({ userId, projectId, projectGrantId: otherGrant, roleKeys: ['reader'] }))).toBe(
      Code.FailedPrecondition,
    );
    expect(await v1Code(m.addUserGrant({ userId, projectId, projectGrantId: '404', roleKeys: ['reader'] }))).toBe(
      Code.FailedPrecondition,
    );
    // A role of the project that the grant does not give.
    expect(await v1Code(m.addUserGrant({ userId, projectId, projectGrantId: grantId, roleKeys: ['writer'] }))).toBe(
      Code.InvalidArgument,
    );
    const { userGrantId } = await m.addUserGrant({ userId, projectId, projectGrantId: grantId, roleKeys: ['reader'] });
    const { userGrant } = await m.getUserGrantByID({ userId, grantId: userGrantId });
    expect(userGrant).toMatchObject({ projectId, projectGrantId: grantId, orgId: t.orgB, roleKeys: ['reader'] });
    // The owner org has no grant of its own project: naming one is refused too.
    const ownerUser = await human(t.env.server, t.orgA, 'Otto', 'Owner');
    expect(
      await v1Code(
        mgmt(t.ownerA).addUserGrant({ userId: ownerUser, projectId, projectGrantId: grantId, roleKeys: ['reader'] }),
      ),
    ).toBe(Code.FailedPrecondition);
    // Org A's owner cannot add a grant in org B's context.
    expect(
      await v1Code(
        mgmt(t.ownerA, t.orgB).addUserGrant({ userId, projectId, projectGrantId: grantId, roleKeys: ['reader'] }),
      ),
    ).not.toBe('ok');
  });
});

describe('management v1 ListUserGrants: every zitadel.user.v1.UserGrantQuery', () => {
  const tag = unique('ug').replace(/-/g, '');
  const g: Record<string, string> = {};
  let projectGrantId: string;
  let userX: string;
  let domainA: string;

  beforeAll(async () => {
    const m = mgmt(t.ownerA);
    const other = await project(t.env.server, t.orgA, `${tag} Other`, ['viewer']);
    [{ primary_domain: domainA }] = await t.env.server.database.dataSource.query(
      'SELECT primary_domain FROM orgs WHERE id = $1',
      [t.orgA],
    );
    userX = (
      await m.addHumanUser({
        userName: `${tag}x`,
        profile: { firstName: `${tag}First`, lastName: `${tag}Last`, displayName: `${tag} Display` },
        email: { email: `${tag}@example.test`, isEmailVerified: true },
      })
    ).userId;
    const machineId = (await m.addMachineUser({ userName: `${tag}m`, name: `${tag} Bot` })).userId;
    g.x = (await m.addUserGrant({ userId: userX, projectId: projectA, roleKeys: ['admin'] })).userGrantId;
    g.m = (await m.addUserGrant({ userId: machineId, projectId: other, roleKeys: ['viewer'] })).userGrantId;
    // Org A grants the project to org B; org B's owner grants it to org A's user X.
    projectGrantId = await projectGrant(t.env.server, projectA, t.orgB, ['reader']);
    g.b = (
      await mgmt(t.ownerB).addUserGrant({ userId: userX, projectId: projectA, projectGrantId, roleKeys: ['reader'] })
    ).userGrantId;
  });

  const ids = async (queries: object[], pat = t.ownerA, org?: string) =>
    (await mgmt(pat, org).listUserGrants({ queries })).result.map((r) => r.id).sort();
  const mine = (q: object) => ids([q, { orgNameQuery: { orgName: 'v1 grants', method: STARTS_WITH } }]);

  it.each([
    ['projectIdQuery', () => ({ projectIdQuery: { projectId: projectA } }), ['x']],
    ['userIdQuery', () => ({ userIdQuery: { userId: userX } }), ['x']],
    ['roleKeyQuery', () => ({ roleKeyQuery: { roleKey: 'admin', method: EQUALS } }), ['x']],
    ['userNameQuery', () => ({ userNameQuery: { userName: `${tag}m`, method: EQUALS } }), ['m']],
    ['firstNameQuery', () => ({ firstNameQuery: { firstName: `${tag}first`, method: 1 } }), ['x']],
    ['lastNameQuery', () => ({ lastNameQuery: { lastName: `${tag}Last`, method: EQUALS } }), ['x']],
    ['emailQuery', () => ({ emailQuery: { email: `${tag}@`, method: STARTS_WITH } }), ['x']],
    ['orgDomainQuery', () => ({ orgDomainQuery: { orgDomain: domainA, method: EQUALS } }), ['m', 'x']],
    ['projectNameQuery', () => ({ projectNameQuery: { projectName: `${tag} Other`, method: EQUALS } }), ['m']],
    ['displayNameQuery', () => ({ displayNameQuery: { displayName: `${tag} Bot`, method: EQUALS } }), ['m']],
    ['userTypeQuery', () => ({ userTypeQuery: { type: 2 } }), ['m']],
  ])('%s', async (_name, query, keys) => {
    const found = await mine(query());
    const tagged = keys.map((k) => g[k]).sort();
    expect(found.filter((id) => Object.values(g).includes(id))).toEqual(tagged);
  });

  it("projectGrantIdQuery and withGrantedQuery (ZITADEL: also the grants given on the org's projects by granted orgs)", async () => {
    // Org B sees its grant by the project grant's id.
    expect(await ids([{ projectGrantIdQuery: { projectGrantId } }], t.ownerB)).toEqual([g.b]);
    // In org A's context, the grant org B gave on A's project shows only with with_granted (IAM owner: sees all).
    const admin = t.env.server.adminPat;
    expect(await ids([{ userIdQuery: { userId: userX } }], admin, t.orgA)).toEqual([g.x]);
    const withGranted = await ids(
      [{ userIdQuery: { userId: userX } }, { withGrantedQuery: { withGranted: true } }],
      admin,
      t.orgA,
    );
    expect(withGranted).toEqual([g.b, g.x].sort());
    const grant = (await mgmt(t.ownerB).getUserGrantByID({ userId: userX, grantId: g.b })).userGrant;
    expect(grant).toMatchObject({ orgId: t.orgB, grantedOrgId: t.orgA, projectGrantId });
  });

  it("org B sees none of org A's grants, with or without naming org A", async () => {
    expect(await ids([{ projectIdQuery: { projectId: projectA } }], t.ownerB, t.orgA)).toEqual([]);
    expect(await v1Code(mgmt(t.ownerB).getUserGrantByID({ userId: userX, grantId: g.x }))).toBe(Code.NotFound);
    expect(await v1Code(mgmt(t.ownerB, t.orgA).getUserGrantByID({ userId: userX, grantId: g.x }))).toBe(Code.NotFound);
    expect(
      await v1Code(mgmt(t.ownerB, t.orgA).updateUserGrant({ userId: userX, grantId: g.x, roleKeys: ['reader'] })),
    ).toBe(Code.NotFound);
    expect(await v1Code(mgmt(t.ownerB).removeUserGrant({ userId: userX, grantId: g.x }))).toBe(Code.NotFound);
    expect((await mgmt(t.ownerA).getUserGrantByID({ userId: userX, grantId: g.x })).userGrant?.roleKeys).toEqual([
      'admin',
    ]);
  });

  it('names a bad user type query', async () => {
    const bad = await failure(mgmt(t.ownerA).listUserGrants({ queries: [{ userTypeQuery: { type: 0 } }] }));
    expect(bad).toMatchObject({ code: Code.InvalidArgument, details: expect.stringMatching(/user_type_query/) });
  });

  it('REST: POST _search, GET by id, PUT roles, DELETE', async () => {
    const userId = await human(t.env.server, t.orgA, 'Rest', 'Grant');
    const call = (method: string, path: string, body?: unknown, pat = t.ownerA) =>
      restV1(base(), pat, method, path, body);
    const added = await call('POST', `/management/v1/users/${userId}/grants`, {
      projectId: projectA,
      roleKeys: ['reader'],
    });
    expect(added.status).toBe(200);
    const grantPath = `/management/v1/users/${userId}/grants/${added.body.userGrantId}`;
    const search = await call('POST', '/management/v1/users/grants/_search', {
      queries: [{ userIdQuery: { userId } }],
    });
    expect(search.body.result.map((r: { id: string }) => r.id)).toEqual([added.body.userGrantId]);
    expect((await call('PUT', grantPath, { roleKeys: ['writer'] })).status).toBe(200);
    expect((await call('GET', grantPath)).body.userGrant).toMatchObject({
      roleKeys: ['writer'],
      state: 'USER_GRANT_STATE_ACTIVE',
    });
    expect((await call('DELETE', grantPath, undefined, t.ownerB)).status).toBe(404);
    expect((await call('DELETE', grantPath)).status).toBe(200);
    expect((await call('GET', grantPath)).status).toBe(404);
  });
});
