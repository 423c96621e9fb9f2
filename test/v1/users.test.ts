import { Code } from '@connectrpc/connect';
import { hash as argon2Hash } from '@node-rs/argon2';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import bcrypt from 'bcryptjs';
import { client } from '../support/clients.js';
import { adminV1, managementV1, restV1, v1Code } from '../support/v1-clients.js';
import { failure, twoOrgs, unique, type TwoOrgs } from './v1-fixtures.js';

// zitadel.user.v1 enum numbers the SDK sends and reads.
const ACTIVE = 1;
const INACTIVE = 2;
const LOCKED = 4;
const INITIAL = 6;
const READY = 2;
const TYPE_MACHINE = 2;
const STARTS_WITH = 2;

let t: TwoOrgs;
const base = () => t.env.server.baseUrl;
const mgmt = (pat: string, orgId?: string) => managementV1(base(), pat, orgId);
const v2 = () => client(UserService, 'grpc', base(), t.env.server.adminPat);

beforeAll(async () => {
  t = await twoOrgs('v1 users');
}, 60_000);
afterAll(() => t?.env.stop());

async function addHuman(pat: string, over: Record<string, unknown> = {}, orgId?: string) {
  const userName = unique('v1-human');
  const { userId } = await mgmt(pat, orgId).addHumanUser({
    userName,
    profile: { firstName: 'Ada', lastName: 'Lovelace', preferredLanguage: 'en' },
    email: { email: `${userName}@example.test`, isEmailVerified: true },
    initialPassword: 'Initial-Passw0rd!',
    ...over,
  });
  return { userId, userName };
}

/** The v1 request fields every state case shares; each case adds its own (`with`). */
interface V1Human {
  userName: string;
  profile: { firstName: string; lastName: string };
  email: { email: string; isEmailVerified: boolean };
}

/** Creates a user per case through `create` (AddHumanUser or ImportHumanUser) and checks the state each starts in. */
async function expectStates(
  create: (req: V1Human) => Promise<{ userId: string }>,
  cases: { verified: boolean; with: object; state: number }[],
): Promise<void> {
  for (const c of cases) {
    const userName = unique('v1-state');
    const { userId } = await create({
      userName,
      profile: { firstName: 'St', lastName: 'Ate' },
      email: { email: `${userName}@example.test`, isEmailVerified: c.verified },
      ...c.with,
    });
    expect([c, (await mgmt(t.ownerA).getUserByID({ id: userId })).user?.state]).toEqual([c, c.state]);
  }
}

/** Whether the password signs the user in (a v2 session with a password check). */
async function passwordWorks(userId: string, password: string): Promise<boolean> {
  const sessions = client(SessionService, 'grpc', base(), t.env.server.adminPat);
  try {
    await sessions.createSession({
      checks: { user: { search: { case: 'userId', value: userId } }, password: { password } },
    });
    return true;
  } catch {
    return false;
  }
}

