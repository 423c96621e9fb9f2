import { Code } from '@connectrpc/connect';
import { OrganizationService } from '@zitadel/proto/zitadel/org/v2/org_service_pb.js';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { SessionService } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { UserService as UserV2beta } from '@zitadel/proto/zitadel/user/v2beta/user_service_pb.js';
import { CALLER_LIMITED_ID } from '../../src/platform/auth/auth.errors.js';
import { client } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { PASSWORD, addHuman, appCode, codeOf, errorOf, forceMfaIn, loginClient, withTotp } from './support/sessions.js';

/**
 * Session tokens as Bearer tokens honour the login rules CreateCallback enforces: a first factor,
 * the second factor the login settings force or the user has set up, and no pending password
 * change (such a session may only change the password, read its user and use the session API).
 */
let server: TestServer;
let loginPat: string;
let mfaOrg: string;
let plainOrg: string;

beforeAll(async () => {
  server = await bootTestServer();
  loginPat = await loginClient(server);
  const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
  mfaOrg = (await orgs.createOrganization({ name: 'Forced MFA Org' })).id;
  plainOrg = (await orgs.createOrganization({ name: 'Plain Org' })).id;
  await forceMfaIn(server, mfaOrg);
}, 60_000);
afterAll(() => server?.close());

const sessions = () => client(SessionService, 'grpc', server.baseUrl, loginPat);
const usersAs = (token: string) => client(UserService, 'grpc', server.baseUrl, token);

async function passwordSession(loginName: string, password = PASSWORD) {
  return sessions().createSession({
    checks: { user: { search: { case: 'loginName', value: loginName } }, password: { password } },
  });
}

describe("second factor (ZITADEL's CreateCallback rule, applied to session tokens)", () => {
  it('refuses a password-only session when the login settings force MFA and the user has TOTP; accepts it after the TOTP check', async () => {
    const user = await addHuman(server, { orgId: mfaOrg });
    const secret = await withTotp(server, user.userId);
    const session = await passwordSession(user.username);
    const refused = await errorOf(usersAs(session.sessionToken).getUserByID({ userId: user.userId }));
    expect(refused.code).toBe(Code.Unauthenticated);
    expect(refused.rawMessage).toContain('second factor');

    const checked = await sessions().setSession({
      sessionId: session.sessionId,
      sessionToken: session.sessionToken,
      checks: { totp: { code: appCode(secret) } },
    });
    expect((await usersAs(checked.sessionToken).getUserByID({ userId: user.userId })).user?.userId).toBe(user.userId);
  });

  it('refuses a password-only session of a user with TOTP set up, even where MFA is not forced', async () => {
    const user = await addHuman(server, { orgId: plainOrg });
    const secret = await withTotp(server, user.userId);
    const session = await passwordSession(user.username);
    expect(await codeOf(usersAs(session.sessionToken).getUserByID({ userId: user.userId }))).toBe(Code.Unauthenticated);
    const both = await sessions().createSession({
      checks: {
        user: { search: { case: 'userId', value: user.userId } },
        password: { password: PASSWORD },
        totp: { code: appCode(secret) },
      },
    });
    expect((await usersAs(both.sessionToken).getUserByID({ userId: user.userId })).user?.userId).toBe(user.userId);
  });

  it('lets a password-only session under forced MFA, of a user without a factor, only set one up (no roles, no other methods)', async () => {
    const user = await addHuman(server, { orgId: mfaOrg });
    const session = await passwordSession(user.username);
    const self = usersAs(session.sessionToken);
    expect((await self.getUserByID({ userId: user.userId })).user?.userId).toBe(user.userId);
    const denied = await errorOf(self.setEmail({ userId: user.userId, email: 'elsewhere@example.com' }));
    expect(denied.code).toBe(Code.PermissionDenied);
    expect(denied.rawMessage).toContain(CALLER_LIMITED_ID);
    const { secret } = await self.registerTOTP({ userId: user.userId });
    await self.verifyTOTPRegistration({ userId: user.userId, code: appCode(secret) });
    // Set up, the factor is now the user's: the password-only session no longer counts at all.
    expect(await codeOf(self.getUserByID({ userId: user.userId }))).toBe(Code.Unauthenticated);
  });
});

describe("pending password change (the bootstrap admin's first sign-in)", () => {
  it('the bootstrap admin (IAM_OWNER, password change required) cannot administer, only change its own password; then it can', async () => {
    const session = await passwordSession('admin', 'Password1!');
    const orgs = client(OrganizationService, 'grpc', server.baseUrl, session.sessionToken);
    const refused = await errorOf(orgs.addOrganization({ name: 'Not yet' }));
    expect(refused.code).toBe(Code.PermissionDenied);
    expect(refused.rawMessage).toContain('change the password');

    const self = usersAs(session.sessionToken);
    const other = await addHuman(server, { orgId: plainOrg });
    // Its roles do not come along: another user (any org) is not found, listing is refused.
    expect(await codeOf(self.getUserByID({ userId: other.userId }))).toBe(Code.NotFound);
    expect(await codeOf(self.listUsers({}))).toBe(Code.PermissionDenied);
    expect(
      await codeOf(
        self.setPassword({ userId: other.userId, newPassword: { password: 'Hijack3d!pass', changeRequired: false } }),
      ),
    ).toBe(Code.NotFound);
    // v2beta is the same method under the beta bridge: refused alike.
    expect(await codeOf(client(UserV2beta, 'grpc', server.baseUrl, session.sessionToken).listUsers({}))).toBe(
      Code.PermissionDenied,
    );

    const { user } = await self.getUserByID({
      userId: (await sessions().getSession({ sessionId: session.sessionId })).session!.factors!.user!.id,
    });
    await self.setPassword({
      userId: user!.userId,
      newPassword: { password: 'N3w-admin-pass!', changeRequired: false },
      verification: { case: 'currentPassword', value: 'Password1!' },
    });
    // The change was the only step owed: the same session now administers.
    expect((await orgs.addOrganization({ name: `Now allowed ${Date.now()}` })).organizationId).toBeTruthy();
  });

  it('a user of another org with a pending password change reaches nothing of org A either', async () => {
    const user = await addHuman(server, { orgId: plainOrg });
    await client(UserService, 'grpc', server.baseUrl, server.adminPat).setPassword({
      userId: user.userId,
      newPassword: { password: PASSWORD, changeRequired: true },
    });
    const session = await passwordSession(user.username);
    const inMfaOrg = await addHuman(server, { orgId: mfaOrg });
    expect(await codeOf(usersAs(session.sessionToken).getUserByID({ userId: inMfaOrg.userId }))).toBe(Code.NotFound);
    expect(await codeOf(usersAs(session.sessionToken).setEmail({ userId: user.userId, email: 'x@example.com' }))).toBe(
      Code.PermissionDenied,
    );
    expect((await usersAs(session.sessionToken).getUserByID({ userId: user.userId })).user?.userId).toBe(user.userId);
  });
});
