import { Status } from 'nice-grpc';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { client, codeOf, rest } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { startWithReceivers, uniqueEmail, uniquePhone, type ReceivingServer } from '../support/receivers.js';
import type { TestServer } from '../support/test-server.js';
import { authV1, v1Code } from '../support/v1-clients.js';
import { patFor } from '../users/mfa/support/users.js';

let receiving: ReceivingServer;
let server: TestServer;
let orgA: string;
let orgB: string;
let n = 0;
const PASSWORD = 'Secr3t!pass';

beforeAll(async () => {
  receiving = await startWithReceivers();
  server = receiving.server;
  const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
  orgA = (await orgs.createOrganization({ name: `Self A ${Date.now()}` })).id;
  orgB = (await orgs.createOrganization({ name: `Self B ${Date.now()}` })).id;
}, 60_000);
afterAll(() => receiving?.stop());

const codeIn = (text: string | undefined) => /\b([A-Z0-9]{6})\b/.exec(text ?? '')?.[1];

async function sdkError(call: Promise<unknown>): Promise<{ code: Status; details: string }> {
  try {
    await call;
  } catch (err) {
    return err as { code: Status; details: string };
  }
  throw new Error('the call succeeded');
}

interface Human {
  userId: string;
  username: string;
  email: string;
  pat: string;
}

/** A human in `orgId` (verified email, a password) and a PAT to call as it. */
async function human(orgId: string, options: { changeRequired?: boolean } = {}): Promise<Human> {
  const username = `self${Date.now().toString(36)}${n++}`;
  const email = uniqueEmail(username);
  const { userId } = await client(UserService, 'grpc', server.baseUrl, server.adminPat).addHumanUser({
    username,
    organization: { org: { case: 'orgId', value: orgId } },
    profile: { givenName: 'Sam', familyName: 'Self', displayName: 'Sam Self' },
    email: { email, verification: { case: 'isVerified', value: true } },
    passwordType: { case: 'password', value: { password: PASSWORD, changeRequired: options.changeRequired ?? false } },
  });
  return { userId, username, email, pat: await patFor(server, { userId, orgId }) };
}

async function eventsOf(userId: string): Promise<{ event_type: string; creator: string }[]> {
  return server.database.dataSource.query(
    `SELECT event_type, creator FROM events WHERE aggregate_type = 'user' AND aggregate_id = $1 ORDER BY sequence`,
    [userId],
  );
}

describe('GetMyUser (ZITADEL auth GetMyUser: the caller itself)', () => {
  it('answers the human behind a PAT over the SDK, with v1 numbers and names', async () => {
    const me = await human(orgA);
    const { user } = await authV1(server.baseUrl, me.pat).getMyUser({});
    expect(user?.id).toBe(me.userId);
    expect(user?.userName).toBe(me.username);
    expect(user?.state).toBe(1); // USER_STATE_ACTIVE
    expect(user?.details?.resourceOwner).toBe(orgA);
    expect(user?.human?.profile).toMatchObject({ firstName: 'Sam', lastName: 'Self', displayName: 'Sam Self' });
    expect(user?.human?.email).toEqual({ email: me.email, isEmailVerified: true });
    expect(user?.machine).toBeUndefined();
  });

  it('GET /auth/v1/users/me is the readiness probe: 200 with a PAT, 401 without one', async () => {
    const { userId, pat } = await machineWithRoles(server, orgB, {
      level: 'org',
      resourceId: orgB,
      roles: ['ORG_PROJECT_CREATOR'],
    });
    const res = await rest(server.baseUrl, 'GET', '/auth/v1/users/me', { token: pat });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: userId, state: 'USER_STATE_ACTIVE', machine: { name: 'test machine' } });
    expect(res.body.user.details.resourceOwner).toBe(orgB);
    expect((await rest(server.baseUrl, 'GET', '/auth/v1/users/me')).status).toBe(401);
    expect((await rest(server.baseUrl, 'GET', '/auth/v1/users/me', { token: 'not-a-token' })).status).toBe(401);
  });

  it('Healthz answers without credentials; the rest of auth v1 needs them', async () => {
    expect((await rest(server.baseUrl, 'GET', '/auth/v1/healthz')).status).toBe(200);
    expect(await v1Code(authV1(server.baseUrl, '').getMyUser({}))).toBe(Status.UNAUTHENTICATED);
  });

  it('a machine has no profile, email or phone: FAILED_PRECONDITION, as for every human-only change', async () => {
    const { pat } = await machineWithRoles(server, orgA, {
      level: 'org',
      resourceId: orgA,
      roles: ['ORG_PROJECT_CREATOR'],
    });
    const auth = authV1(server.baseUrl, pat);
    expect(await v1Code(auth.getMyProfile({}))).toBe(Status.FAILED_PRECONDITION);
    expect(await v1Code(auth.getMyEmail({}))).toBe(Status.FAILED_PRECONDITION);
    expect(await v1Code(auth.updateMyProfile({ firstName: 'M', lastName: 'M', displayName: 'M' } as never))).toBe(
      Status.FAILED_PRECONDITION,
    );
  });
});