describe('management v1 users: create and read (ZITADEL management AddHumanUser, GetUserByID)', () => {
  it('AddHumanUser starts INITIAL unless the email is verified and a password is set (ZITADEL shouldAddInitCode); v2 stays ACTIVE', async () => {
    const password = { initialPassword: 'Initial-Passw0rd!' };
    await expectStates(
      (req) => mgmt(t.ownerA).addHumanUser(req),
      [
        { verified: true, with: password, state: ACTIVE },
        { verified: true, with: {}, state: INITIAL },
        { verified: false, with: password, state: INITIAL },
        { verified: false, with: {}, state: INITIAL },
      ],
    );
    // v2 AddHumanUser without a password and with an unverified email: ACTIVE, as ZITADEL's v2.
    const userName = unique('v2-state');
    const { userId } = await v2().addHumanUser({
      username: userName,
      organization: { org: { case: 'orgId', value: t.orgA } },
      profile: { givenName: 'V', familyName: 'Two' },
      email: { email: `${userName}@example.test` },
    });
    expect((await mgmt(t.ownerA).getUserByID({ id: userId })).user?.state).toBe(ACTIVE);
  });

  it('an INITIAL user becomes ACTIVE once it sets a password', async () => {
    const userName = unique('v1-init-pw');
    const { userId } = await mgmt(t.ownerA).addHumanUser({
      userName,
      profile: { firstName: 'In', lastName: 'It' },
      email: { email: `${userName}@example.test`, isEmailVerified: true },
    });
    expect((await mgmt(t.ownerA).getUserByID({ id: userId })).user?.state).toBe(INITIAL);
    await mgmt(t.ownerA).setHumanPassword({ userId, password: 'Chosen-Passw0rd!', noChangeRequired: true });
    expect((await mgmt(t.ownerA).getUserByID({ id: userId })).user?.state).toBe(ACTIVE);
  });

  it('AddHumanUser creates the user in the caller org with a password that must be changed', async () => {
    const { userId, userName } = await addHuman(t.ownerA);
    const { user } = await mgmt(t.ownerA).getUserByID({ id: userId });
    expect(user).toMatchObject({
      id: userId,
      userName,
      state: ACTIVE,
      details: { resourceOwner: t.orgA },
      human: {
        profile: { firstName: 'Ada', lastName: 'Lovelace', displayName: 'Ada Lovelace', preferredLanguage: 'en' },
        email: { email: `${userName}@example.test`, isEmailVerified: true },
      },
    });
    expect(user!.loginNames).toContain(user!.preferredLoginName);
    // The same user through v2: one implementation behind both edges.
    const viaV2 = await v2().getUserByID({ userId });
    expect(viaV2.user?.type.case === 'human' && viaV2.user.type.value.passwordChangeRequired).toBe(true);
    expect(await passwordWorks(userId, 'Initial-Passw0rd!')).toBe(true);
    const [event] = await t.env.server.database.dataSource.query(
      `SELECT resource_owner FROM events WHERE aggregate_id = $1 AND event_type = 'user.human.added'`,
      [userId],
    );
    expect(event.resource_owner).toBe(t.orgA);
  });

  it('AddHumanUser names the missing field (the descriptor rule on first_name), and writes nothing', async () => {
    const userName = unique('v1-bad');
    const bad = await failure(
      mgmt(t.ownerA).addHumanUser({
        userName,
        profile: { firstName: '', lastName: 'X' },
        email: { email: 'x@y.test' },
      }),
    );
    expect(bad.code).toBe(Code.InvalidArgument);
    expect(bad.details).toMatch(/first_name/);
    expect((await mgmt(t.ownerA).isUserUnique({ userName })).isUnique).toBe(true);
  });

  it('IsUserUnique answers false for a taken username (ZITADEL: username and email must both match)', async () => {
    const { userName } = await addHuman(t.ownerA);
    const m = mgmt(t.ownerA);
    expect((await m.isUserUnique({ userName })).isUnique).toBe(false);
    expect((await m.isUserUnique({ userName, email: `${userName}@example.test` })).isUnique).toBe(false);
    expect((await m.isUserUnique({ userName, email: 'other@example.test' })).isUnique).toBe(true);
    expect((await m.isUserUnique({ userName: unique('free') })).isUnique).toBe(true);
  });

  it("IsUserUnique counts a username where ZITADEL's username unique constraint does: in the org when its domain policy scopes usernames to it, else instance-wide, case-insensitively", async () => {
    const admin = adminV1(base(), t.env.server.adminPat);
    const orgs = client(OrgV2beta, 'grpc', base(), t.env.server.adminPat);
    const org = async (perOrg: boolean) => {
      const { id } = await orgs.createOrganization({ name: unique(perOrg ? 'per-org' : 'instance-wide') });
      await admin.addCustomOrgIAMPolicy({ orgId: id, userLoginMustBeDomain: perOrg });
      return id;
    };
    const [perOrgA, perOrgB, wide] = [await org(true), await org(true), await org(false)];
    const inOrg = (orgId: string) => mgmt(t.env.server.adminPat, orgId);
    const { userName } = await addHuman(t.env.server.adminPat, {}, perOrgA);

    expect((await inOrg(perOrgA).isUserUnique({ userName })).isUnique).toBe(false);
    // The user of perOrgA holds the name in its org only: elsewhere AddHumanUser takes it.
    expect((await inOrg(wide).isUserUnique({ userName })).isUnique).toBe(true);
    expect((await inOrg(perOrgB).isUserUnique({ userName })).isUnique).toBe(true);
    await addHuman(t.env.server.adminPat, { userName }, wide);

    // Now held instance-wide, in any letter case; an org whose usernames are its own still has it free.
    const upper = userName.toUpperCase();
    expect((await inOrg(wide).isUserUnique({ userName: upper })).isUnique).toBe(false);
    expect(await v1Code(addHuman(t.env.server.adminPat, { userName: upper }, wide))).toBe(Code.AlreadyExists);
    expect((await inOrg(perOrgB).isUserUnique({ userName: upper })).isUnique).toBe(true);
    await addHuman(t.env.server.adminPat, { userName: upper }, perOrgB);
    expect((await inOrg(perOrgB).isUserUnique({ userName })).isUnique).toBe(false);
  });

  it('GetUserByLoginNameGlobal finds a user of any org with user.global.read (IAM owner)', async () => {
    const { userId, userName } = await addHuman(t.ownerA);
    const { user } = await mgmt(t.env.server.adminPat).getUserByLoginNameGlobal({ loginName: userName });
    expect(user?.id).toBe(userId);
    // An org owner lacks user.global.read (ZITADEL's ORG_OWNER role), so the method refuses.
    expect(await v1Code(mgmt(t.ownerB).getUserByLoginNameGlobal({ loginName: userName }))).toBe(Code.PermissionDenied);
  });
});

