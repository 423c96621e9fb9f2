import { Code } from '@connectrpc/connect';
import { TextQueryMethod } from '@zitadel/node/dist/api/generated/zitadel/object.js';
import { OrganizationService } from '@zitadel/proto/zitadel/org/v2/org_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { client } from '../support/clients.js';
import { TestDnsServer } from '../support/dns-server.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { adminV1, managementV1, v1Code } from '../support/v1-clients.js';

// Replays of the v1 calls ZITADEL's Terraform provider makes for each resource, in the order its
// zitadel/<resource>/funcs.go makes them (create, read, update, read, delete, read), asserting what
// the provider reads back into its state. The provider acts with an instance admin's token and the
// org in x-zitadel-orgid (helper.CtxWithOrgID).

let server: TestServer;
let dns: TestDnsServer;
let n = 0;

async function newOrg(name: string): Promise<string> {
  return (
    await client(OrganizationService, 'grpc', server.baseUrl, server.adminPat).addOrganization({
      name: `${name} ${n++}`,
    })
  ).organizationId;
}

async function human(orgId: string): Promise<string> {
  const { userId } = await client(UserService, 'grpc', server.baseUrl, server.adminPat).addHumanUser({
    username: `tf-${n++}`,
    organization: { org: { case: 'orgId', value: orgId } },
    profile: { givenName: 'Terra', familyName: 'Form' },
    email: { email: `tf-${n++}@example.test`, verification: { case: 'isVerified', value: true } },
  });
  return userId;
}

beforeAll(async () => {
  dns = await new TestDnsServer().start();
  server = await bootTestServer({ PORTCULLIS_DNS_SERVERS: dns.address });
});
afterAll(async () => {
  await server?.close();
  await dns?.stop();
});

