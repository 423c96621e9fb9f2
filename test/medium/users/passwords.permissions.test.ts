import { Code, ConnectError, type Client } from '@connectrpc/connect';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { codeOf } from '../../support/clients.js';
import { DENIED, NOT_FOUND, OK, permissionMatrix, type OrgActor } from '../../support/permission-matrix.js';
import { CREDENTIAL_ERRORS } from '../../../src/users/credentials/credentials.errors.js';
import { mediumPermissionFile } from '../support/medium-app.js';

const PASSWORD = 'Password1!';
const NEW_PASSWORD = 'N3w-Passw0rd!';

const { medium, make, actors } = mediumPermissionFile();
const users = (token: string): Client<typeof UserService> => medium().client(UserService, token);

/** An active human of org A with a password, and its stored hash (which a refused command must leave alone). */
interface Human {
  readonly userId: string;
  readonly hash: string;
}

async function humanInA(): Promise<Human> {
  const userId = await make().human(actors().orgA, { password: { value: PASSWORD, changeRequired: false } });
  return { userId, hash: await passwordHashOf(userId) };
}

async function passwordHashOf(userId: string): Promise<string> {
  const [row] = await medium().database.dataSource.query('SELECT password_hash FROM users WHERE id = $1', [userId]);
  return row.password_hash;
}

/** Every password command, as a call on an active human of org A. */
const COMMANDS: [method: string, call: (u: Client<typeof UserService>, userId: string) => Promise<unknown>][] = [
  [
    'SetPassword with the current password',
    (u, userId) =>
      u.setPassword({
        userId,
        newPassword: { password: NEW_PASSWORD },
        verification: { case: 'currentPassword', value: PASSWORD },
      }),
  ],
  ['SetPassword without proof', (u, userId) => u.setPassword({ userId, newPassword: { password: NEW_PASSWORD } })],
  ['PasswordReset', (u, userId) => u.passwordReset({ userId, medium: { case: 'returnCode', value: {} } })],
];

describe("password permissions: the user's org owner may, another org's owner finds no user, a viewer only reads", () => {
  type Actor = Extract<OrgActor, 'ownerA' | 'ownerB' | 'plainA' | 'viewerA'>;
  permissionMatrix<Actor, Human>({
    rows: COMMANDS.map(([method, call]) => ({
      method,
      call: (token, h) => call(users(token), h.userId),
      expect: { ownerA: OK, ownerB: NOT_FOUND, plainA: [NOT_FOUND, DENIED], viewerA: DENIED },
    })),
    fixture: () => humanInA(),
    token: (actor) => actors().tokens[actor],
    unchanged: async (h) => expect(await passwordHashOf(h.userId)).toBe(h.hash),
  });

  it('a user may not have its own reset code returned (that would change the password without proof); sent, it may', async () => {
    const { userId } = await humanInA();
    const self = users(await make().pat({ userId, orgId: actors().orgA }));
    const err = ConnectError.from(
      await self.passwordReset({ userId, medium: { case: 'returnCode', value: {} } }).then(
        () => new Error('the call succeeded'),
        (e: unknown) => e,
      ),
    );
    expect(err.code).toBe(Code.PermissionDenied);
    expect(err.rawMessage).toContain(CREDENTIAL_ERRORS.resetCodeReturnDenied);
    // Sending goes to the user's own mailbox; without a mail channel that is FAILED_PRECONDITION, never a refusal of the user.
    expect(await codeOf(self.passwordReset({ userId, medium: { case: 'sendLink', value: {} } }))).not.toBe(
      Code.PermissionDenied,
    );
  });

  it('answers a reset code for a user in another org as if the user did not exist', async () => {
    const { userId } = await humanInA();
    const { verificationCode } = await users(actors().tokens.ownerA).passwordReset({
      userId,
      medium: { case: 'returnCode', value: {} },
    });
    expect(
      await codeOf(
        users(actors().tokens.ownerB).setPassword({
          userId,
          newPassword: { password: NEW_PASSWORD },
          verification: { case: 'verificationCode', value: verificationCode! },
        }),
      ),
    ).toBe(Code.NotFound);
  });
});