describe('management v1 ImportHumanUser (ZITADEL management ImportHumanUser)', () => {
  it('starts INITIAL as AddHumanUser does unless the email is verified and a password, a hash or a passkey registration comes along (ZITADEL ImportHuman IsInitialState)', async () => {
    await expectStates(
      (req) => mgmt(t.ownerA).importHumanUser(req),
      [
        { verified: true, with: { password: 'Imported-Passw0rd!' }, state: ACTIVE },
        {
          verified: true,
          with: { hashedPassword: { value: bcrypt.hashSync('Imported-Passw0rd!', 4) } },
          state: ACTIVE,
        },
        { verified: true, with: { requestPasswordlessRegistration: true }, state: ACTIVE },
        { verified: true, with: {}, state: INITIAL },
        { verified: false, with: { password: 'Imported-Passw0rd!' }, state: INITIAL },
        { verified: false, with: { requestPasswordlessRegistration: true }, state: INITIAL },
        { verified: false, with: {}, state: INITIAL },
      ],
    );
  });

  it('imports a bcrypt hash with the change-required flag: the old password signs in', async () => {
    const userName = unique('v1-bcrypt');
    const { userId } = await mgmt(t.ownerA).importHumanUser({
      userName,
      profile: { firstName: 'Bea', lastName: 'Crypt' },
      email: { email: `${userName}@example.test`, isEmailVerified: true },
      hashedPassword: { value: bcrypt.hashSync('Imported-Passw0rd!', 4) },
      passwordChangeRequired: true,
    });
    expect(await passwordWorks(userId, 'Imported-Passw0rd!')).toBe(true);
    expect(await passwordWorks(userId, 'wrong-password')).toBe(false);
    const viaV2 = await v2().getUserByID({ userId });
    expect(viaV2.user?.type.case === 'human' && viaV2.user.type.value.passwordChangeRequired).toBe(true);
  });

  it('imports an encoded argon2id hash', async () => {
    const userName = unique('v1-argon');
    const hash = await argon2Hash('Argon-Passw0rd!', { algorithm: 2, memoryCost: 1024, timeCost: 1, parallelism: 1 });
    const { userId } = await mgmt(t.ownerA).importHumanUser({
      userName,
      profile: { firstName: 'Ari', lastName: 'Gon' },
      email: { email: `${userName}@example.test`, isEmailVerified: true },
      hashedPassword: { value: hash },
    });
    expect(await passwordWorks(userId, 'Argon-Passw0rd!')).toBe(true);
  });

  it('refuses a hash in no supported format, naming hashed_password', async () => {
    const userName = unique('v1-badhash');
    const bad = await failure(
      mgmt(t.ownerA).importHumanUser({
        userName,
        profile: { firstName: 'No', lastName: 'Hash' },
        email: { email: `${userName}@example.test` },
        hashedPassword: { value: 'not-a-hash' },
      }),
    );
    expect(bad.code).toBe(Code.InvalidArgument);
    expect(bad.details).toMatch(/hashed_password/);
    expect((await mgmt(t.ownerA).isUserUnique({ userName })).isUnique).toBe(true);
  });

  it('imports a TOTP secret (otp_code) as a ready factor, and returns a passkey registration link', async () => {
    const userName = unique('v1-otp');
    const created = await mgmt(t.ownerA).importHumanUser({
      userName,
      profile: { firstName: 'Otto', lastName: 'Pee' },
      email: { email: `${userName}@example.test`, isEmailVerified: true },
      otpCode: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
      requestPasswordlessRegistration: true,
    });
    const link = new URL(created.passwordlessRegistration!.link);
    expect(link.pathname).toMatch(/\/passkey\/set$/);
    expect(link.searchParams.get('userId')).toBe(created.userId);
    expect(link.searchParams.get('code')).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(Number(created.passwordlessRegistration!.lifetime?.seconds)).toBe(3600);

    const m = mgmt(t.ownerA);
    const factors = await m.listHumanAuthFactors({ userId: created.userId });
    expect(factors.result).toEqual([expect.objectContaining({ state: READY, otp: {} })]);
    await m.removeHumanAuthFactorOTP({ userId: created.userId });
    expect((await m.listHumanAuthFactors({ userId: created.userId })).result).toEqual([]);
    expect(await v1Code(m.removeHumanAuthFactorOTP({ userId: created.userId }))).toBe(Code.NotFound);
  });
});

