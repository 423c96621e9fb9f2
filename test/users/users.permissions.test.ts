import { Code } from '@connectrpc/connect';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { client, codeOf } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';

let server: TestServer;
let orgA: string;
let orgB: string;
let ownerA: string;
let ownerB: string;
let plainA: { userId: string; pat: string };

beforeAll(async () => {
  server = await bootTestServer();
  const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
  orgA = (await orgs.createOrganization({ name: 'Users Org A' })).id;
  orgB = (await orgs.createOrganization({ name: 'Users Org B' })).id;
  ownerA = (await machineWithRoles(server, orgA, { level: 'org', resourceId: orgA, roles: ['ORG_OWNER'] })).pat;
  ownerB = (await machineWithRoles(server, orgB, { level: 'org', resourceId: orgB, roles: ['ORG_OWNER'] })).pat;
  // A user with no roles at all: may only act on itself.
  plainA = await machineWithRoles(server, orgA, { level: 'org', resourceId: orgA, roles: ['ORG_USER_SELF_MANAGER'] });
});
afterAll(() => server?.close());

let n = 0;
async function humanInA(): Promise<string> {
  const admin = client(UserService, 'grpc', server.baseUrl, server.adminPat);
  const { userId } = await admin.addHumanUser({
    username: `perm${Date.now()}${n++}`,
    organization: { org: { case: 'orgId', value: orgA } },
    profile: { givenName: 'P', familyName: 'Q' },
    email: { email: 'p@example.com', verification: { case: 'isVerified', value: true } },
  });
  return userId;
}

type Users = ReturnType<typeof client<typeof UserService>>;
/** Every core RPC that acts on one existing user, as a call on a fresh user in org A. */
const RPCS: [string, (u: Users, id: string) => Promise<unknown>][] = [
  ['GetUserByID', (u, id) => u.getUserByID({ userId: id })],
  ['UpdateHumanUser', (u, id) => u.updateHumanUser({ userId: id, profile: { givenName: 'New', familyName: 'Name' } })],
  [
    'UpdateUser',
    (u, id) => u.updateUser({ userId: id, userType: { case: 'human', value: { profile: { nickName: 'nick' } } } }),
  ],
  ['DeactivateUser', (u, id) => u.deactivateUser({ userId: id })],
  ['LockUser', (u, id) => u.lockUser({ userId: id })],
  ['DeleteUser', (u, id) => u.deleteUser({ userId: id })],
  [
    'SetEmail',
    (u, id) => u.setEmail({ userId: id, email: 'n@example.com', verification: { case: 'returnCode', value: {} } }),
  ],
  [
    'SendEmailCode',
    (u, id) =>
      u
        .setEmail({ userId: id, email: 'n@example.com', verification: { case: 'returnCode', value: {} } })
        .then(() => u.sendEmailCode({ userId: id, verification: { case: 'returnCode', value: {} } })),
  ],
  [
    'SetPhone',
    (u, id) => u.setPhone({ userId: id, phone: '+41790000000', verification: { case: 'returnCode', value: {} } }),
  ],
  [
    'SetUserMetadata',
    (u, id) => u.setUserMetadata({ userId: id, metadata: [{ key: 'k', value: new Uint8Array([1]) }] }),
  ],
  ['ListUserMetadata', (u, id) => u.listUserMetadata({ userId: id })],
];

describe('user permissions', () => {
  it.each(RPCS)("%s: allowed for the ORG_OWNER of the user's org", async (_name, call) => {
    expect(await codeOf(call(client(UserService, 'grpc', server.baseUrl, ownerA), await humanInA()))).toBe('ok');
  });

  it.each(RPCS)("%s: NOT_FOUND for another org's owner, as if the user did not exist", async (_name, call) => {
    expect(await codeOf(call(client(UserService, 'grpc', server.baseUrl, ownerB), await humanInA()))).toBe(
      Code.NotFound,
    );
  });

  it.each(RPCS)('%s: denied for a plain user on someone else', async (_name, call) => {
    const code = await codeOf(call(client(UserService, 'grpc', server.baseUrl, plainA.pat), await humanInA()));
    expect([Code.NotFound, Code.PermissionDenied]).toContain(code);
  });

  it('lets a user read and delete itself', async () => {
    const self = await machineWithRoles(server, orgA, {
      level: 'org',
      resourceId: orgA,
      roles: ['ORG_USER_SELF_MANAGER'],
    });
    const asSelf = client(UserService, 'grpc', server.baseUrl, self.pat);
    expect((await asSelf.getUserByID({ userId: self.userId })).user?.userId).toBe(self.userId);
    const listed = await asSelf.listUsers({});
    expect(listed.result.map((u) => u.userId)).toEqual([self.userId]);
    await asSelf.deleteUser({ userId: self.userId });
  });

  it('refuses creating a user in an org the caller does not manage, and in a deactivated org', async () => {
    const asOwnerB = client(UserService, 'grpc', server.baseUrl, ownerB);
    expect(
      await codeOf(
        asOwnerB.createUser({
          organizationId: orgA,
          username: `x${n++}`,
          userType: { case: 'machine', value: { name: 'x' } },
        }),
      ),
    ).toBe(Code.NotFound);
    expect(
      await codeOf(
        client(UserService, 'grpc', server.baseUrl, plainA.pat).createUser({
          organizationId: orgA,
          username: `y${n++}`,
          userType: { case: 'machine', value: { name: 'y' } },
        }),
      ),
    ).toBe(Code.PermissionDenied);
    const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
    const orgC = (await orgs.createOrganization({ name: 'Users Org C' })).id;
    await orgs.deactivateOrganization({ id: orgC });
    expect(
      await codeOf(
        client(UserService, 'grpc', server.baseUrl, server.adminPat).createUser({
          organizationId: orgC,
          username: `z${n++}`,
          userType: { case: 'machine', value: { name: 'z' } },
        }),
      ),
    ).toBe(Code.FailedPrecondition);
  });

  it('shows an org owner only the users of its org in lists', async () => {
    const id = await humanInA();
    const asOwnerB = client(UserService, 'grpc', server.baseUrl, ownerB);
    const listed = await asOwnerB.listUsers({
      queries: [{ query: { case: 'inUserIdsQuery', value: { userIds: [id] } } }],
    });
    expect(listed.result).toHaveLength(0);
    const asOwnerA = client(UserService, 'grpc', server.baseUrl, ownerA);
    expect(
      (await asOwnerA.listUsers({ queries: [{ query: { case: 'inUserIdsQuery', value: { userIds: [id] } } }] })).result,
    ).toHaveLength(1);
  });
});
