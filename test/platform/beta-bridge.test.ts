import { Code } from '@connectrpc/connect';
import { OrganizationService } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { SessionService as SessionV2beta } from '@zitadel/proto/zitadel/session/v2beta/session_service_pb.js';
import { SettingsService as SettingsV2beta } from '@zitadel/proto/zitadel/settings/v2beta/settings_service_pb.js';
import { UserService as UserV2 } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { UserService as UserV2beta } from '@zitadel/proto/zitadel/user/v2beta/user_service_pb.js';
import { client, codeOf, rest, type TransportName } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { serverForFile } from '../support/test-server.js';

/** ZITADEL's v2beta user, session and settings services, answered by the v2 handlers. */
const server = serverForFile();

const PASSWORD = 'Bridge-Passw0rd!';
const usersBeta = (over: TransportName = 'grpc', token = server().adminPat) =>
  client(UserV2beta, over, server().baseUrl, token);

async function addBetaUser(over: TransportName = 'grpc') {
  const username = `beta-${over}-${Date.now().toString(36)}`;
  const { userId } = await usersBeta(over).addHumanUser({
    username,
    profile: { givenName: 'Beta', familyName: 'Tester' },
    email: { email: `${username}@example.com`, verification: { case: 'isVerified', value: true } },
    passwordType: { case: 'password', value: { password: PASSWORD, changeRequired: false } },
  });
  return { userId, username };
}

describe('v2beta through the v2 handlers', () => {
  it.each<TransportName>(['grpc', 'connect-h1'])(
    'creates a user with v2beta over %s that v2 reads, and reads it back with v2beta',
    async (over) => {
      const { userId, username } = await addBetaUser(over);
      const stable = await client(UserV2, 'grpc', server().baseUrl, server().adminPat).getUserByID({ userId });
      expect(stable.user?.username).toBe(username);
      const beta = await usersBeta(over).getUserByID({ userId });
      expect(beta.user).toMatchObject({ userId, username, preferredLoginName: username });
      expect(beta.user?.type.case).toBe('human');
      expect(beta.details?.sequence).toBeGreaterThan(0n);
    },
  );

  it('serves the v2beta REST paths', async () => {
    const { userId, username } = await addBetaUser();
    const got = await rest(server().baseUrl, 'GET', `/v2beta/users/${userId}`, { token: server().adminPat });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ user: { userId, username } });
    const listed = await rest(server().baseUrl, 'POST', '/v2beta/users', {
      token: server().adminPat,
      body: { queries: [{ userNameQuery: { userName: username, method: 'TEXT_QUERY_METHOD_EQUALS' } }] },
    });
    expect(listed.status).toBe(200);
    expect((listed.body as { result: { userId: string }[] }).result.map((u) => u.userId)).toEqual([userId]);
  });

  it('creates and reads a session with v2beta, password checked', async () => {
    const { userId, username } = await addBetaUser();
    const sessions = client(SessionV2beta, 'grpc', server().baseUrl, server().adminPat);
    const created = await sessions.createSession({
      checks: { user: { search: { case: 'loginName', value: username } }, password: { password: PASSWORD } },
    });
    expect(created.sessionToken).toBeTruthy();
    const { session } = await sessions.getSession({ sessionId: created.sessionId });
    expect(session?.factors?.user?.id).toBe(userId);
    expect(session?.factors?.password?.verifiedAt).toBeDefined();
    expect(
      await codeOf(
        sessions.createSession({
          checks: { user: { search: { case: 'loginName', value: username } }, password: { password: 'wrong' } },
        }),
      ),
    ).toBe(Code.InvalidArgument);
  });

  it('reads the settings with v2beta', async () => {
    const settings = client(SettingsV2beta, 'connect-h1', server().baseUrl, server().adminPat);
    expect((await settings.getLoginSettings({})).settings?.allowUsernamePassword).toBe(true);
    expect((await settings.getPasswordComplexitySettings({})).settings?.minLength).toBeGreaterThan(0n);
  });

  it('keeps the v2 permission checks: a user manager of another org cannot read the user', async () => {
    const { userId } = await addBetaUser();
    const other = (
      await client(OrganizationService, 'grpc', server().baseUrl, server().adminPat).createOrganization({
        name: `Beta other ${Date.now()}`,
      })
    ).id;
    const manager = await machineWithRoles(server(), other, {
      level: 'org',
      resourceId: other,
      roles: ['ORG_USER_MANAGER'],
    });
    expect(await codeOf(usersBeta('grpc', manager.pat).getUserByID({ userId }))).toBe(Code.NotFound);
    expect(await codeOf(usersBeta('grpc', manager.pat).deactivateUser({ userId }))).toBe(Code.NotFound);
    expect(await codeOf(usersBeta('grpc', 'not-a-token').getUserByID({ userId }))).toBe(Code.Unauthenticated);
  });

  it('validates v2beta requests with their own rules, and answers a bridged method as v2 does (StartIdentityProviderIntent of an unknown provider)', async () => {
    const bad = await rest(server().baseUrl, 'POST', '/v2beta/users/human', {
      token: server().adminPat,
      body: { profile: { givenName: 'x' } },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/email|family_name|familyName/);
    const request = {
      idpId: '1',
      content: { case: 'urls', value: { successUrl: 'https://app.example/ok', failureUrl: 'https://app.example/no' } },
    } as const;
    const v2Code = await codeOf(
      client(UserV2, 'grpc', server().baseUrl, server().adminPat).startIdentityProviderIntent(request),
    );
    expect(v2Code).not.toBe(Code.Unimplemented);
    expect(await codeOf(usersBeta().startIdentityProviderIntent(request))).toBe(v2Code);
  });
});