describe('management v1 ListUsers: every zitadel.user.v1.SearchQuery, in the org context', () => {
  const ids: Record<string, string> = {};
  const tag = unique('lst').replace(/-/g, '');

  beforeAll(async () => {
    const m = mgmt(t.ownerA);
    for (const [key, first] of [
      ['x', 'Xena'],
      ['y', 'Yuri'],
    ] as const) {
      ids[key] = (
        await m.addHumanUser({
          userName: `${tag}${key}`,
          profile: { firstName: first, lastName: `Last${key}`, nickName: `nick${key}`, displayName: `Disp ${key}` },
          email: { email: `${tag}${key}@example.test`, isEmailVerified: true },
        })
      ).userId;
    }
    ids.m = (await m.addMachineUser({ userName: `${tag}m`, name: 'Lister' })).userId;
    await m.lockUser({ id: ids.y });
  });

  const found = async (query: object) => {
    const r = await mgmt(t.ownerA).listUsers({
      queries: [{ userNameQuery: { userName: tag, method: STARTS_WITH } }, query],
    });
    return r.result.map((u) => u.id).sort();
  };

  it.each([
    ['userNameQuery', () => ({ userNameQuery: { userName: `${tag}x`, method: 0 } }), ['x']],
    ['firstNameQuery', () => ({ firstNameQuery: { firstName: 'yuri', method: 1 } }), ['y']],
    ['lastNameQuery', () => ({ lastNameQuery: { lastName: 'Lastx', method: 0 } }), ['x']],
    ['nickNameQuery', () => ({ nickNameQuery: { nickName: 'nicky', method: 0 } }), ['y']],
    ['displayNameQuery', () => ({ displayNameQuery: { displayName: 'Disp x', method: 0 } }), ['x']],
    ['emailQuery', () => ({ emailQuery: { emailAddress: `${tag}y@`, method: STARTS_WITH } }), ['y']],
    ['stateQuery', () => ({ stateQuery: { state: LOCKED } }), ['y']],
    ['typeQuery', () => ({ typeQuery: { type: TYPE_MACHINE } }), ['m']],
    ['loginNameQuery', () => ({ loginNameQuery: { loginName: `${tag}m`, method: 0 } }), ['m']],
    ['inUserIdsQuery', () => ({ inUserIdsQuery: { userIds: [ids.x, ids.m] } }), ['m', 'x']],
    ['inUserEmailsQuery', () => ({ inUserEmailsQuery: { userEmails: [`${tag}x@example.test`] } }), ['x']],
    [
      'orQuery',
      () => ({ orQuery: { queries: [{ typeQuery: { type: TYPE_MACHINE } }, { stateQuery: { state: LOCKED } }] } }),
      ['m', 'y'],
    ],
    [
      'andQuery',
      // x has no password, so v1 created it INITIAL (ZITADEL's initialization code).
      () => ({ andQuery: { queries: [{ stateQuery: { state: INITIAL } }, { typeQuery: { type: 1 } }] } }),
      ['x'],
    ],
    ['notQuery', () => ({ notQuery: { query: { typeQuery: { type: TYPE_MACHINE } } } }), ['x', 'y']],
  ])('%s', async (_name, query, keys) => {
    expect(await found(query())).toEqual(keys.map((k) => ids[k]).sort());
  });

  it('pages with ListQuery and reports the total', async () => {
    const r = await mgmt(t.ownerA).listUsers({
      query: { limit: 1, offset: 1, asc: true },
      sortingColumn: 1,
      queries: [{ userNameQuery: { userName: tag, method: STARTS_WITH } }],
    });
    expect(r.result.map((u) => u.userName)).toEqual([`${tag}x`]);
    expect(Number(r.details?.totalResult)).toBe(3);
  });

  it('shows another org nothing: org B without a header, or naming org A in it', async () => {
    const query = { queries: [{ userNameQuery: { userName: tag, method: STARTS_WITH } }] };
    expect((await mgmt(t.ownerB).listUsers(query)).result).toEqual([]);
    expect((await mgmt(t.ownerB, t.orgA).listUsers(query)).result).toEqual([]);
  });

  it('names a bad state and a too large limit', async () => {
    const badState = await failure(mgmt(t.ownerA).listUsers({ queries: [{ stateQuery: { state: 5 } }] }));
    expect(badState).toMatchObject({ code: Code.InvalidArgument, details: expect.stringMatching(/queries\[0\]/) });
    const badLimit = await failure(mgmt(t.ownerA).listUsers({ query: { limit: 5000 } }));
    expect(badLimit).toMatchObject({ code: Code.InvalidArgument, details: expect.stringMatching(/query\.limit/) });
  });
});