describe('profile and username (ZITADEL auth UpdateMyProfile, UpdateMyUserName)', () => {
  it('changes the own profile, reads it back over REST, and writes the event as the user', async () => {
    const me = await human(orgA);
    const auth = authV1(server.baseUrl, me.pat);
    const profile = {
      firstName: 'Samantha',
      lastName: 'Selfridge',
      nickName: 'sammy',
      displayName: 'Sammy S',
      preferredLanguage: 'de',
      gender: 1,
    };
    const changed = await auth.updateMyProfile(profile);
    expect(changed.details?.resourceOwner).toBe(orgA);
    const read = await auth.getMyProfile({});
    expect(read.profile).toMatchObject(profile);
    expect(read.details?.sequence.toString()).toBe(changed.details?.sequence.toString());
    const overRest = await rest(server.baseUrl, 'GET', '/auth/v1/users/me/profile', { token: me.pat });
    expect(overRest.body.profile).toMatchObject({ firstName: 'Samantha', gender: 'GENDER_FEMALE' });
    expect(await eventsOf(me.userId)).toContainEqual({
      event_type: 'user.human.profile.changed',
      creator: me.userId,
    });
    // The same profile again changes nothing (ZITADEL: profile not changed).
    expect(await v1Code(auth.updateMyProfile(profile))).toBe(Status.FAILED_PRECONDITION);
  });

  it('refuses a blank first name naming the field, over gRPC and REST (PUT), and changes nothing', async () => {
    const me = await human(orgA);
    const err = await sdkError(
      authV1(server.baseUrl, me.pat).updateMyProfile({ firstName: '', lastName: 'X', displayName: 'X' } as never),
    );
    expect(err.code).toBe(Status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/first_name/);
    const res = await rest(server.baseUrl, 'PUT', '/auth/v1/users/me/profile', {
      token: me.pat,
      body: { firstName: '', lastName: 'X', displayName: 'X' },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/first_name/);
    expect((await authV1(server.baseUrl, me.pat).getMyProfile({})).profile?.lastName).toBe('Self');
  });

  it('renames the own user (PUT /auth/v1/users/me/username); a taken name is ALREADY_EXISTS', async () => {
    const me = await human(orgA);
    const other = await human(orgA);
    const newName = `${me.username}-renamed`;
    const res = await rest(server.baseUrl, 'PUT', '/auth/v1/users/me/username', {
      token: me.pat,
      body: { userName: newName },
    });
    expect(res.status).toBe(200);
    expect((await authV1(server.baseUrl, me.pat).getMyUser({})).user?.userName).toBe(newName);
    expect(await v1Code(authV1(server.baseUrl, me.pat).updateMyUserName({ userName: other.username }))).toBe(
      Status.ALREADY_EXISTS,
    );
  });
});

describe('email and phone (ZITADEL auth SetMyEmail/SetMyPhone: the code is sent there, verified with it)', () => {
  it('changes the email unverified, mails a code, refuses a wrong one, verifies with the mailed one', async () => {
    const me = await human(orgA);
    const auth = authV1(server.baseUrl, me.pat);
    const newEmail = uniqueEmail('changed');
    await auth.setMyEmail({ email: newEmail });
    expect((await auth.getMyEmail({})).email).toEqual({ email: newEmail, isEmailVerified: false });
    const [mail] = await receiving.smtp.waitFor(newEmail);
    const code = codeIn(mail.text);
    expect(code).toBeDefined();

    const wrong = await sdkError(auth.verifyMyEmail({ code: code === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA' }));
    expect(wrong.code).toBe(Status.INVALID_ARGUMENT);
    await auth.resendMyEmailVerification({});
    const mails = await receiving.smtp.waitFor(newEmail, 2);
    const resent = codeIn(mails[1].text);
    // The resent code replaced the first one.
    expect(await v1Code(auth.verifyMyEmail({ code: code! }))).not.toBe('ok');
    const verified = await rest(server.baseUrl, 'POST', '/auth/v1/users/me/email/_verify', {
      token: me.pat,
      body: { code: resent },
    });
    expect(verified.status).toBe(200);
    expect((await auth.getMyEmail({})).email?.isEmailVerified).toBe(true);
    expect(await v1Code(auth.resendMyEmailVerification({}))).toBe(Status.FAILED_PRECONDITION);
    const types = (await eventsOf(me.userId)).map((e) => e.event_type);
    expect(types).toEqual(expect.arrayContaining(['user.human.email.changed', 'user.human.email.verified']));
  });

  it('sets a phone, texts a code, verifies it, and removes the phone (DELETE /auth/v1/users/me/phone)', async () => {
    const me = await human(orgA);
    const auth = authV1(server.baseUrl, me.pat);
    const phone = uniquePhone();
    await auth.setMyPhone({ phone });
    expect((await auth.getMyPhone({})).phone).toEqual({ phone, isPhoneVerified: false });
    await auth.resendMyPhoneVerification({});
    const texts = await receiving.sms.waitFor(phone, 2);
    await auth.verifyMyPhone({ code: codeIn(texts[1].body.text)! });
    expect((await auth.getMyPhone({})).phone?.isPhoneVerified).toBe(true);
    const removed = await rest(server.baseUrl, 'DELETE', '/auth/v1/users/me/phone', { token: me.pat });
    expect(removed.status).toBe(200);
    expect((await auth.getMyPhone({})).phone).toEqual({ phone: '', isPhoneVerified: false });
    expect(await v1Code(auth.removeMyPhone({}))).toBe(Status.FAILED_PRECONDITION);
  });
});

describe('UpdateMyPassword (ZITADEL ChangePassword: the current password is required)', () => {
  it('refuses a wrong current password, then changes it; the new one signs in, the old one no longer', async () => {
    const me = await human(orgA);
    const auth = authV1(server.baseUrl, me.pat);
    expect(await v1Code(auth.updateMyPassword({ oldPassword: 'Wr0ng!pass', newPassword: 'N3w!passw0rd' }))).toBe(
      Status.INVALID_ARGUMENT,
    );
    expect(await v1Code(auth.updateMyPassword({ oldPassword: '', newPassword: 'N3w!passw0rd' }))).toBe(
      Status.INVALID_ARGUMENT,
    );
    await auth.updateMyPassword({ oldPassword: PASSWORD, newPassword: 'N3w!passw0rd' });
    const sessions = client(SessionService, 'grpc', server.baseUrl, server.adminPat);
    const check = (password: string) =>
      sessions.createSession({
        checks: { user: { search: { case: 'userId', value: me.userId } }, password: { password } },
      });
    expect(await codeOf(check('N3w!passw0rd'))).toBe('ok');
    expect(await codeOf(check(PASSWORD))).not.toBe('ok');
    expect(await eventsOf(me.userId)).toContainEqual({
      event_type: 'user.human.password.changed',
      creator: me.userId,
    });
  });

  it("refuses a new password the org's complexity policy rejects, naming the rule", async () => {
    const me = await human(orgA);
    const err = await sdkError(
      authV1(server.baseUrl, me.pat).updateMyPassword({ oldPassword: PASSWORD, newPassword: 'short' }),
    );
    expect(err.code).toBe(Status.INVALID_ARGUMENT);
    const policy = await authV1(server.baseUrl, me.pat).getMyPasswordComplexityPolicy({});
    expect(Number(policy.policy?.minLength)).toBeGreaterThan(5);
  });
});

describe('metadata (ZITADEL auth ListMyMetadata, GetMyMetadata)', () => {
  it('lists and reads the own metadata; a missing key is NOT_FOUND', async () => {
    const me = await human(orgA);
    const admin = client(UserService, 'grpc', server.baseUrl, server.adminPat);
    await admin.setUserMetadata({
      userId: me.userId,
      metadata: [
        { key: 'team', value: new TextEncoder().encode('blue') },
        { key: 'tier', value: new TextEncoder().encode('gold') },
      ],
    });
    const auth = authV1(server.baseUrl, me.pat);
    const all = await auth.listMyMetadata({ query: { offset: 0 as never, limit: 10, asc: true }, queries: [] });
    expect(all.result.map((m) => [m.key, Buffer.from(m.value).toString()])).toEqual([
      ['team', 'blue'],
      ['tier', 'gold'],
    ]);
    expect(Number(all.details?.totalResult)).toBe(2);
    const starting = await rest(server.baseUrl, 'POST', '/auth/v1/users/me/metadata/_search', {
      token: me.pat,
      body: { queries: [{ keyQuery: { key: 'ti', method: 'TEXT_QUERY_METHOD_STARTS_WITH' } }] },
    });
    expect(starting.body.result.map((m: { key: string }) => m.key)).toEqual(['tier']);
    const one = await rest(server.baseUrl, 'GET', '/auth/v1/users/me/metadata/team', { token: me.pat });
    expect(one.status).toBe(200);
    expect(Buffer.from(one.body.metadata.value, 'base64').toString()).toBe('blue');
    expect(one.body.metadata.details.resourceOwner).toBe(orgA);
    expect(await v1Code(auth.getMyMetadata({ key: 'nope' }))).toBe(Status.NOT_FOUND);
    const tooMany = await sdkError(
      auth.listMyMetadata({ query: { offset: 0 as never, limit: 5000, asc: false }, queries: [] }),
    );
    expect(tooMany.code).toBe(Status.INVALID_ARGUMENT);
    expect(tooMany.details).toMatch(/query\.limit/);
  });
});

describe("the caller's own policies (ZITADEL auth GetMy*Policy: the org's, else the instance default)", () => {
  it("answers the caller's org policy where it has one and the default elsewhere", async () => {
    const a = await human(orgA);
    const b = await human(orgB);
    const { ManagementService } = await import('@zitadel/proto/zitadel/management_pb.js');
    const { pat: ownerA } = await machineWithRoles(server, orgA, {
      level: 'org',
      resourceId: orgA,
      roles: ['ORG_OWNER'],
    });
    await client(ManagementService, 'grpc', server.baseUrl, ownerA).addCustomPrivacyPolicy({
      tosLink: 'https://a.example.com/tos',
      privacyLink: 'https://a.example.com/privacy',
      helpLink: '',
      supportEmail: '',
      docsLink: '',
      customLink: '',
      customLinkText: '',
    });
    const mineA = await authV1(server.baseUrl, a.pat).getMyPrivacyPolicy({});
    expect(mineA.policy).toMatchObject({ tosLink: 'https://a.example.com/tos', isDefault: false });
    expect(mineA.policy?.details?.resourceOwner).toBe(orgA);
    const mineB = await rest(server.baseUrl, 'GET', '/auth/v1/policies/privacy', { token: b.pat });
    expect(mineB.body.policy.isDefault).toBe(true);
    expect(mineB.body.policy.tosLink).not.toBe('https://a.example.com/tos');
    // The org header does not make another org's policy "mine".
    const viaHeader = await fetch(`${server.baseUrl}/auth/v1/policies/privacy`, {
      headers: { authorization: `Bearer ${b.pat}`, 'x-zitadel-orgid': orgA },
    });
    expect((await viaHeader.json()).policy.isDefault).toBe(true);

    const login = await authV1(server.baseUrl, a.pat).getMyLoginPolicy({});
    expect(login.policy?.allowUsernamePassword).toBe(true);
    const label = await authV1(server.baseUrl, a.pat).getMyLabelPolicy({});
    expect(label.policy?.isDefault).toBe(true);
    const languages = await rest(server.baseUrl, 'GET', '/auth/v1/languages', { token: a.pat });
    expect(languages.body.languages).toEqual(expect.arrayContaining(['en', 'de']));
  });
});

describe('a PAT reaches only its own user (ZITADEL auth: ctxData.UserID, whatever the org header says)', () => {
  it("changes the caller's user only, also with another org's x-zitadel-orgid", async () => {
    const a = await human(orgA);
    const b = await human(orgB);
    const res = await fetch(`${server.baseUrl}/auth/v1/users/me/profile`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${b.pat}`, 'content-type': 'application/json', 'x-zitadel-orgid': orgA },
      body: JSON.stringify({ firstName: 'Bea', lastName: 'Other', displayName: 'Bea Other' }),
    });
    expect(res.status).toBe(200);
    expect((await authV1(server.baseUrl, b.pat).getMyProfile({})).profile?.firstName).toBe('Bea');
    expect((await authV1(server.baseUrl, a.pat).getMyProfile({})).profile?.firstName).toBe('Sam');
    const seen = await fetch(`${server.baseUrl}/auth/v1/users/me`, {
      headers: { authorization: `Bearer ${b.pat}`, 'x-zitadel-orgid': orgA },
    });
    expect((await seen.json()).user.id).toBe(b.userId);
  });
});

describe('RemoveMyUser (ZITADEL: user.self.delete on the own org)', () => {
  it('refuses a plain user, and one whose user.self.delete is on another org; removes with ORG_USER_SELF_MANAGER', async () => {
    const me = await human(orgA);
    const auth = authV1(server.baseUrl, me.pat);
    expect(await v1Code(auth.removeMyUser({}))).toBe(Status.PERMISSION_DENIED);

    const { InternalPermissionService } = await import(
      '@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js'
    );
    const admins = client(InternalPermissionService, 'grpc', server.baseUrl, server.adminPat);
    await admins.createAdministrator({
      userId: me.userId,
      resource: { resource: { case: 'organizationId', value: orgB } },
      roles: ['ORG_USER_SELF_MANAGER'],
    });
    const elsewhere = await sdkError(authV1(server.baseUrl, me.pat).removeMyUser({}));
    expect(elsewhere.code).toBe(Status.PERMISSION_DENIED);
    expect(elsewhere.details).toMatch(/USER-s3lfd/);

    await admins.createAdministrator({
      userId: me.userId,
      resource: { resource: { case: 'organizationId', value: orgA } },
      roles: ['ORG_USER_SELF_MANAGER'],
    });
    const removed = await rest(server.baseUrl, 'DELETE', '/auth/v1/users/me', { token: me.pat });
    expect(removed.status).toBe(200);
    expect(removed.body.details.resourceOwner).toBe(orgA);
    expect(
      await codeOf(client(UserService, 'grpc', server.baseUrl, server.adminPat).getUserByID({ userId: me.userId })),
    ).toBe(5);
  });
});

describe('a session that owes a password change (login rules) stays within its step on auth v1', () => {
  it('may read itself and change its password with the current one, nothing else', async () => {
    const me = await human(orgA, { changeRequired: true });
    const sessions = client(SessionService, 'grpc', server.baseUrl, server.adminPat);
    const { sessionToken } = await sessions.createSession({
      checks: { user: { search: { case: 'userId', value: me.userId } }, password: { password: PASSWORD } },
    });
    const auth = authV1(server.baseUrl, sessionToken);
    expect((await auth.getMyUser({})).user?.id).toBe(me.userId);
    const denied = await sdkError(auth.setMyEmail({ email: uniqueEmail('escape') }));
    expect(denied.code).toBe(Status.PERMISSION_DENIED);
    expect(denied.details).toMatch(/change the password/);
    for (const call of [
      auth.updateMyProfile({ firstName: 'Esc', lastName: 'Ape', displayName: 'Esc' } as never),
      auth.addMyAuthFactorOTP({}),
      auth.removeMyAuthFactorOTP({}),
      auth.getMyMetadata({ key: 'k' }),
    ])
      expect(await v1Code(call)).toBe(Status.PERMISSION_DENIED);
    const rested = await rest(server.baseUrl, 'GET', '/auth/v1/users/me/email', { token: sessionToken });
    expect(rested.status).toBe(403);

    await auth.updateMyPassword({ oldPassword: PASSWORD, newPassword: 'Fr3sh!passw0rd' });
    // The step is done: a new session of the user is a full sign-in.
    const { sessionToken: fresh } = await sessions.createSession({
      checks: { user: { search: { case: 'userId', value: me.userId } }, password: { password: 'Fr3sh!passw0rd' } },
    });
    expect((await authV1(server.baseUrl, fresh).getMyEmail({})).email?.email).toBe(me.email);
  });
});
