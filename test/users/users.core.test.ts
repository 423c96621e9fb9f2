import { Code, ConnectError } from '@connectrpc/connect';
import { AuthenticationMethodType, UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { UserState } from '@zitadel/proto/zitadel/user/v2/user_pb.js';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { client, rest, codeOf } from '../support/clients.js';

let server: TestServer;
let defaultOrg: string;
beforeAll(async () => {
  server = await bootTestServer();
  [{ default_org_id: defaultOrg }] = await server.database.dataSource.query('SELECT default_org_id FROM instances');
});
afterAll(() => server?.close());

let n = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${n++}`;

describe.each(['grpc', 'connect-h1'] as const)('users over %s', (transport) => {
  const users = () => client(UserService, transport, server.baseUrl, server.adminPat);

  it('creates a human, verifies the email with the returned code, and reads it back', async () => {
    const username = unique('jane');
    const created = await users().addHumanUser({
      username,
      profile: { givenName: 'Jane', familyName: 'Doe', gender: 1 },
      email: { email: `${username}@example.com`, verification: { case: 'returnCode', value: {} } },
    });
    expect(created.userId).toMatch(/^\d{18}$/);
    expect(created.emailCode).toMatch(/^[A-Z0-9]{6}$/);
    let got = await users().getUserByID({ userId: created.userId });
    // ZITADEL's rule: v2 creates humans ACTIVE even with no password and an unverified email.
    expect(got.user).toMatchObject({
      username,
      state: UserState.ACTIVE,
      loginNames: [username],
      preferredLoginName: username,
    });
    expect(got.user?.type.case).toBe('human');

    expect(await codeOf(users().verifyEmail({ userId: created.userId, verificationCode: 'WRONG1' }))).toBe(
      Code.InvalidArgument,
    );
    await users().verifyEmail({ userId: created.userId, verificationCode: created.emailCode! });
    got = await users().getUserByID({ userId: created.userId });
    expect(got.user?.state).toBe(UserState.ACTIVE);
    expect(got.user?.type.case === 'human' && got.user.type.value.email?.isVerified).toBe(true);
    // Single use.
    expect(await codeOf(users().verifyEmail({ userId: created.userId, verificationCode: created.emailCode! }))).toBe(
      Code.FailedPrecondition,
    );
  });

  it('refuses a taken username and a weak password, writing nothing; with no email channel a human is still created and its code queued (ZITADEL queues the notification and picks the provider when sending)', async () => {
    const username = unique('taken');
    await users().addHumanUser({
      username,
      profile: { givenName: 'A', familyName: 'B' },
      email: { email: 'a@example.com', verification: { case: 'isVerified', value: true } },
    });
    expect(
      await codeOf(
        users().addHumanUser({
          username: username.toUpperCase(),
          profile: { givenName: 'A', familyName: 'B' },
          email: { email: 'a@example.com', verification: { case: 'isVerified', value: true } },
        }),
      ),
    ).toBe(Code.AlreadyExists);
    // A taken user id: AlreadyExists, and the other username is not written either.
    const { userId: takenId } = await users().addHumanUser({
      username: unique('id'),
      profile: { givenName: 'A', familyName: 'B' },
      email: { email: 'i@example.com', verification: { case: 'isVerified', value: true } },
    });
    const second = unique('id-again');
    const idTaken = ConnectError.from(
      await users()
        .addHumanUser({
          userId: takenId,
          username: second,
          profile: { givenName: 'A', familyName: 'B' },
          email: { email: 'j@example.com', verification: { case: 'isVerified', value: true } },
        })
        .catch((e) => e),
    );
    expect(idTaken.code).toBe(Code.AlreadyExists);
    expect(idTaken.rawMessage).toContain('id exists already');
    expect(
      (
        await users().listUsers({
          queries: [{ query: { case: 'userNameQuery', value: { userName: second, method: 0 } } }],
        })
      ).result,
    ).toEqual([]);

    const weak = ConnectError.from(
      await users()
        .addHumanUser({
          username: unique('weak'),
          profile: { givenName: 'A', familyName: 'B' },
          email: { email: 'w@example.com', verification: { case: 'isVerified', value: true } },
          passwordType: { case: 'password', value: { password: 'short', changeRequired: false } },
        })
        .catch((e) => e),
    );
    expect(weak.code).toBe(Code.InvalidArgument);
    expect(weak.rawMessage).toMatch(/uppercase/);

    const queued = await users().addHumanUser({
      username: unique('mail'),
      profile: { givenName: 'A', familyName: 'B' },
      email: { email: 'm@example.com' },
    });
    expect(queued.emailCode).toBeUndefined();
    const rows = await server.database.dataSource.query(
      `SELECT channel, template, state FROM notification_outbox WHERE user_id = $1`,
      [queued.userId],
    );
    expect(rows).toEqual([{ channel: 'email', template: 'verifyEmail', state: 'pending' }]);
  });

  it("runs the state machine with ZITADEL's errors for illegal transitions", async () => {
    const initial = await users().addHumanUser({
      username: unique('st'),
      profile: { givenName: 'S', familyName: 'T' },
      email: { email: 's@example.com', verification: { case: 'returnCode', value: {} } },
    });
    // INITIAL comes from v1's initial-code flow only; set it as v1 would have left the user.
    await server.database.dataSource.query(`UPDATE users SET state = 'initial' WHERE id = $1`, [initial.userId]);
    expect(await codeOf(users().deactivateUser({ userId: initial.userId }))).toBe(Code.FailedPrecondition);
    const active = await users().addHumanUser({
      username: unique('st'),
      profile: { givenName: 'S', familyName: 'T' },
      email: { email: 's@example.com', verification: { case: 'isVerified', value: true } },
    });
    const id = active.userId;
    expect(await codeOf(users().reactivateUser({ userId: id }))).toBe(Code.FailedPrecondition);
    expect(await codeOf(users().unlockUser({ userId: id }))).toBe(Code.FailedPrecondition);
    await users().deactivateUser({ userId: id });
    expect(await codeOf(users().deactivateUser({ userId: id }))).toBe(Code.FailedPrecondition);
    expect(await codeOf(users().lockUser({ userId: id }))).toBe(Code.FailedPrecondition);
    await users().reactivateUser({ userId: id });
    await users().lockUser({ userId: id });
    expect((await users().getUserByID({ userId: id })).user?.state).toBe(UserState.LOCKED);
    expect(await codeOf(users().lockUser({ userId: id }))).toBe(Code.FailedPrecondition);
    await users().unlockUser({ userId: id });
    await users().deleteUser({ userId: id });
    expect(await codeOf(users().getUserByID({ userId: id }))).toBe(Code.NotFound);
    expect(await codeOf(users().deleteUser({ userId: id }))).toBe(Code.NotFound);
  });

  it('sets, verifies and removes a phone; resend needs a pending code', async () => {
    const { userId } = await users().addHumanUser({
      username: unique('ph'),
      profile: { givenName: 'P', familyName: 'H' },
      email: { email: 'p@example.com', verification: { case: 'isVerified', value: true } },
    });
    expect(await codeOf(users().removePhone({ userId }))).toBe(Code.FailedPrecondition);
    // ZITADEL queues the SMS even with no SMS channel: the call succeeds.
    expect(await codeOf(users().setPhone({ userId, phone: '+41791234560' }))).toBe('ok');
    const set = await users().setPhone({
      userId,
      phone: '+41791234567',
      verification: { case: 'returnCode', value: {} },
    });
    expect(set.verificationCode).toMatch(/^[A-Z0-9]{6}$/);
    const resent = await users().resendPhoneCode({ userId, verification: { case: 'returnCode', value: {} } });
    expect(await codeOf(users().verifyPhone({ userId, verificationCode: set.verificationCode! }))).toBe(
      Code.InvalidArgument,
    ); // replaced
    await users().verifyPhone({ userId, verificationCode: resent.verificationCode! });
    expect(await codeOf(users().resendPhoneCode({ userId, verification: { case: 'returnCode', value: {} } }))).toBe(
      Code.FailedPrecondition,
    );
    await users().removePhone({ userId });
    const got = await users().getUserByID({ userId });
    expect(got.user?.type.case === 'human' && got.user.type.value.phone?.phone).toBe('');
  });

  it('updates a human (UpdateHumanUser and UpdateUser) and refuses an update that changes nothing', async () => {
    const { userId } = await users().addHumanUser({
      username: unique('up'),
      profile: { givenName: 'U', familyName: 'P' },
      email: { email: 'u@example.com', verification: { case: 'isVerified', value: true } },
    });
    await users().updateHumanUser({
      userId,
      profile: { givenName: 'Ursula', familyName: 'P', displayName: 'Ursula P' },
    });
    const changed = await users().updateUser({
      userId,
      userType: {
        case: 'human',
        value: {
          profile: { nickName: 'Uschi' },
          email: { email: 'new@example.com', verification: { case: 'returnCode', value: {} } },
        },
      },
    });
    expect(changed.emailCode).toMatch(/^[A-Z0-9]{6}$/);
    const got = await users().getUserByID({ userId });
    expect(got.user?.type.case === 'human' && got.user.type.value.profile).toMatchObject({
      givenName: 'Ursula',
      nickName: 'Uschi',
      displayName: 'Ursula P',
    });
    expect(got.user?.type.case === 'human' && got.user.type.value.email).toMatchObject({
      email: 'new@example.com',
      isVerified: false,
    });
    expect(await codeOf(users().updateHumanUser({ userId, profile: { givenName: 'Ursula', familyName: 'P' } }))).toBe(
      Code.FailedPrecondition,
    );
  });

  it('changes profile and password together in UpdateUser, or neither when the password is weak', async () => {
    const { userId } = await users().addHumanUser({
      username: unique('pw'),
      profile: { givenName: 'P', familyName: 'W' },
      email: { email: 'pw@example.com', verification: { case: 'isVerified', value: true } },
    });
    const weak = await codeOf(
      users().updateUser({
        userId,
        userType: {
          case: 'human',
          value: {
            profile: { nickName: 'weak' },
            password: { passwordType: { case: 'password', value: { password: 'weak', changeRequired: false } } },
          },
        },
      }),
    );
    expect(weak).toBe(Code.InvalidArgument);
    let got = await users().getUserByID({ userId });
    expect(got.user?.type.case === 'human' && got.user.type.value.profile?.nickName).toBeUndefined();
    await users().updateUser({
      userId,
      userType: {
        case: 'human',
        value: {
          profile: { nickName: 'strong' },
          password: {
            passwordType: { case: 'password', value: { password: 'Str0ng!Passw0rd', changeRequired: true } },
          },
        },
      },
    });
    got = await users().getUserByID({ userId });
    expect(got.user?.type.case === 'human' && got.user.type.value).toMatchObject({
      profile: { nickName: 'strong' },
      passwordChangeRequired: true,
    });
  });

  it('imports a TOTP secret on creation; removing the phone removes OTP by SMS', async () => {
    const { userId } = await users().addHumanUser({
      username: unique('totp'),
      profile: { givenName: 'T', familyName: 'O' },
      email: { email: 'totp@example.com', verification: { case: 'isVerified', value: true } },
      phone: { phone: '+41790000001', verification: { case: 'isVerified', value: true } },
      totpSecret: 'JBSWY3DPEHPK3PXP',
    });
    await users().addOTPSMS({ userId });
    let types = (await users().listAuthenticationMethodTypes({ userId })).authMethodTypes;
    expect(types).toEqual(expect.arrayContaining([AuthenticationMethodType.TOTP, AuthenticationMethodType.OTP_SMS]));
    await users().removePhone({ userId });
    types = (await users().listAuthenticationMethodTypes({ userId })).authMethodTypes;
    expect(types).toContain(AuthenticationMethodType.TOTP);
    expect(types).not.toContain(AuthenticationMethodType.OTP_SMS);
    expect(
      await codeOf(
        users().addHumanUser({
          username: unique('totp'),
          profile: { givenName: 'T', familyName: 'O' },
          email: { email: 't@example.com', verification: { case: 'isVerified', value: true } },
          totpSecret: 'not base32!',
        }),
      ),
    ).toBe(Code.InvalidArgument);
  });

  it('creates and updates a machine user with CreateUser/UpdateUser', async () => {
    const username = unique('svc');
    const created = await users().createUser({
      organizationId: defaultOrg,
      username,
      userType: { case: 'machine', value: { name: 'Service', description: 'does things' } },
    });
    await users().updateUser({
      userId: created.id,
      userType: { case: 'machine', value: { description: 'does more' } },
    });
    const got = await users().getUserByID({ userId: created.id });
    expect(got.user?.type).toMatchObject({
      case: 'machine',
      value: { name: 'Service', description: 'does more', hasSecret: false },
    });
    await users().addSecret({ userId: created.id });
    expect((await users().getUserByID({ userId: created.id })).user?.type).toMatchObject({
      case: 'machine',
      value: { hasSecret: true },
    });
    expect(await codeOf(users().setEmail({ userId: created.id, email: 'x@example.com' }))).toBe(
      Code.FailedPrecondition,
    );
  });

  it('sets, lists and deletes metadata', async () => {
    const { userId } = await users().addHumanUser({
      username: unique('md'),
      profile: { givenName: 'M', familyName: 'D' },
      email: { email: 'md@example.com', verification: { case: 'isVerified', value: true } },
    });
    await users().setUserMetadata({
      userId,
      metadata: [
        { key: 'team', value: new TextEncoder().encode('blue') },
        { key: 'tier', value: new Uint8Array([1]) },
      ],
    });
    const listed = await users().listUserMetadata({
      userId,
      filters: [{ filter: { case: 'keyFilter', value: { key: 'te', method: 2 } } }],
    });
    expect(listed.metadata.map((m) => m.key)).toEqual(['team']);
    expect(listed.pagination?.totalResult).toBe(1n);
    await users().deleteUserMetadata({ userId, keys: ['team'] });
    expect(await codeOf(users().deleteUserMetadata({ userId, keys: ['team'] }))).toBe(Code.NotFound);
  });

  it('runs the invite code flow for a user without password or verified email', async () => {
    const { userId } = await users().addHumanUser({
      username: unique('inv'),
      profile: { givenName: 'I', familyName: 'N' },
      email: { email: 'inv@example.com', verification: { case: 'returnCode', value: {} } },
    });
    // ZITADEL queues a sent invite code (and its resend) even with no email channel.
    expect(await codeOf(users().createInviteCode({ userId, verification: { case: 'sendCode', value: {} } }))).toBe(
      'ok',
    );
    expect(await codeOf(users().resendInviteCode({ userId }))).toBe('ok');
    const invite = await users().createInviteCode({ userId, verification: { case: 'returnCode', value: {} } });
    expect(invite.inviteCode).toMatch(/^[A-Z0-9]{6}$/);
    await users().verifyInviteCode({ userId, verificationCode: invite.inviteCode! });
    expect((await users().getUserByID({ userId })).user?.state).toBe(UserState.ACTIVE);
    // ZITADEL's rule: only a password, a passkey or an IdP link ends invitations; a verified email does not.
    expect(await codeOf(users().createInviteCode({ userId, verification: { case: 'returnCode', value: {} } }))).toBe(
      'ok',
    );
    await users().setPassword({ userId, newPassword: { password: 'Secr3t!pass', changeRequired: false } });
    expect(await codeOf(users().createInviteCode({ userId, verification: { case: 'returnCode', value: {} } }))).toBe(
      Code.FailedPrecondition,
    );
  });

  it('ResendInviteCode resends only an invite code that was sent: none, or one returned to the caller, is FAILED_PRECONDITION (ZITADEL COMMAND-Wr3gq)', async () => {
    const { userId } = await users().addHumanUser({
      username: unique('resend'),
      profile: { givenName: 'R', familyName: 'S' },
      email: { email: 'resend@example.com', verification: { case: 'returnCode', value: {} } },
    });
    expect(await codeOf(users().resendInviteCode({ userId }))).toBe(Code.FailedPrecondition);
    await users().createInviteCode({ userId, verification: { case: 'returnCode', value: {} } });
    expect(await codeOf(users().resendInviteCode({ userId }))).toBe(Code.FailedPrecondition);
    await users().createInviteCode({ userId, verification: { case: 'sendCode', value: {} } });
    expect(await codeOf(users().resendInviteCode({ userId }))).toBe('ok');
    // A returned code replaces the sent one, and with it what can be resent.
    await users().createInviteCode({ userId, verification: { case: 'returnCode', value: {} } });
    expect(await codeOf(users().resendInviteCode({ userId }))).toBe(Code.FailedPrecondition);
  });

  it("refuses an invite once the user has a passkey, but not for a verified email alone (ZITADEL's rule)", async () => {
    const { userId } = await users().addHumanUser({
      username: unique('inv'),
      profile: { givenName: 'I', familyName: 'N' },
      email: { email: 'inv@example.com', verification: { case: 'isVerified', value: true } },
    });
    expect(await codeOf(users().createInviteCode({ userId, verification: { case: 'returnCode', value: {} } }))).toBe(
      'ok',
    );
    await server.database.dataSource.query(
      `INSERT INTO user_webauthn_credentials (instance_id, user_id, id, kind, state, rp_id, user_verification, credential_id, public_key, created_at)
       SELECT instance_id, id, '1', 'passkey', 'ready', 'localhost', 'required', 'cred-' || id, '\\x00', now() FROM users WHERE id = $1`,
      [userId],
    );
    expect(await codeOf(users().createInviteCode({ userId, verification: { case: 'returnCode', value: {} } }))).toBe(
      Code.FailedPrecondition,
    );
  });
});

describe('users over REST, including the newer bindings', () => {
  it('creates with POST /v2/users/new, patches with PATCH /v2/users/{id}, reads and deletes', async () => {
    const username = unique('rest');
    const created = await rest(server.baseUrl, 'POST', '/v2/users/new', {
      token: server.adminPat,
      body: {
        organizationId: defaultOrg,
        username,
        human: {
          profile: { givenName: 'Re', familyName: 'St' },
          email: { email: `${username}@example.com`, isVerified: true },
          password: { password: 'Sup3r!secret', changeRequired: true },
        },
      },
    });
    expect(created.status).toBe(200);
    const id = created.body.id;
    const patched = await rest(server.baseUrl, 'PATCH', `/v2/users/${id}`, {
      token: server.adminPat,
      body: { human: { profile: { nickName: 'Resty' } } },
    });
    expect(patched.status).toBe(200);
    const got = await rest(server.baseUrl, 'GET', `/v2/users/${id}`, { token: server.adminPat });
    expect(got.status).toBe(200);
    expect(got.body.user).toMatchObject({
      userId: id,
      state: 'USER_STATE_ACTIVE',
      username,
      human: { profile: { nickName: 'Resty' }, passwordChangeRequired: true },
    });
    expect(got.body.user.details.sequence).toMatch(/^\d+$/);
    const missingName = await rest(server.baseUrl, 'POST', '/v2/users/human', {
      token: server.adminPat,
      body: { profile: { givenName: '', familyName: 'X' }, email: { email: 'x@example.com' } },
    });
    expect(missingName.status).toBe(400);
    expect(JSON.stringify(missingName.body)).toMatch(/given_name/);
    expect((await rest(server.baseUrl, 'DELETE', `/v2/users/${id}`, { token: server.adminPat })).status).toBe(200);
    expect((await rest(server.baseUrl, 'GET', `/v2/users/${id}`, { token: server.adminPat })).status).toBe(404);
  });

  it('shows login names with the org domain when the org is in another organization', async () => {
    const org = await client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat).createOrganization({
      name: unique('LoginOrg'),
    });
    const res = await rest(server.baseUrl, 'POST', '/v2/users/human', {
      token: server.adminPat,
      body: {
        username: unique('ln'),
        organization: { orgId: org.id },
        profile: { givenName: 'L', familyName: 'N' },
        email: { email: 'ln@example.com', isVerified: true },
      },
    });
    expect(res.status).toBe(200);
    const got = await rest(server.baseUrl, 'GET', `/v2/users/${res.body.userId}`, { token: server.adminPat });
    expect(got.body.user.details.resourceOwner).toBe(org.id);
  });
});