describe('management v1 user changes (ZITADEL management user commands)', () => {
  it('deactivates, reactivates, locks and unlocks, refusing transitions ZITADEL refuses', async () => {
    const { userId } = await addHuman(t.ownerA);
    const m = mgmt(t.ownerA);
    const state = async () => (await m.getUserByID({ id: userId })).user?.state;
    await m.deactivateUser({ id: userId });
    expect(await state()).toBe(INACTIVE);
    expect(await v1Code(m.deactivateUser({ id: userId }))).toBe(Code.FailedPrecondition);
    await m.reactivateUser({ id: userId });
    await m.lockUser({ id: userId });
    expect(await state()).toBe(LOCKED);
    await m.unlockUser({ id: userId });
    expect(await state()).toBe(ACTIVE);
    expect(await v1Code(m.unlockUser({ id: userId }))).toBe(Code.FailedPrecondition);
  });

  it('updates the username, profile, email and phone, and reads each back', async () => {
    const { userId } = await addHuman(t.ownerA);
    const m = mgmt(t.ownerA);
    const newName = unique('renamed');
    await m.updateUserName({ userId, userName: newName });
    expect((await m.getUserByID({ id: userId })).user?.userName).toBe(newName);

    const profile = await m.updateHumanProfile({
      userId,
      firstName: 'Grace',
      lastName: 'Hopper',
      nickName: 'amazing',
      displayName: 'G. Hopper',
      preferredLanguage: 'de',
      gender: 1,
    });
    expect(profile.details?.resourceOwner).toBe(t.orgA);
    expect((await m.getHumanProfile({ userId })).profile).toMatchObject({
      firstName: 'Grace',
      lastName: 'Hopper',
      nickName: 'amazing',
      displayName: 'G. Hopper',
      preferredLanguage: 'de',
      gender: 1,
    });

    await m.updateHumanEmail({ userId, email: 'grace@example.test', isEmailVerified: true });
    expect((await m.getHumanEmail({ userId })).email).toEqual({ email: 'grace@example.test', isEmailVerified: true });

    await m.updateHumanPhone({ userId, phone: '+41791234567', isPhoneVerified: true });
    expect((await m.getHumanPhone({ userId })).phone).toEqual({ phone: '+41791234567', isPhoneVerified: true });
    await m.removeHumanPhone({ userId });
    expect((await m.getHumanPhone({ userId })).phone).toEqual({ phone: '', isPhoneVerified: false });
    expect(await v1Code(m.removeHumanPhone({ userId }))).toBe(Code.FailedPrecondition);
  });

  it('sends verification codes again: email and phone, through the delivery channels', async () => {
    const { userId } = await addHuman(t.ownerA);
    const m = mgmt(t.ownerA);
    await m.updateHumanEmail({ userId, email: unique('verify') + '@example.test' });
    expect((await m.getHumanEmail({ userId })).email?.isEmailVerified).toBe(false);
    await m.resendHumanEmailVerification({ userId });
    await m.updateHumanPhone({ userId, phone: '+41790000001' });
    await m.resendHumanPhoneVerification({ userId });
    const rows: { template: string; channel: string }[] = await t.env.server.database.dataSource.query(
      `SELECT template, channel FROM notification_outbox ORDER BY id`,
    );
    expect(rows.filter((r) => r.template === 'verifyEmail').length).toBeGreaterThanOrEqual(2);
    expect(rows.filter((r) => r.channel === 'sms').length).toBeGreaterThanOrEqual(2);
  });

  it('sets passwords (initial: change required; with no_change_required: not) and sends a reset', async () => {
    const { userId } = await addHuman(t.ownerA);
    const m = mgmt(t.ownerA);
    const changeRequired = async () => {
      const u = (await v2().getUserByID({ userId })).user;
      return u?.type.case === 'human' && u.type.value.passwordChangeRequired;
    };
    await m.setHumanPassword({ userId, password: 'Second-Passw0rd!', noChangeRequired: true });
    expect(await changeRequired()).toBe(false);
    expect(await passwordWorks(userId, 'Second-Passw0rd!')).toBe(true);
    await m.setHumanInitialPassword({ userId, password: 'Third-Passw0rd!' });
    expect(await changeRequired()).toBe(true);
    const weak = await failure(m.setHumanPassword({ userId, password: 'short' }));
    expect(weak.code).toBe(Code.InvalidArgument);
    await m.sendHumanResetPasswordNotification({ userId, type: 0 });
    const [row] = await t.env.server.database.dataSource.query(
      `SELECT template FROM notification_outbox WHERE template = 'passwordReset' ORDER BY id DESC LIMIT 1`,
    );
    expect(row?.template).toBe('passwordReset');
  });

  it('AddHumanUser without a password and with an unverified email sends the initialization mail, not the email code (ZITADEL addHumanCommandEmail with allowInitMail)', async () => {
    const userName = unique('v1-initmail');
    const { userId } = await mgmt(t.ownerA).addHumanUser({
      userName,
      profile: { firstName: 'In', lastName: 'Mail' },
      email: { email: `${userName}@example.test` },
    });
    const db = t.env.server.database.dataSource;
    // The mail's delivery receipt may or may not be written yet: what the request wrote is asked for.
    const events = await db.query(
      `SELECT event_type FROM events WHERE aggregate_id = $1 AND creator <> 'NOTIFICATION' ORDER BY sequence`,
      [userId],
    );
    expect(events.map((e: { event_type: string }) => e.event_type)).toEqual([
      'user.human.added',
      'user.human.initialization.code.added',
    ]);
    const mails = await db.query(`SELECT template FROM notification_outbox WHERE user_id = $1`, [userId]);
    expect(mails.map((m: { template: string }) => m.template)).toEqual(['initCode']);
    // With a password, the unverified email gets its verification code as before.
    const withPassword = unique('v1-initpw');
    const second = await mgmt(t.ownerA).addHumanUser({
      userName: withPassword,
      profile: { firstName: 'In', lastName: 'Pw' },
      email: { email: `${withPassword}@example.test` },
      initialPassword: 'Password1!',
    });
    const secondMails = await db.query(`SELECT template FROM notification_outbox WHERE user_id = $1`, [second.userId]);
    expect(secondMails.map((m: { template: string }) => m.template)).toEqual(['verifyEmail']);
  });

  it('resends the initialization mail to an INITIAL user, with a new email in the same change (ZITADEL ResendInitialMail)', async () => {
    const userName = unique('v1-init');
    const { userId } = await mgmt(t.ownerA).addHumanUser({
      userName,
      profile: { firstName: 'In', lastName: 'It' },
      email: { email: `${userName}@example.test`, isEmailVerified: true },
    });
    await mgmt(t.ownerA).resendHumanInitialization({ userId, email: `${userName}-new@example.test` });
    const db = t.env.server.database.dataSource;
    const rows = await db.query(
      `SELECT event_type, "sequence" FROM events WHERE aggregate_id = $1 AND creator <> 'NOTIFICATION' ORDER BY sequence DESC LIMIT 2`,
      [userId],
    );
    expect(rows.map((r: { event_type: string }) => r.event_type).sort()).toEqual([
      'user.human.email.changed',
      'user.human.initialization.code.added',
    ]);
    const email = await mgmt(t.ownerA).getHumanEmail({ userId });
    expect(email.email).toEqual(
      expect.objectContaining({ email: `${userName}-new@example.test`, isEmailVerified: false }),
    );
    const [mail] = await db.query(
      `SELECT template FROM notification_outbox WHERE user_id = $1 ORDER BY id DESC LIMIT 1`,
      [userId],
    );
    expect(mail.template).toBe('initCode');
    // An active user is initialised already (ZITADEL: FailedPrecondition, Errors.User.AlreadyInitialised).
    const withPassword = await addHuman(t.ownerA);
    expect(await v1Code(mgmt(t.ownerA).resendHumanInitialization({ userId: withPassword.userId }))).toBe(
      Code.FailedPrecondition,
    );
  });

  it('lists second factors and passkeys, and answers NotFound for unknown ones', async () => {
    const { userId } = await addHuman(t.ownerA);
    const m = mgmt(t.ownerA);
    await v2().addOTPEmail({ userId });
    expect((await m.listHumanAuthFactors({ userId })).result).toEqual([
      expect.objectContaining({ state: READY, otpEmail: {} }),
    ]);
    await m.removeHumanAuthFactorOTPEmail({ userId });
    expect((await m.listHumanAuthFactors({ userId })).result).toEqual([]);
    expect(await v1Code(m.removeHumanAuthFactorOTPSMS({ userId }))).toBe(Code.NotFound);
    expect(await v1Code(m.removeHumanAuthFactorU2F({ userId, tokenId: 'nope' }))).toBe(Code.NotFound);
    expect((await m.listHumanPasswordless({ userId })).result).toEqual([]);
    expect(await v1Code(m.removeHumanPasswordless({ userId, tokenId: 'nope' }))).toBe(Code.NotFound);
  });

  it('adds and updates a machine user, and removes users', async () => {
    const m = mgmt(t.ownerA);
    const userName = unique('v1-machine');
    const { userId } = await m.addMachineUser({ userName, name: 'Robot', description: 'builds' });
    await m.updateMachine({ userId, name: 'Robot 2', description: 'deploys' });
    expect((await m.getUserByID({ id: userId })).user?.machine).toMatchObject({
      name: 'Robot 2',
      description: 'deploys',
      hasSecret: false,
    });
    await m.updateUserName({ userId, userName: `${userName}-2` });
    expect((await m.getUserByID({ id: userId })).user?.userName).toBe(`${userName}-2`);
    expect(await v1Code(m.getHumanProfile({ userId }))).toBe('ok');
    await m.removeUser({ id: userId });
    expect(await v1Code(m.getUserByID({ id: userId }))).toBe(Code.NotFound);
  });
});

