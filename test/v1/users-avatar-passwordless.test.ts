import { Code } from '@connectrpc/connect';
import { patFor } from '../users/mfa/support/users.js';
import { authV1, managementV1, restV1, v1Code } from '../support/v1-clients.js';
import { twoOrgs, unique, type TwoOrgs } from './v1-fixtures.js';

let t: TwoOrgs;
const base = () => t.env.server.baseUrl;
const mgmt = (pat: string, orgId?: string) => managementV1(base(), pat, orgId);

beforeAll(async () => {
  t = await twoOrgs('v1 avatar');
}, 60_000);
afterAll(() => t?.env.stop());

async function humanOfA(): Promise<{ userId: string; email: string }> {
  const userName = unique('v1-av');
  const email = `${userName}@example.test`;
  const { userId } = await mgmt(t.ownerA).addHumanUser({
    userName,
    profile: { firstName: 'Ava', lastName: 'Tar' },
    email: { email, isEmailVerified: true },
    // With a verified email and a password v1 creates the user ACTIVE, so its own token is accepted.
    initialPassword: 'Avatar-Passw0rd!',
  });
  return { userId, email };
}

const eventsOf = async (userId: string, type: string) =>
  (await t.env.server.database.dataSource.query(
    'SELECT creator, payload FROM events WHERE aggregate_id = $1 AND event_type = $2 ORDER BY position',
    [userId, type],
  )) as { creator: string; payload: Record<string, unknown> }[];

describe('management v1 RemoveHumanAvatar and auth v1 RemoveMyAvatar (no avatars are stored)', () => {
  it('records user.human.avatar.removed with details even without an avatar, as ZITADEL does', async () => {
    const { userId } = await humanOfA();
    const removed = await mgmt(t.ownerA).removeHumanAvatar({ userId });
    expect(removed.details).toMatchObject({ resourceOwner: t.orgA });
    expect(Number(removed.details?.sequence)).toBeGreaterThan(0);
    const events = await eventsOf(userId, 'user.human.avatar.removed');
    expect(events).toEqual([{ creator: t.ownerAId, payload: { storeKey: '' } }]);
    // Again: ZITADEL pushes the event each time, there is no "nothing changed" refusal.
    await mgmt(t.ownerA).removeHumanAvatar({ userId });
    expect(await eventsOf(userId, 'user.human.avatar.removed')).toHaveLength(2);
  });

  it('REST DELETE /management/v1/users/{id}/avatar', async () => {
    const { userId } = await humanOfA();
    const r = await restV1(base(), t.ownerA, 'DELETE', `/management/v1/users/${userId}/avatar`);
    expect(r.status).toBe(200);
    expect(r.body.details.resourceOwner).toBe(t.orgA);
  });

  it('NOT_FOUND for a missing user, a machine (ZITADEL reads a human write model), and across orgs', async () => {
    const { userId } = await humanOfA();
    expect(await v1Code(mgmt(t.ownerA).removeHumanAvatar({ userId: '404404' }))).toBe(Code.NotFound);
    expect(await v1Code(mgmt(t.ownerA).removeHumanAvatar({ userId: t.ownerAId }))).toBe(Code.NotFound);
    expect(await v1Code(mgmt(t.ownerB).removeHumanAvatar({ userId }))).toBe(Code.NotFound);
    expect(await v1Code(mgmt(t.ownerB, t.orgA).removeHumanAvatar({ userId }))).toBe(Code.NotFound);
    expect(await eventsOf(userId, 'user.human.avatar.removed')).toEqual([]);
  });

  it('auth RemoveMyAvatar: the caller removes its own, over gRPC and REST DELETE /auth/v1/users/me/avatar', async () => {
    const { userId } = await humanOfA();
    const pat = await patFor(t.env.server, { userId, orgId: t.orgA });
    const removed = await authV1(base(), pat).removeMyAvatar({});
    expect(removed.details).toMatchObject({ resourceOwner: t.orgA });
    const r = await restV1(base(), pat, 'DELETE', '/auth/v1/users/me/avatar');
    expect(r.status).toBe(200);
    const events = await eventsOf(userId, 'user.human.avatar.removed');
    expect(events.map((e) => e.creator)).toEqual([userId, userId]);
  });
});

describe('management v1 AddPasswordlessRegistration / SendPasswordlessRegistration (v2 CreatePasskeyRegistrationLink)', () => {
  it('AddPasswordlessRegistration answers a link to the login passkey page with its code and lifetime', async () => {
    const { userId } = await humanOfA();
    const r = await mgmt(t.ownerA).addPasswordlessRegistration({ userId });
    const url = new URL(r.link);
    expect(url.pathname).toMatch(/\/passkey\/set$/);
    expect(url.searchParams.get('userId')).toBe(userId);
    expect(url.searchParams.get('codeId')).toMatch(/^\d+$/);
    expect(url.searchParams.get('code')).toBeTruthy();
    expect(Number(r.expiration?.seconds)).toBeGreaterThan(3000);
    expect(r.details).toMatchObject({ resourceOwner: t.orgA });
    const [event] = await eventsOf(userId, 'user.human.passwordless.initialization.code.requested');
    expect(event).toMatchObject({ creator: t.ownerAId, payload: { codeId: url.searchParams.get('codeId') } });
  });

  it('SendPasswordlessRegistration mails the link to the user, and REST POST .../passwordless/_send_link', async () => {
    const { userId, email } = await humanOfA();
    const sent = await mgmt(t.ownerA).sendPasswordlessRegistration({ userId });
    expect(sent.details).toMatchObject({ resourceOwner: t.orgA });
    const [mail] = await t.env.smtp.waitFor(email);
    expect(mail.text).toMatch(new RegExp(`/passkey/set\\?userId=${userId}&codeId=\\d+&code=`));
    const r = await restV1(base(), t.ownerA, 'POST', `/management/v1/users/${userId}/passwordless/_send_link`, {});
    expect(r.status).toBe(200);
    expect(await eventsOf(userId, 'user.human.passwordless.initialization.code.requested')).toHaveLength(2);
  });

  it('REST POST /management/v1/users/{id}/passwordless/_link', async () => {
    const { userId } = await humanOfA();
    const r = await restV1(base(), t.ownerA, 'POST', `/management/v1/users/${userId}/passwordless/_link`, {});
    expect(r.status).toBe(200);
    expect(r.body.link).toContain(`userId=${userId}`);
    expect(r.body.expiration).toMatch(/^\d+(\.\d+)?s$/);
  });

  it("refuses org B's owner with or without naming org A, and a missing user", async () => {
    const { userId } = await humanOfA();
    for (const m of [mgmt(t.ownerB), mgmt(t.ownerB, t.orgA)]) {
      expect(await v1Code(m.addPasswordlessRegistration({ userId }))).toBe(Code.NotFound);
      expect(await v1Code(m.sendPasswordlessRegistration({ userId }))).toBe(Code.NotFound);
    }
    expect(await v1Code(mgmt(t.ownerA).addPasswordlessRegistration({ userId: '404404' }))).toBe(Code.NotFound);
    expect(await eventsOf(userId, 'user.human.passwordless.initialization.code.requested')).toEqual([]);
  });
});
