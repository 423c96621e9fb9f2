import { Code } from '@connectrpc/connect';
import { TextQueryMethod } from '@zitadel/node/dist/api/generated/zitadel/object.js';
import { OrgState } from '@zitadel/node/dist/api/generated/zitadel/org.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { adminV1, managementV1, restV1, v1Code } from '../support/v1-clients.js';

let server: TestServer;
let n = 0;

async function orgWithOwner(name: string): Promise<{ orgId: string; owner: string }> {
  const { id } = await managementV1(server.baseUrl, server.adminPat).addOrg({ name: `${name} ${n++}` });
  const { pat } = await machineWithRoles(server, id, { level: 'org', resourceId: id, roles: ['ORG_OWNER'] });
  return { orgId: id, owner: pat };
}

beforeAll(async () => {
  server = await bootTestServer();
});
afterAll(() => server?.close());

describe('admin v1 orgs', () => {
  it('gets an org by id, lists orgs by name and state, and tells whether a name is unique', async () => {
    const admin = adminV1(server.baseUrl, server.adminPat);
    const { orgId } = await orgWithOwner('Admin listed');
    const { org } = await admin.getOrgByID({ id: orgId });
    expect(org).toMatchObject({ id: orgId, state: OrgState.ORG_STATE_ACTIVE });
    const listed = await admin.listOrgs({
      queries: [{ nameQuery: { name: 'Admin listed', method: TextQueryMethod.TEXT_QUERY_METHOD_STARTS_WITH } }],
    });
    expect(listed.result.map((o) => o.id)).toEqual([orgId]);
    const inactive = await admin.listOrgs({ queries: [{ stateQuery: { state: OrgState.ORG_STATE_INACTIVE } }] });
    expect(inactive.result).toEqual([]);
    expect((await admin.isOrgUnique({ name: org!.name, domain: '' })).isUnique).toBe(false);
    expect((await admin.isOrgUnique({ name: `Nobody ${n++}`, domain: '' })).isUnique).toBe(true);
    expect(await v1Code(admin.getOrgByID({ id: 'no-such-org' }))).toBe(Code.NotFound);
  });

  it('SetUpOrg creates the org, a custom domain and its first human owner in one transaction', async () => {
    const admin = adminV1(server.baseUrl, server.adminPat);
    const name = `Set up ${n++}`;
    const set = await admin.setUpOrg({
      org: { name, domain: `setup-${n}.example.test` },
      human: {
        userName: `founder-${n}`,
        profile: { firstName: 'Fay', lastName: 'Founder' },
        email: { email: `founder-${n}@example.test`, isEmailVerified: true },
        password: 'Founder-Passw0rd!',
      },
    });
    expect(set.orgId).toBeTruthy();
    expect(set.userId).toBeTruthy();
    const mgmt = managementV1(server.baseUrl, server.adminPat, set.orgId);
    const members = await mgmt.listOrgMembers({ queries: [{ userIdQuery: { userId: set.userId } }] });
    expect(members.result).toMatchObject([{ userId: set.userId, roles: ['ORG_OWNER'], firstName: 'Fay' }]);
    const domains = (await mgmt.listOrgDomains({})).result.map((d) => [d.domainName, d.isVerified]);
    expect(domains).toContainEqual([`setup-${n}.example.test`, false]);

    // A bad human leaves no org behind.
    const failed = `Set up failing ${n++}`;
    expect(
      await v1Code(
        admin.setUpOrg({
          org: { name: failed },
          human: { userName: `x-${n}`, profile: { firstName: '', lastName: '' }, email: { email: 'not-an-email' } },
        }),
      ),
    ).toBe(Code.InvalidArgument);
    expect((await admin.isOrgUnique({ name: failed, domain: '' })).isUnique).toBe(true);
    expect(await v1Code(admin.setUpOrg({ org: { name: `No human ${n++}` } }))).toBe(Code.InvalidArgument);
  });

  it('SetDefaultOrg moves the default; GetDefaultOrg reads it; the default org cannot be removed, another can', async () => {
    const admin = adminV1(server.baseUrl, server.adminPat);
    const before = (await admin.getDefaultOrg({})).org!;
    const { orgId } = await orgWithOwner('New default');
    await admin.setDefaultOrg({ orgId });
    expect((await admin.getDefaultOrg({})).org?.id).toBe(orgId);
    expect(await v1Code(admin.removeOrg({ orgId }))).toBe(Code.FailedPrecondition);
    await admin.setDefaultOrg({ orgId: before.id });
    await admin.removeOrg({ orgId });
    expect(await v1Code(admin.getOrgByID({ id: orgId }))).toBe(Code.NotFound);
    expect(await v1Code(admin.setDefaultOrg({ orgId }))).toBe(Code.NotFound);
  });

  it('an org owner has no admin v1 access: PERMISSION_DENIED, and nothing changes', async () => {
    const a = await orgWithOwner('Admin denied');
    const b = await orgWithOwner('Admin target');
    const admin = adminV1(server.baseUrl, a.owner);
    expect(await v1Code(admin.getOrgByID({ id: b.orgId }))).toBe(Code.PermissionDenied);
    expect(await v1Code(admin.listOrgs({}))).toBe(Code.PermissionDenied);
    expect(await v1Code(admin.removeOrg({ orgId: b.orgId }))).toBe(Code.PermissionDenied);
    expect(await v1Code(admin.setDefaultOrg({ orgId: a.orgId }))).toBe(Code.PermissionDenied);
    expect((await adminV1(server.baseUrl, server.adminPat).getOrgByID({ id: b.orgId })).org?.id).toBe(b.orgId);
  });
});

describe('admin v1 orgs over REST', () => {
  it('GET /admin/v1/orgs/{id}, POST /admin/v1/orgs/_search, PUT /admin/v1/orgs/default/{org_id}, DELETE /admin/v1/orgs/{org_id}', async () => {
    const call = (method: string, path: string, body?: unknown) =>
      restV1(server.baseUrl, server.adminPat, method, `/admin/v1${path}`, body);
    const { orgId } = await orgWithOwner('Rest admin');
    expect((await call('GET', `/orgs/${orgId}`)).body.org).toMatchObject({ id: orgId, state: 'ORG_STATE_ACTIVE' });
    const listed = await call('POST', '/orgs/_search', { queries: [{ idQuery: { id: orgId } }] });
    expect(listed.body.result.map((o: { id: string }) => o.id)).toEqual([orgId]);
    const defaultOrg = (await call('GET', '/orgs/default')).body.org.id as string;
    expect((await call('PUT', `/orgs/default/${orgId}`)).status).toBe(200);
    expect((await call('PUT', `/orgs/default/${defaultOrg}`)).status).toBe(200);
    expect((await call('DELETE', `/orgs/${orgId}`)).status).toBe(200);
    expect((await call('GET', `/orgs/${orgId}`)).status).toBe(404);
  });
});