describe('management v1 users across orgs (not found and not yours answer the same)', () => {
  it("refuses org B's owner on org A's user, with and without naming org A", async () => {
    const { userId } = await addHuman(t.ownerA);
    for (const intruder of [mgmt(t.ownerB), mgmt(t.ownerB, t.orgA)]) {
      expect(await v1Code(intruder.getUserByID({ id: userId }))).toBe(Code.NotFound);
      expect(await v1Code(intruder.getHumanProfile({ userId }))).toBe(Code.NotFound);
      expect(await v1Code(intruder.lockUser({ id: userId }))).toBe(Code.NotFound);
      expect(await v1Code(intruder.updateHumanEmail({ userId, email: 'evil@example.test' }))).toBe(Code.NotFound);
      expect(await v1Code(intruder.removeUser({ id: userId }))).toBe(Code.NotFound);
    }
    // Creating in org A while naming it: no permission there either.
    expect(
      await v1Code(
        mgmt(t.ownerB, t.orgA).addHumanUser({
          userName: unique('intruder'),
          profile: { firstName: 'I', lastName: 'N' },
          email: { email: 'i@n.test' },
        }),
      ),
    ).not.toBe('ok');
    expect((await mgmt(t.ownerA).getUserByID({ id: userId })).user?.state).toBe(ACTIVE);
  });

  it('the IAM owner works in any org by naming it; a user of another org than the named one is not found', async () => {
    const { userId } = await addHuman(t.ownerA);
    expect(await v1Code(mgmt(t.env.server.adminPat, t.orgA).getUserByID({ id: userId }))).toBe('ok');
    expect(await v1Code(mgmt(t.env.server.adminPat, t.orgB).getUserByID({ id: userId }))).toBe(Code.NotFound);
  });
});

