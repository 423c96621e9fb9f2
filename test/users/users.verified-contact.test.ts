import { Code } from '@connectrpc/connect';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { UserService as UserServiceV2beta } from '@zitadel/proto/zitadel/user/v2beta/user_service_pb.js';
import { client, codeOf, rest } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import {
  startWithReceivers,
  uniqueEmail,
  uniquePhone,
  type MailCatcher,
  type ReceivingServer,
} from '../support/receivers.js';
import type { TestServer } from '../support/test-server.js';
import { addHuman, patFor } from './mfa/support/users.js';

// Marking an email or phone verified without a code, or having its code handed back instead of
// sent, needs user.write on the user's org: there is no self exception (ZITADEL's
// ChangeUserEmailVerified / ChangeUserPhoneVerified for verified; we refuse returned codes too).

let receiving: ReceivingServer | undefined;
let smtp: MailCatcher;
let server: TestServer;
let orgA: string;
let orgB: string;
let ownerB: string;
let userManagerA: string;

beforeAll(async () => {
  receiving = await startWithReceivers();
  ({ smtp, server } = receiving);
  const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
  orgA = (await orgs.createOrganization({ name: 'Verified Org A' })).id;
  orgB = (await orgs.createOrganization({ name: 'Verified Org B' })).id;
  ownerB = (await machineWithRoles(server, orgB, { level: 'org', resourceId: orgB, roles: ['ORG_OWNER'] })).pat;
  userManagerA = (await machineWithRoles(server, orgA, { level: 'org', resourceId: orgA, roles: ['ORG_USER_MANAGER'] }))
    .pat;
}, 60_000);
afterAll(() => receiving?.stop());

const admin = () => client(UserService, 'grpc', server.baseUrl, server.adminPat);

/** A plain human of org A (no roles) and its two kinds of own credential: a PAT and a session token. */
async function plainHuman(credential: 'pat' | 'session'): Promise<{ userId: string; token: string }> {
  const { userId } = await addHuman(server, { orgId: orgA, phone: uniquePhone() });
  if (credential === 'pat') return { userId, token: await patFor(server, { userId, orgId: orgA }) };
  const sessions = client(SessionService, 'grpc', server.baseUrl, server.adminPat);
  const { sessionToken } = await sessions.createSession({
    checks: { user: { search: { case: 'userId', value: userId } }, password: { password: 'Secr3t!pass' } },
  });
  return { userId, token: sessionToken };
}

async function contactOf(userId: string) {
  const human = (await admin().getUserByID({ userId })).user!.type;
  if (human.case !== 'human') throw new Error('not human');
  return { email: human.value.email!, phone: human.value.phone! };
}

const NEW_EMAIL = 'taken-over@victim.example.com';
const NEW_PHONE = '+41790000999';
type V2 = ReturnType<typeof client<typeof UserService>>;
const verified = { case: 'isVerified' as const, value: true };
const returned = { case: 'returnCode' as const, value: {} };

/** Every v2 shape that would set a verified contact or hand its code back, as one call on `id`. */
const SHAPES: [string, (u: V2, id: string) => Promise<unknown>][] = [
  ['SetEmail is_verified', (u, id) => u.setEmail({ userId: id, email: NEW_EMAIL, verification: verified })],
  ['SetEmail return_code', (u, id) => u.setEmail({ userId: id, email: NEW_EMAIL, verification: returned })],
  ['SetPhone is_verified', (u, id) => u.setPhone({ userId: id, phone: NEW_PHONE, verification: verified })],
  ['SetPhone return_code', (u, id) => u.setPhone({ userId: id, phone: NEW_PHONE, verification: returned })],
  [
    'UpdateHumanUser email.is_verified',
    (u, id) => u.updateHumanUser({ userId: id, email: { email: NEW_EMAIL, verification: verified } }),
  ],
  [
    'UpdateHumanUser phone.is_verified',
    (u, id) => u.updateHumanUser({ userId: id, phone: { phone: NEW_PHONE, verification: verified } }),
  ],
  [
    'UpdateHumanUser email.return_code',
    (u, id) => u.updateHumanUser({ userId: id, email: { email: NEW_EMAIL, verification: returned } }),
  ],
  [
    'UpdateUser human.email.is_verified',
    (u, id) =>
      u.updateUser({
        userId: id,
        userType: { case: 'human', value: { email: { email: NEW_EMAIL, verification: verified } } },
      }),
  ],
  [
    'UpdateUser human.phone.is_verified',
    (u, id) =>
      u.updateUser({
        userId: id,
        userType: { case: 'human', value: { phone: { phone: NEW_PHONE, verification: verified } } },
      }),
  ],
];

