import { Code } from '@connectrpc/connect';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { UserState } from '@zitadel/proto/zitadel/user/v2/user_pb.js';
import { codeOf } from '../../support/clients.js';
import {
  DENIED,
  NOT_FOUND,
  OK,
  permissionMatrix,
  type MatrixRow,
  type OrgActor,
} from '../../support/permission-matrix.js';
import { mediumPermissionFile } from '../support/medium-app.js';

const { medium, make, actors } = mediumPermissionFile();
const users = (token: string) => medium().client(UserService, token);
let n = 0;

/** Every core RPC that acts on one existing user: what each actor gets on a fresh human of org A. */
const SINGLE_USER: [method: string, call: (token: string, userId: string) => Promise<unknown>][] = [
  ['GetUserByID', (t, id) => users(t).getUserByID({ userId: id })],
  [
    'UpdateHumanUser',
    (t, id) => users(t).updateHumanUser({ userId: id, profile: { givenName: 'New', familyName: 'Name' } }),
  ],
  [
    'UpdateUser',
    (t, id) =>
      users(t).updateUser({ userId: id, userType: { case: 'human', value: { profile: { nickName: 'nick' } } } }),
  ],
  ['DeactivateUser', (t, id) => users(t).deactivateUser({ userId: id })],
  ['LockUser', (t, id) => users(t).lockUser({ userId: id })],
  ['DeleteUser', (t, id) => users(t).deleteUser({ userId: id })],
  [
    'SetEmail',
    (t, id) =>
      users(t).setEmail({ userId: id, email: 'n@example.com', verification: { case: 'returnCode', value: {} } }),
  ],
  [
    'SendEmailCode',
    (t, id) =>
      users(t)
        .setEmail({ userId: id, email: 'n@example.com', verification: { case: 'returnCode', value: {} } })
        .then(() => users(t).sendEmailCode({ userId: id, verification: { case: 'returnCode', value: {} } })),
  ],
  [
    'SetPhone',
    (t, id) =>
      users(t).setPhone({ userId: id, phone: '+41790000000', verification: { case: 'returnCode', value: {} } }),
  ],
  [
    'SetUserMetadata',
    (t, id) => users(t).setUserMetadata({ userId: id, metadata: [{ key: 'k', value: new Uint8Array([1]) }] }),
  ],
  ['ListUserMetadata', (t, id) => users(t).listUserMetadata({ userId: id })],
];

describe("user permissions: the user's org owner and the instance admin may, another org's owner finds nothing", () => {
  const rows: MatrixRow<OrgActor, string>[] = SINGLE_USER.map(([method, call]) => ({
    method,
    call,
    expect: { instanceAdmin: OK, ownerA: OK, ownerB: NOT_FOUND, plainA: [NOT_FOUND, DENIED] },
  }));
  permissionMatrix<OrgActor, string>({
    rows,
    fixture: () => make().human(actors().orgA),
    token: (actor) => actors().tokens[actor],
    // Whoever was refused left the user as it was.
    unchanged: async (userId) => {
      const { user } = await users(medium().adminPat).getUserByID({ userId });
      expect(user?.state).toBe(UserState.ACTIVE);
      expect(user?.type.case === 'human' && user.type.value.profile?.givenName).toBe('Given');
    },
  });
});

describe('user permissions beyond one user', () => {
  it('lets a user read and delete itself', async () => {
    const self = await make().principal(actors().orgA, ['ORG_USER_SELF_MANAGER']);
    const asSelf = users(self.pat);
    expect((await asSelf.getUserByID({ userId: self.userId })).user?.userId).toBe(self.userId);
    const listed = await asSelf.listUsers({});
    expect(listed.result.map((u) => u.userId)).toEqual([self.userId]);
    await asSelf.deleteUser({ userId: self.userId });
  });

  it('refuses creating a user in an org the caller does not manage, and in a deactivated org', async () => {
    const machine = (organizationId: string) => ({
      organizationId,
      username: `x${n++}`,
      userType: { case: 'machine' as const, value: { name: 'x' } },
    });
    expect(await codeOf(users(actors().tokens.ownerB).createUser(machine(actors().orgA)))).toBe(Code.NotFound);
    expect(await codeOf(users(actors().tokens.plainA).createUser(machine(actors().orgA)))).toBe(Code.PermissionDenied);
    const orgC = await make().org();
    await medium().client(OrgV2beta, medium().adminPat).deactivateOrganization({ id: orgC });
    expect(await codeOf(users(medium().adminPat).createUser(machine(orgC)))).toBe(Code.FailedPrecondition);
  });

  it('shows an org owner only the users of its org in lists', async () => {
    const id = await make().human(actors().orgA);
    const byId = { queries: [{ query: { case: 'inUserIdsQuery' as const, value: { userIds: [id] } } }] };
    expect((await users(actors().tokens.ownerB).listUsers(byId)).result).toHaveLength(0);
    expect((await users(actors().tokens.ownerA).listUsers(byId)).result).toHaveLength(1);
  });
});