describe('Terraform replays: organizations', () => {
  it('zitadel/org/funcs.go (+ funcs_legacy.go): AddOrganization, GetOrgByID + GetDefaultOrg, UpdateOrg, SetDefaultOrg, RemoveOrg', async () => {
    const admin = adminV1(server.baseUrl, server.adminPat);
    // create: v2 AddOrganization, then read
    const orgId = await newOrg('Tf org');
    const read = async () => {
      const { org } = await admin.getOrgByID({ id: orgId });
      const { org: defaultOrg } = await admin.getDefaultOrg({});
      return {
        name: org!.name,
        primaryDomain: org!.primaryDomain,
        state: org!.state,
        isDefault: defaultOrg!.id === org!.id,
      };
    };
    const created = await read();
    expect(created).toMatchObject({ state: 1, isDefault: false });
    expect(created.primaryDomain).toMatch(/^tf-org-\d+\./);
    // update (legacy): UpdateOrg in the org's context; is_default: SetDefaultOrg
    const previousDefault = (await admin.getDefaultOrg({})).org!.id;
    await managementV1(server.baseUrl, server.adminPat, orgId).updateOrg({ name: `Tf org renamed ${n++}` });
    await admin.setDefaultOrg({ orgId });
    const updated = await read();
    expect(updated.name).toMatch(/^Tf org renamed/);
    expect(updated.isDefault).toBe(true);
    // delete (legacy): admin RemoveOrg; the default org must be moved off first, as ZITADEL refuses it
    expect(await v1Code(admin.removeOrg({ orgId }))).toBe(Code.FailedPrecondition);
    await admin.setDefaultOrg({ orgId: previousDefault });
    await admin.removeOrg({ orgId });
    expect(await v1Code(admin.getOrgByID({ id: orgId }))).toBe(Code.NotFound);
  });

  it('zitadel/domain/funcs.go: AddOrgDomain, SetPrimaryOrgDomain, ListOrgDomains by name; delete moves primary back then RemoveOrgDomain', async () => {
    const orgId = await newOrg('Tf domain');
    const mgmt = managementV1(server.baseUrl, server.adminPat, orgId);
    const name = `tf-${n++}.example.test`;
    // The provider's own domain setting is the instance domain the generated org domains sit under.
    const instanceDomain = (await mgmt.getMyOrg({})).org!.primaryDomain.split('.').slice(1).join('.');
    // create (is_primary = false)
    await mgmt.addOrgDomain({ domain: name });
    const read = async () => {
      const resp = await mgmt.listOrgDomains({
        queries: [{ domainNameQuery: { name, method: TextQueryMethod.TEXT_QUERY_METHOD_EQUALS } }],
      });
      return resp.result;
    };
    expect(await read()).toMatchObject([{ domainName: name, orgId, isVerified: false, isPrimary: false }]);
    // update is_primary = true: only a verified domain can be primary (ZITADEL: Errors.Org.DomainNotVerified)
    expect(await v1Code(mgmt.setPrimaryOrgDomain({ domain: name }))).toBe(Code.FailedPrecondition);
    const challenge = await mgmt.generateOrgDomainValidation({ domain: name, type: 2 });
    dns.txt.set(challenge.url, challenge.token);
    await mgmt.validateOrgDomain({ domain: name });
    await mgmt.setPrimaryOrgDomain({ domain: name });
    expect(await read()).toMatchObject([{ domainName: name, isVerified: true, isPrimary: true }]);
    // delete of a primary domain: ListOrgDomains, SetPrimaryOrgDomain on another verified one under the instance domain, RemoveOrgDomain
    const all = await mgmt.listOrgDomains({});
    const other = all.result.find(
      (d) => d.isVerified && d.domainName !== name && d.domainName.endsWith(instanceDomain),
    );
    expect(other).toBeDefined();
    await mgmt.setPrimaryOrgDomain({ domain: other!.domainName });
    await mgmt.removeOrgDomain({ domain: name });
    expect(await read()).toEqual([]);
  });

  it('zitadel/org_metadata/funcs.go: SetOrgMetadata, GetOrgMetadata, SetOrgMetadata again, RemoveOrgMetadata', async () => {
    const orgId = await newOrg('Tf metadata');
    const mgmt = managementV1(server.baseUrl, server.adminPat, orgId);
    await mgmt.setOrgMetadata({ key: 'tier', value: Buffer.from('gold') });
    const read = async () => Buffer.from((await mgmt.getOrgMetadata({ key: 'tier' })).metadata!.value).toString();
    expect(await read()).toBe('gold');
    await mgmt.setOrgMetadata({ key: 'tier', value: Buffer.from('platinum') });
    expect(await read()).toBe('platinum');
    await mgmt.removeOrgMetadata({ key: 'tier' });
    // the provider's read treats NOT_FOUND as gone
    expect(await v1Code(mgmt.getOrgMetadata({ key: 'tier' }))).toBe(Code.NotFound);
  });

  it('zitadel/org_member/funcs.go: AddOrgMember, ListOrgMembers by user id, UpdateOrgMember, RemoveOrgMember', async () => {
    const orgId = await newOrg('Tf org member');
    const userId = await human(orgId);
    const mgmt = managementV1(server.baseUrl, server.adminPat, orgId);
    await mgmt.addOrgMember({ userId, roles: ['ORG_OWNER'] });
    const read = async () => {
      const resp = await mgmt.listOrgMembers({ queries: [{ userIdQuery: { userId } }] });
      return resp.result.map((m) => ({ userId: m.userId, orgId: m.details?.resourceOwner, roles: m.roles }));
    };
    expect(await read()).toEqual([{ userId, orgId, roles: ['ORG_OWNER'] }]);
    await mgmt.updateOrgMember({ userId, roles: ['ORG_OWNER_VIEWER', 'ORG_USER_MANAGER'] });
    expect((await read())[0].roles.sort()).toEqual(['ORG_OWNER_VIEWER', 'ORG_USER_MANAGER']);
    await mgmt.removeOrgMember({ userId });
    expect(await read()).toEqual([]);
  });

  it('zitadel/instance_member/funcs.go: AddIAMMember (id from details.resource_owner), ListIAMMembers, UpdateIAMMember, RemoveIAMMember', async () => {
    const admin = adminV1(server.baseUrl, server.adminPat);
    const orgId = await newOrg('Tf instance member');
    const userId = await human(orgId);
    const added = await admin.addIAMMember({ userId, roles: ['IAM_OWNER_VIEWER'] });
    const instanceId = added.details!.resourceOwner;
    expect(instanceId).toBeTruthy();
    const read = async () => {
      const resp = await admin.listIAMMembers({ queries: [{ userIdQuery: { userId } }] });
      return resp.result.map((m) => ({ id: `${m.details?.resourceOwner}_${m.userId}`, roles: m.roles }));
    };
    expect(await read()).toEqual([{ id: `${instanceId}_${userId}`, roles: ['IAM_OWNER_VIEWER'] }]);
    await admin.updateIAMMember({ userId, roles: ['IAM_ORG_MANAGER'] });
    expect((await read())[0].roles).toEqual(['IAM_ORG_MANAGER']);
    await admin.removeIAMMember({ userId });
    expect(await read()).toEqual([]);
  });
});