describe("a verified email or phone needs user.write on the user's org, with no self exception", () => {
  describe.each(['pat', 'session'] as const)('the user itself, with its own %s token', (credential) => {
    it.each(SHAPES)('%s: PERMISSION_DENIED and nothing written', async (_name, call) => {
      const self = await plainHuman(credential);
      const before = await contactOf(self.userId);
      expect(await codeOf(call(client(UserService, 'grpc', server.baseUrl, self.token), self.userId))).toBe(
        Code.PermissionDenied,
      );
      expect(await contactOf(self.userId)).toEqual(before);
    });

    it('v2beta SetEmail is_verified (through the bridge): PERMISSION_DENIED and nothing written', async () => {
      const self = await plainHuman(credential);
      const before = await contactOf(self.userId);
      const beta = client(UserServiceV2beta, 'grpc', server.baseUrl, self.token);
      expect(await codeOf(beta.setEmail({ userId: self.userId, email: NEW_EMAIL, verification: verified }))).toBe(
        Code.PermissionDenied,
      );
      expect(await codeOf(beta.setPhone({ userId: self.userId, phone: NEW_PHONE, verification: verified }))).toBe(
        Code.PermissionDenied,
      );
      expect(await contactOf(self.userId)).toEqual(before);
    });

    it('REST POST /v2/users/{id}/email with isVerified: 403 and nothing written', async () => {
      const self = await plainHuman(credential);
      const before = await contactOf(self.userId);
      const res = await rest(server.baseUrl, 'POST', `/v2/users/${self.userId}/email`, {
        token: self.token,
        body: { email: NEW_EMAIL, isVerified: true },
      });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe(Code.PermissionDenied);
      const phone = await rest(server.baseUrl, 'POST', `/v2/users/${self.userId}/phone`, {
        token: self.token,
        body: { phone: NEW_PHONE, returnCode: {} },
      });
      expect(phone.status).toBe(403);
      expect(await contactOf(self.userId)).toEqual(before);
    });

    it('the email code asked back for a pending email (SendEmailCode/ResendEmailCode/ResendPhoneCode return_code): PERMISSION_DENIED', async () => {
      const self = await plainHuman(credential);
      const asSelf = client(UserService, 'grpc', server.baseUrl, self.token);
      await asSelf.setEmail({
        userId: self.userId,
        email: uniqueEmail('pending'),
        verification: { case: 'sendCode', value: {} },
      });
      await asSelf.setPhone({
        userId: self.userId,
        phone: uniquePhone(),
        verification: { case: 'sendCode', value: {} },
      });
      expect(await codeOf(asSelf.sendEmailCode({ userId: self.userId, verification: returned }))).toBe(
        Code.PermissionDenied,
      );
      expect(await codeOf(asSelf.resendEmailCode({ userId: self.userId, verification: returned }))).toBe(
        Code.PermissionDenied,
      );
      expect(await codeOf(asSelf.resendPhoneCode({ userId: self.userId, verification: returned }))).toBe(
        Code.PermissionDenied,
      );
    });

    it('changing its own email gets a code sent, and the email stays unverified until the code comes back', async () => {
      const self = await plainHuman(credential);
      const email = uniqueEmail('self');
      const asSelf = client(UserService, 'grpc', server.baseUrl, self.token);
      const set = await asSelf.setEmail({ userId: self.userId, email, verification: { case: 'sendCode', value: {} } });
      expect(set.verificationCode).toBeUndefined();
      expect((await contactOf(self.userId)).email).toEqual(expect.objectContaining({ email, isVerified: false }));
      const [mail] = await smtp.waitFor(email);
      const code = /\b([A-Z0-9]{6})\b/.exec(mail.text ?? '')![1];
      await asSelf.verifyEmail({ userId: self.userId, verificationCode: code });
      expect((await contactOf(self.userId)).email).toEqual(expect.objectContaining({ email, isVerified: true }));
    });
  });

  it.each(SHAPES)(
    '%s: an org owner of org B cannot do it to an org-A user (NOT_FOUND, nothing written)',
    async (_name, call) => {
      const { userId } = await addHuman(server, { orgId: orgA, phone: uniquePhone() });
      const before = await contactOf(userId);
      expect(await codeOf(call(client(UserService, 'grpc', server.baseUrl, ownerB), userId))).toBe(Code.NotFound);
      expect(await contactOf(userId)).toEqual(before);
    },
  );

  it.each(SHAPES)('%s: a user.write holder of org A may', async (_name, call) => {
    const { userId } = await addHuman(server, { orgId: orgA, phone: uniquePhone() });
    expect(await codeOf(call(client(UserService, 'grpc', server.baseUrl, userManagerA), userId))).toBe('ok');
  });

  it('a user.write holder of org A marks the email verified over REST', async () => {
    const { userId } = await addHuman(server, { orgId: orgA });
    const res = await rest(server.baseUrl, 'POST', `/v2/users/${userId}/email`, {
      token: userManagerA,
      body: { email: NEW_EMAIL, isVerified: true },
    });
    expect(res.status).toBe(200);
    expect((await contactOf(userId)).email).toEqual(expect.objectContaining({ email: NEW_EMAIL, isVerified: true }));
  });

  it("CreateUser and AddHumanUser with a verified email need user.write on the target org: refused for org B's owner and a plain user, allowed for org A's user manager", async () => {
    const self = await plainHuman('pat');
    const human = (username: string) => ({
      username,
      organization: { org: { case: 'orgId' as const, value: orgA } },
      profile: { givenName: 'New', familyName: 'User' },
      email: { email: `${username}@victim.example.com`, verification: verified },
    });
    const n = Date.now().toString(36);
    expect(await codeOf(client(UserService, 'grpc', server.baseUrl, ownerB).addHumanUser(human(`b${n}`)))).toBe(
      Code.NotFound,
    );
    expect(await codeOf(client(UserService, 'grpc', server.baseUrl, self.token).addHumanUser(human(`s${n}`)))).toBe(
      Code.PermissionDenied,
    );
    const create = (token: string, username: string) =>
      client(UserService, 'grpc', server.baseUrl, token).createUser({
        organizationId: orgA,
        username,
        userType: {
          case: 'human',
          value: {
            profile: { givenName: 'New', familyName: 'User' },
            email: { email: `${username}@victim.example.com`, verification: verified },
          },
        },
      });
    expect(await codeOf(create(ownerB, `cb${n}`))).toBe(Code.NotFound);
    expect(await codeOf(create(self.token, `cs${n}`))).toBe(Code.PermissionDenied);
    const created = await client(UserService, 'grpc', server.baseUrl, userManagerA).addHumanUser(human(`m${n}`));
    expect((await contactOf(created.userId)).email.isVerified).toBe(true);
    const { id } = await create(userManagerA, `cm${n}`);
    expect((await contactOf(id)).email.isVerified).toBe(true);
  });
});
