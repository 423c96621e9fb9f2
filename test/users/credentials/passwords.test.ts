import { Code, ConnectError } from '@connectrpc/connect';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { NotificationType } from '@zitadel/proto/zitadel/user/v2/password_pb.js';
import { UserState } from '@zitadel/proto/zitadel/user/v2/user_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import bcrypt from 'bcryptjs';
import { BadRequestSchema } from '../../../src/gen/google/rpc/error_details_pb.js';
import { client, rest, type TransportName, codeOf } from '../../support/clients.js';
import { machineWithRoles } from '../../support/principals.js';
import { bootTestServer, type TestServer } from '../../support/test-server.js';

const PASSWORD = 'Password1!';
const NEW_PASSWORD = 'N3w-Passw0rd!';

let server: TestServer;
let orgA: string;
let ownerA: string;

beforeAll(async () => {
  server = await bootTestServer();
  const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
  orgA = (await orgs.createOrganization({ name: 'Passwords Org A' })).id;
  ownerA = (await machineWithRoles(server, orgA, { level: 'org', resourceId: orgA, roles: ['ORG_OWNER'] })).pat;
});
afterAll(() => server?.close());

let n = 0;
/** A human in org A: active with a password, or (no password, unverified email) initial as v1's initial-code flow leaves one. */
async function humanInA(
  options: { password?: string; hashedPassword?: string; initial?: boolean } = { password: PASSWORD },
): Promise<string> {
  const admin = client(UserService, 'grpc', server.baseUrl, server.adminPat);
  const { userId } = await admin.addHumanUser({
    username: `pw-${Date.now()}-${n++}`,
    organization: { org: { case: 'orgId', value: orgA } },
    profile: { givenName: 'Pass', familyName: 'Word' },
    email: {
      email: 'pw@example.com',
      verification: options.initial ? { case: 'returnCode', value: {} } : { case: 'isVerified', value: true },
    },
    passwordType: options.password
      ? { case: 'password', value: { password: options.password, changeRequired: false } }
      : options.hashedPassword
        ? { case: 'hashedPassword', value: { hash: options.hashedPassword, changeRequired: false } }
        : { case: undefined },
  });
  if (options.initial)
    await server.database.dataSource.query(`UPDATE users SET state = 'initial' WHERE id = $1`, [userId]);
  return userId;
}

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error('expected the call to fail');
}

const fieldsOf = (err: ConnectError) =>
  err.findDetails(BadRequestSchema).flatMap((b) => b.fieldViolations.map((v) => v.field));

async function human(userId: string) {
  const { user } = await client(UserService, 'grpc', server.baseUrl, server.adminPat).getUserByID({ userId });
  if (user?.type.case !== 'human') throw new Error('not a human');
  return { ...user.type.value, state: user.state };
}

describe.each<TransportName>(['grpc', 'connect-h1'])('SetPassword over %s', (transportName) => {
  it('changes the password with the current one, and records it', async () => {
    const userId = await humanInA();
    const owner = client(UserService, transportName, server.baseUrl, ownerA);
    const { details } = await owner.setPassword({
      userId,
      newPassword: { password: NEW_PASSWORD, changeRequired: false },
      verification: { case: 'currentPassword', value: PASSWORD },
    });
    expect(details?.resourceOwner).toBe(orgA);
    expect(details?.sequence).toBeGreaterThan(0n);
    // The new password is now the current one; the old one is not.
    await owner.setPassword({
      userId,
      newPassword: { password: PASSWORD },
      verification: { case: 'currentPassword', value: NEW_PASSWORD },
    });
    const stale = await failure(
      owner.setPassword({
        userId,
        newPassword: { password: 'Other-Passw0rd!' },
        verification: { case: 'currentPassword', value: NEW_PASSWORD },
      }),
    );
    expect(stale.code).toBe(Code.InvalidArgument);

    const after = await human(userId);
    expect(after.passwordChanged).toBeDefined();
    expect(after.passwordChangeRequired).toBe(false);
    const events: { event_type: string; payload: unknown }[] = await server.database.dataSource.query(
      `SELECT event_type, payload FROM events WHERE aggregate_id = $1 AND event_type = 'user.human.password.changed' ORDER BY sequence`,
      [userId],
    );
    expect(events.length).toBe(3); // creation + two changes
    expect(JSON.stringify(events)).not.toContain(NEW_PASSWORD);
    expect(JSON.stringify(events)).not.toContain('$argon2');
  });

  it('refuses a wrong current password with INVALID_ARGUMENT on current_password', async () => {
    const owner = client(UserService, transportName, server.baseUrl, ownerA);
    const err = await failure(
      owner.setPassword({
        userId: await humanInA(),
        newPassword: { password: NEW_PASSWORD },
        verification: { case: 'currentPassword', value: 'Wrong-Passw0rd!' },
      }),
    );
    expect(err.code).toBe(Code.InvalidArgument);
    expect(fieldsOf(err)).toEqual(['current_password']);
  });

  it('names every broken complexity rule as a field violation of new_password.password', async () => {
    const owner = client(UserService, transportName, server.baseUrl, ownerA);
    const err = await failure(
      owner.setPassword({
        userId: await humanInA(),
        newPassword: { password: 'short' },
        verification: { case: 'currentPassword', value: PASSWORD },
      }),
    );
    expect(err.code).toBe(Code.InvalidArgument);
    const violations = err.findDetails(BadRequestSchema)[0].fieldViolations;
    expect(new Set(violations.map((v) => v.field))).toEqual(new Set(['new_password.password']));
    expect(violations.map((v) => v.description)).toEqual(
      expect.arrayContaining([
        'must be at least 8 characters long',
        'must contain an uppercase letter',
        'must contain a number',
        'must contain a symbol',
      ]),
    );
  });

  it('lets an admin set it without proof, honouring change_required', async () => {
    const userId = await humanInA();
    const owner = client(UserService, transportName, server.baseUrl, ownerA);
    await owner.setPassword({ userId, newPassword: { password: NEW_PASSWORD, changeRequired: true } });
    expect((await human(userId)).passwordChangeRequired).toBe(true);
    await owner.setPassword({
      userId,
      newPassword: { password: PASSWORD, changeRequired: false },
      verification: { case: 'currentPassword', value: NEW_PASSWORD },
    });
    expect((await human(userId)).passwordChangeRequired).toBe(false);
  });
});