describe('management v1 users over REST (/management/v1)', () => {
  it('GET, POST _search, PUT and DELETE with the org header', async () => {
    const { userId, userName } = await addHuman(t.ownerA);
    const call = (method: string, path: string, body?: unknown, org?: string, token = t.ownerA) =>
      restV1(base(), token, method, path, body, org);
    const got = await call('GET', `/management/v1/users/${userId}`, undefined, t.orgA);
    expect(got.status).toBe(200);
    expect(got.body.user).toMatchObject({ id: userId, userName, state: 'USER_STATE_ACTIVE' });

    const search = await call('POST', '/management/v1/users/_search', {
      queries: [{ userNameQuery: { userName, method: 'TEXT_QUERY_METHOD_EQUALS' } }],
    });
    expect(search.status).toBe(200);
    expect(search.body.result.map((u: { id: string }) => u.id)).toEqual([userId]);

    const renamed = unique('rest-renamed');
    const put = await call('PUT', `/management/v1/users/${userId}/username`, { userName: renamed });
    expect(put.status).toBe(200);
    expect(put.body.details.resourceOwner).toBe(t.orgA);

    expect((await call('GET', `/management/v1/users/${userId}`, undefined, t.orgA, t.ownerB)).status).toBe(404);
    expect((await call('DELETE', `/management/v1/users/${userId}`, undefined, undefined, t.ownerB)).status).toBe(404);
    expect((await call('DELETE', `/management/v1/users/${userId}`)).status).toBe(200);
    expect((await call('GET', `/management/v1/users/${userId}`)).status).toBe(404);
  });

  it('answers 400 naming the field for bad input', async () => {
    const r = await restV1(base(), t.ownerA, 'POST', '/management/v1/users/_search', { query: { limit: 5000 } });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toMatch(/query\.limit/);
  });
});

describe("management v1 ListUserMemberships (ZITADEL: the user's administrator roles)", () => {
  it("lists the org owner's membership, filtered by org query, and nothing for org B", async () => {
    const m = mgmt(t.ownerA);
    const { result, details } = await m.listUserMemberships({ userId: t.ownerAId });
    expect(result).toEqual([expect.objectContaining({ userId: t.ownerAId, roles: ['ORG_OWNER'], orgId: t.orgA })]);
    expect(Number(details?.totalResult)).toBe(1);
    const byOrg = await m.listUserMemberships({ userId: t.ownerAId, queries: [{ orgQuery: { orgId: t.orgB } }] });
    expect(byOrg.result).toEqual([]);
    const iam = await m.listUserMemberships({ userId: t.ownerAId, queries: [{ iamQuery: { iam: true } }] });
    expect(iam.result).toEqual([]);
    expect((await mgmt(t.ownerB).listUserMemberships({ userId: t.ownerAId })).result).toEqual([]);
    expect((await mgmt(t.ownerB, t.orgA).listUserMemberships({ userId: t.ownerAId })).result).toEqual([]);
  });
});