describe('SetPassword', () => {
  it('activates a user that was waiting for initialisation', async () => {
    const userId = await humanInA({ initial: true });
    expect((await human(userId)).state).toBe(UserState.INITIAL);
    await client(UserService, 'grpc', server.baseUrl, ownerA).setPassword({
      userId,
      newPassword: { password: NEW_PASSWORD },
    });
    expect((await human(userId)).state).toBe(UserState.ACTIVE);
  });

  it('checks an imported bcrypt hash as the current password and replaces it with argon2id', async () => {
    const userId = await humanInA({ hashedPassword: await bcrypt.hash(PASSWORD, 4) });
    await client(UserService, 'grpc', server.baseUrl, ownerA).setPassword({
      userId,
      newPassword: { password: NEW_PASSWORD },
      verification: { case: 'currentPassword', value: PASSWORD },
    });
    const [row] = await server.database.dataSource.query('SELECT password_hash FROM users WHERE id = $1', [userId]);
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('refuses the same password again and machine users with FAILED_PRECONDITION', async () => {
    const owner = client(UserService, 'grpc', server.baseUrl, ownerA);
    const same = await failure(
      owner.setPassword({
        userId: await humanInA(),
        newPassword: { password: PASSWORD },
        verification: { case: 'currentPassword', value: PASSWORD },
      }),
    );
    expect(same.code).toBe(Code.FailedPrecondition);
    const machine = await machineWithRoles(server, orgA, {
      level: 'org',
      resourceId: orgA,
      roles: ['ORG_USER_SELF_MANAGER'],
    });
    expect(await codeOf(owner.setPassword({ userId: machine.userId, newPassword: { password: NEW_PASSWORD } }))).toBe(
      Code.FailedPrecondition,
    );
  });

  it('works over REST (POST /v2/users/{user_id}/password)', async () => {
    const userId = await humanInA();
    const ok = await rest(server.baseUrl, 'POST', `/v2/users/${userId}/password`, {
      token: ownerA,
      body: { newPassword: { password: NEW_PASSWORD, changeRequired: false }, currentPassword: PASSWORD },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.details.resourceOwner).toBe(orgA);
    const wrong = await rest(server.baseUrl, 'POST', `/v2/users/${userId}/password`, {
      token: ownerA,
      body: { newPassword: { password: 'An0ther-Passw0rd' }, currentPassword: PASSWORD },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe(Code.InvalidArgument);
  });
});

describe('PasswordReset', () => {
  it.each<TransportName>(['grpc', 'connect-binary-h1'])(
    'returns a code over %s that sets the password once',
    async (transportName) => {
      const userId = await humanInA();
      const owner = client(UserService, transportName, server.baseUrl, ownerA);
      const { verificationCode, details } = await owner.passwordReset({
        userId,
        medium: { case: 'returnCode', value: {} },
      });
      expect(verificationCode).toMatch(/^[A-Z0-9]{6}$/);
      expect(details?.resourceOwner).toBe(orgA);

      const wrong = await failure(
        owner.setPassword({
          userId,
          newPassword: { password: NEW_PASSWORD },
          verification: { case: 'verificationCode', value: 'WRONG1' },
        }),
      );
      expect(wrong.code).toBe(Code.InvalidArgument);
      expect(fieldsOf(wrong)).toEqual(['verification_code']);

      await owner.setPassword({
        userId,
        newPassword: { password: NEW_PASSWORD },
        verification: { case: 'verificationCode', value: verificationCode! },
      });
      const reused = await failure(
        owner.setPassword({
          userId,
          newPassword: { password: 'Th1rd-Passw0rd' },
          verification: { case: 'verificationCode', value: verificationCode! },
        }),
      );
      expect(reused.code).toBe(Code.InvalidArgument);
      // The code really set the password.
      await owner.setPassword({
        userId,
        newPassword: { password: PASSWORD },
        verification: { case: 'currentPassword', value: NEW_PASSWORD },
      });
    },
  );

  it('replaces an earlier code with a newer one, and a password change spends it', async () => {
    const userId = await humanInA();
    const owner = client(UserService, 'grpc', server.baseUrl, ownerA);
    const first = (await owner.passwordReset({ userId, medium: { case: 'returnCode', value: {} } })).verificationCode!;
    const second = (await owner.passwordReset({ userId, medium: { case: 'returnCode', value: {} } })).verificationCode!;
    if (first !== second) {
      expect(
        await codeOf(
          owner.setPassword({
            userId,
            newPassword: { password: NEW_PASSWORD },
            verification: { case: 'verificationCode', value: first },
          }),
        ),
      ).toBe(Code.InvalidArgument);
    }
    await owner.setPassword({
      userId,
      newPassword: { password: NEW_PASSWORD },
      verification: { case: 'currentPassword', value: PASSWORD },
    });
    expect(
      await codeOf(
        owner.setPassword({
          userId,
          newPassword: { password: 'Th1rd-Passw0rd' },
          verification: { case: 'verificationCode', value: second },
        }),
      ),
    ).toBe(Code.InvalidArgument);
  });

  it('records the code request without the code', async () => {
    const userId = await humanInA();
    const { verificationCode } = await client(UserService, 'grpc', server.baseUrl, ownerA).passwordReset({
      userId,
      medium: { case: 'returnCode', value: {} },
    });
    const events: { payload: Record<string, unknown> }[] = await server.database.dataSource.query(
      `SELECT payload FROM events WHERE aggregate_id = $1 AND event_type = 'user.human.password.code.added'`,
      [userId],
    );
    expect(events).toHaveLength(1);
    expect(events[0].payload).toMatchObject({ codeReturned: true });
    expect(JSON.stringify(events)).not.toContain(verificationCode);
  });

  it('sends by email (default, or a link) through the notifier, queued even with no email channel (ZITADEL queues and picks the provider when sending); SMS needs a phone number', async () => {
    const owner = client(UserService, 'grpc', server.baseUrl, ownerA);
    const userId = await humanInA();
    for (const medium of [
      { case: undefined },
      {
        case: 'sendLink' as const,
        value: {
          notificationType: NotificationType.Email,
          urlTemplate: 'https://example.com/reset?user={{.UserID}}&code={{.Code}}',
        },
      },
    ]) {
      const sent = await owner.passwordReset({ userId, medium });
      expect(sent.verificationCode).toBeUndefined();
    }
    const queued = await server.database.dataSource.query(
      `SELECT channel, template, state FROM notification_outbox WHERE user_id = $1 ORDER BY id`,
      [userId],
    );
    expect(queued).toEqual([
      { channel: 'email', template: 'passwordReset', state: 'pending' },
      { channel: 'email', template: 'passwordReset', state: 'pending' },
    ]);
    // SMS needs a phone number first: refused, and nothing more is queued.
    const sms = await failure(
      owner.passwordReset({ userId, medium: { case: 'sendLink', value: { notificationType: NotificationType.SMS } } }),
    );
    expect(sms.code).toBe(Code.FailedPrecondition);
    const [{ count }] = await server.database.dataSource.query(
      `SELECT count(*)::int AS count FROM notification_outbox WHERE user_id = $1`,
      [userId],
    );
    expect(count).toBe(2);
  });

  it('refuses users that are still initial (they get an invite code) and machine users', async () => {
    const owner = client(UserService, 'grpc', server.baseUrl, ownerA);
    expect(
      await codeOf(
        owner.passwordReset({ userId: await humanInA({ initial: true }), medium: { case: 'returnCode', value: {} } }),
      ),
    ).toBe(Code.FailedPrecondition);
    const machine = await machineWithRoles(server, orgA, {
      level: 'org',
      resourceId: orgA,
      roles: ['ORG_USER_SELF_MANAGER'],
    });
    expect(
      await codeOf(owner.passwordReset({ userId: machine.userId, medium: { case: 'returnCode', value: {} } })),
    ).toBe(Code.FailedPrecondition);
  });

  it('works over REST (POST /v2/users/{user_id}/password_reset)', async () => {
    const userId = await humanInA();
    const res = await rest(server.baseUrl, 'POST', `/v2/users/${userId}/password_reset`, {
      token: ownerA,
      body: { returnCode: {} },
    });
    expect(res.status).toBe(200);
    expect(res.body.verificationCode).toMatch(/^[A-Z0-9]{6}$/);
    const set = await rest(server.baseUrl, 'POST', `/v2/users/${userId}/password`, {
      token: ownerA,
      body: { newPassword: { password: NEW_PASSWORD }, verificationCode: res.body.verificationCode },
    });
    expect(set.status).toBe(200);
  });
});

// Who may run the password commands on whom is a medium test: test/medium/users/passwords.permissions.test.ts.
