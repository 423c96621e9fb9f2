import { Code, createClient, type Client, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { NewAuthorizationBearerInterceptor } from '@zitadel/client';
import { createServerTransport } from '@zitadel/client/node';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { SettingsService } from '@zitadel/proto/zitadel/settings/v2/settings_service_pb.js';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { client, codeOf } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';

const INSTANCE = 1;
const ORG = 2;
let server: TestServer;
let orgA: string;
let orgB: string;
let ownerA: string;
let ownerB: string;
let n = 0;

/** ZITADEL's v1 org context: the x-zitadel-orgid header on every call. */
const orgHeader =
  (orgId: string): Interceptor =>
  (next) =>
  (req) => {
    req.header.set('x-zitadel-orgid', orgId);
    return next(req);
  };

function management(
  token: string,
  orgId: string | undefined,
  over: 'grpc' | 'connect' = 'grpc',
): Client<typeof ManagementService> {
  const interceptors = orgId ? [orgHeader(orgId)] : [];
  const transport =
    over === 'grpc'
      ? createServerTransport(token, { baseUrl: server.baseUrl, interceptors })
      : createConnectTransport({
          baseUrl: server.baseUrl,
          httpVersion: '1.1',
          interceptors: [...interceptors, NewAuthorizationBearerInterceptor(token)],
        });
  return createClient(ManagementService, transport);
}

async function restAs(
  token: string,
  method: string,
  path: string,
  body?: unknown,
  orgId?: string,
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  if (orgId) headers['x-zitadel-orgid'] = orgId;
  const res = await fetch(server.baseUrl + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const byOrg = (orgId: string) => ({ ctx: { resourceOwner: { case: 'orgId' as const, value: orgId } } });

async function addHuman(orgId: string, password: string) {
  return client(UserService, 'grpc', server.baseUrl, server.adminPat).addHumanUser({
    username: `settings-${Date.now()}-${n++}`,
    organization: { org: { case: 'orgId', value: orgId } },
    profile: { givenName: 'Set', familyName: 'Tings' },
    email: { email: 'settings@example.com', verification: { case: 'isVerified', value: true } },
    passwordType: { case: 'password', value: { password, changeRequired: false } },
  });
}

beforeAll(async () => {
  server = await bootTestServer();
  const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
  orgA = (await orgs.createOrganization({ name: 'Policy A' })).id;
  orgB = (await orgs.createOrganization({ name: 'Policy B' })).id;
  ownerA = (await machineWithRoles(server, orgA, { level: 'org', resourceId: orgA, roles: ['ORG_OWNER'] })).pat;
  ownerB = (await machineWithRoles(server, orgB, { level: 'org', resourceId: orgB, roles: ['ORG_OWNER'] })).pat;
});
afterAll(() => server?.close());

describe("an org's password complexity through management v1", () => {
  const settings = () => client(SettingsService, 'grpc', server.baseUrl, server.adminPat);
  const users = () => client(UserService, 'grpc', server.baseUrl, server.adminPat);

  it('is added over gRPC with the org header and shows in settings v2 for that org only', async () => {
    const mgmt = management(ownerA, orgA);
    expect((await mgmt.getPasswordComplexityPolicy({})).isDefault).toBe(true);
    const added = await mgmt.addCustomPasswordComplexityPolicy({
      minLength: 12n,
      hasUppercase: false,
      hasLowercase: true,
      hasNumber: true,
      hasSymbol: false,
    });
    expect(added.details?.resourceOwner).toBe(orgA);
    const own = await mgmt.getPasswordComplexityPolicy({});
    expect(own.isDefault).toBe(false);
    expect(own.policy).toMatchObject({ minLength: 12n, hasUppercase: false, hasSymbol: false, isDefault: false });

    const a = await settings().getPasswordComplexitySettings(byOrg(orgA));
    expect(a.settings).toMatchObject({
      minLength: 12n,
      requiresUppercase: false,
      requiresLowercase: true,
      requiresNumber: true,
      requiresSymbol: false,
      resourceOwnerType: ORG,
    });
    expect(a.details?.resourceOwner).toBe(orgA);
    const b = await settings().getPasswordComplexitySettings(byOrg(orgB));
    expect(b.settings).toMatchObject({
      minLength: 8n,
      requiresUppercase: true,
      requiresSymbol: true,
      resourceOwnerType: INSTANCE,
    });
    // The org's own members see it without naming the org.
    expect(
      (await client(SettingsService, 'grpc', server.baseUrl, ownerA).getPasswordComplexitySettings({})).settings
        ?.minLength,
    ).toBe(12n);

    const [event] = await server.database.dataSource.query(
      `SELECT aggregate_type, payload FROM events WHERE aggregate_id = $1 AND event_type = 'org.policy.password.complexity.added'`,
      [orgA],
    );
    expect(event).toMatchObject({ aggregate_type: 'org', payload: { minLength: 12, requiresUppercase: false } });
    expect(await codeOf(mgmt.addCustomPasswordComplexityPolicy({ minLength: 10n }))).toBe(Code.AlreadyExists);
  });

  it('is what AddHumanUser and SetPassword enforce in that org', async () => {
    // 12+ characters, no uppercase or symbol needed: fine in A, refused in B (default policy).
    const allowedInA = 'lowercase1234567';
    const tooShort = 'lower12345';
    expect(await codeOf(addHuman(orgA, tooShort))).toBe(Code.InvalidArgument);
    const { userId } = await addHuman(orgA, allowedInA);
    expect(await codeOf(addHuman(orgB, allowedInA))).toBe(Code.InvalidArgument);
    expect(
      await codeOf(users().setPassword({ userId, newPassword: { password: 'short1a', changeRequired: false } })),
    ).toBe(Code.InvalidArgument);
    expect(
      await codeOf(
        users().setPassword({ userId, newPassword: { password: 'anotherlowercase99', changeRequired: false } }),
      ),
    ).toBe('ok');
  });

  it('is updated over REST with the header, and applies on the next request', async () => {
    const updated = await restAs(
      ownerA,
      'PUT',
      '/management/v1/policies/password/complexity',
      { minLength: 14, hasLowercase: true, hasNumber: true },
      orgA,
    );
    expect(updated.status).toBe(200);
    expect(updated.body.details.resourceOwner).toBe(orgA);
    expect(await codeOf(addHuman(orgA, 'lowercase12345'))).toBe('ok'); // 14
    expect(await codeOf(addHuman(orgA, 'lowercase1234'))).toBe(Code.InvalidArgument); // 13
    const unchanged = await restAs(
      ownerA,
      'PUT',
      '/management/v1/policies/password/complexity',
      { minLength: 14, hasLowercase: true, hasNumber: true },
      orgA,
    );
    expect(unchanged.status).toBe(400); // FAILED_PRECONDITION, as ZITADEL's "not changed"
    expect(unchanged.body.code).toBe(Code.FailedPrecondition);
  });

  it('falls back to the instance default on reset', async () => {
    const mgmt = management(ownerA, orgA, 'connect');
    await mgmt.resetPasswordComplexityPolicyToDefault({});
    expect((await settings().getPasswordComplexitySettings(byOrg(orgA))).settings).toMatchObject({
      minLength: 8n,
      resourceOwnerType: INSTANCE,
    });
    expect((await mgmt.getPasswordComplexityPolicy({})).isDefault).toBe(true);
    expect(await codeOf(addHuman(orgA, 'lowercase1234567'))).toBe(Code.InvalidArgument);
    expect(await codeOf(mgmt.resetPasswordComplexityPolicyToDefault({}))).toBe(Code.NotFound);
    expect(await codeOf(mgmt.updateCustomPasswordComplexityPolicy({ minLength: 9n }))).toBe(Code.NotFound);
    const [removed] = await server.database.dataSource.query(
      `SELECT 1 FROM events WHERE aggregate_id = $1 AND event_type = 'org.policy.password.complexity.removed'`,
      [orgA],
    );
    expect(removed).toBeDefined();
  });

  it('rejects a policy ZITADEL rejects', async () => {
    expect(await codeOf(management(ownerA, orgA).addCustomPasswordComplexityPolicy({ minLength: 0n }))).toBe(
      Code.InvalidArgument,
    );
    expect(await codeOf(management(ownerA, orgA).addCustomPasswordComplexityPolicy({ minLength: 73n }))).toBe(
      Code.InvalidArgument,
    );
  });
});

describe('instance defaults through admin v1', () => {
  it('changes the default every org without its own policy inherits', async () => {
    const admin = client(AdminService, 'grpc', server.baseUrl, server.adminPat);
    expect((await admin.getPasswordAgePolicy({})).policy).toMatchObject({ maxAgeDays: 0n, isDefault: true });
    const changed = await admin.updatePasswordAgePolicy({ maxAgeDays: 90, expireWarnDays: 7 });
    expect(changed.details?.sequence).toBeGreaterThan(0n);
    expect((await admin.getPasswordAgePolicy({})).policy).toMatchObject({
      maxAgeDays: 90n,
      expireWarnDays: 7n,
      isDefault: true,
    });
    const v2 = client(SettingsService, 'connect-h1', server.baseUrl, server.adminPat);
    for (const ctx of [byOrg(orgB), {}, { ctx: { resourceOwner: { case: 'instance' as const, value: true } } }]) {
      expect((await v2.getPasswordExpirySettings(ctx)).settings).toMatchObject({
        maxAgeDays: 90n,
        expireWarnDays: 7n,
        resourceOwnerType: INSTANCE,
      });
    }
    expect((await management(ownerB, orgB).getDefaultPasswordAgePolicy({})).policy).toMatchObject({ maxAgeDays: 90n });
    const [event] = await server.database.dataSource.query(
      `SELECT aggregate_type FROM events WHERE event_type = 'instance.policy.password.age.changed'`,
    );
    expect(event).toEqual({ aggregate_type: 'instance' });
  });

  it('changes the password complexity users are held to', async () => {
    const admin = client(AdminService, 'connect-h1', server.baseUrl, server.adminPat);
    await admin.updatePasswordComplexityPolicy({
      minLength: 20,
      hasUppercase: true,
      hasLowercase: true,
      hasNumber: true,
      hasSymbol: true,
    });
    expect(await codeOf(addHuman(orgB, 'Sh0rt-but-valid!'))).toBe(Code.InvalidArgument);
    expect(await codeOf(addHuman(orgB, 'Long-enough-passw0rd!'))).toBe('ok');
    await admin.updatePasswordComplexityPolicy({
      minLength: 8,
      hasUppercase: true,
      hasLowercase: true,
      hasNumber: true,
      hasSymbol: true,
    });
    expect(await codeOf(addHuman(orgB, 'Sh0rt-but-valid!'))).toBe('ok');
  });

  it('keeps the label policy in preview until it is activated', async () => {
    const admin = client(AdminService, 'grpc', server.baseUrl, server.adminPat);
    const v2 = client(SettingsService, 'grpc', server.baseUrl, server.adminPat);
    await admin.updateLabelPolicy({
      primaryColor: '#112233',
      backgroundColor: '#ffffff',
      themeMode: 2,
      hideLoginNameSuffix: true,
    });
    expect((await admin.getPreviewLabelPolicy({})).policy).toMatchObject({ primaryColor: '#112233', themeMode: 2 });
    expect((await admin.getLabelPolicy({})).policy?.primaryColor).toBe('#5469d4');
    expect((await v2.getBrandingSettings({})).settings?.lightTheme?.primaryColor).toBe('#5469d4');
    await admin.activateLabelPolicy({});
    expect((await admin.getLabelPolicy({})).policy).toMatchObject({
      primaryColor: '#112233',
      hideLoginNameSuffix: true,
      themeMode: 2,
    });
    const branding = (await v2.getBrandingSettings(byOrg(orgA))).settings!;
    expect(branding).toMatchObject({ hideLoginNameSuffix: true, themeMode: 3, resourceOwnerType: INSTANCE }); // v1 DARK = 2, v2 DARK = 3
    expect(branding.lightTheme?.primaryColor).toBe('#112233');
    expect(await codeOf(admin.updateLabelPolicy({ primaryColor: 'blue' }))).toBe(Code.InvalidArgument);
  });

  it('adds the notification policy once, then updates it', async () => {
    const admin = client(AdminService, 'grpc', server.baseUrl, server.adminPat);
    expect((await admin.getNotificationPolicy({})).policy).toMatchObject({ passwordChange: true, isDefault: true });
    await admin.addNotificationPolicy({ passwordChange: false });
    expect(await codeOf(admin.addNotificationPolicy({ passwordChange: false }))).toBe(Code.AlreadyExists);
    await admin.updateNotificationPolicy({ passwordChange: true });
    expect((await admin.getNotificationPolicy({})).policy?.passwordChange).toBe(true);
  });
});

describe('round trips between v1 and v2', () => {
  it('carries the lockout policy of the instance and of an org', async () => {
    const admin = client(AdminService, 'grpc', server.baseUrl, server.adminPat);
    const v2 = client(SettingsService, 'grpc', server.baseUrl, server.adminPat);
    await admin.updateLockoutPolicy({ maxPasswordAttempts: 5, maxOtpAttempts: 3 });
    expect((await v2.getLockoutSettings(byOrg(orgB))).settings).toMatchObject({
      maxPasswordAttempts: 5n,
      maxOtpAttempts: 3n,
      resourceOwnerType: INSTANCE,
    });
    const mgmt = management(ownerA, orgA);
    await mgmt.addCustomLockoutPolicy({ maxPasswordAttempts: 2 });
    expect((await v2.getLockoutSettings(byOrg(orgA))).settings).toMatchObject({
      maxPasswordAttempts: 2n,
      maxOtpAttempts: 0n,
      resourceOwnerType: ORG,
    });
    expect((await mgmt.getLockoutPolicy({})).policy).toMatchObject({ maxPasswordAttempts: 2n, isDefault: false });
    await mgmt.updateCustomLockoutPolicy({ maxPasswordAttempts: 4, maxOtpAttempts: 1 });
    expect((await v2.getLockoutSettings(byOrg(orgA))).settings).toMatchObject({
      maxPasswordAttempts: 4n,
      maxOtpAttempts: 1n,
    });
    await mgmt.resetLockoutPolicyToDefault({});
    expect((await v2.getLockoutSettings(byOrg(orgA))).settings).toMatchObject({
      maxPasswordAttempts: 5n,
      resourceOwnerType: INSTANCE,
    });
  });

  it('carries the login policy, lifetimes and factors included', async () => {
    const v2 = client(SettingsService, 'grpc', server.baseUrl, server.adminPat);
    const mgmt = management(ownerA, orgA);
    await mgmt.addCustomLoginPolicy({
      allowUsernamePassword: true,
      allowRegister: false,
      allowExternalIdp: false,
      forceMfa: true,
      passwordlessType: 0,
      hidePasswordReset: true,
      defaultRedirectUri: 'https://app.example.com/home',
      passwordCheckLifetime: { seconds: 3600n },
      externalLoginCheckLifetime: { seconds: 7200n },
      mfaInitSkipLifetime: { seconds: 0n },
      secondFactorCheckLifetime: { seconds: 1800n },
      multiFactorCheckLifetime: { seconds: 900n, nanos: 500_000_000 },
      secondFactors: [1, 3],
      multiFactors: [1],
      allowDomainDiscovery: false,
      disableLoginWithEmail: true,
    });
    const got = (await v2.getLoginSettings(byOrg(orgA))).settings!;
    expect(got).toMatchObject({
      allowRegister: false,
      allowExternalIdp: false,
      forceMfa: true,
      passkeysType: 0,
      hidePasswordReset: true,
      defaultRedirectUri: 'https://app.example.com/home',
      secondFactors: [1, 3],
      multiFactors: [1],
      allowDomainDiscovery: false,
      disableLoginWithEmail: true,
      disableLoginWithPhone: false,
      resourceOwnerType: ORG,
    });
    expect(got.passwordCheckLifetime).toMatchObject({ seconds: 3600n, nanos: 0 });
    expect(got.multiFactorCheckLifetime).toMatchObject({ seconds: 900n, nanos: 500_000_000 });
    // Update has no factor fields: the org's factors stay.
    await mgmt.updateCustomLoginPolicy({
      allowUsernamePassword: true,
      allowRegister: true,
      passwordlessType: 1,
      passwordCheckLifetime: { seconds: 60n },
    });
    const v1 = (await mgmt.getLoginPolicy({})).policy!;
    expect(v1).toMatchObject({
      allowRegister: true,
      forceMfa: false,
      passwordlessType: 1,
      secondFactors: [1, 3],
      isDefault: false,
    });
    expect(v1.passwordCheckLifetime?.seconds).toBe(60n);
    expect((await v2.getLoginSettings(byOrg(orgB))).settings).toMatchObject({
      allowRegister: true,
      forceMfa: false,
      secondFactors: [1, 2],
      resourceOwnerType: INSTANCE,
    });
    expect(await codeOf(mgmt.addCustomLoginPolicy({ idps: [{ idpId: '1', ownerType: 1 }] }))).toBe(Code.AlreadyExists);
    // ZITADEL adds the policy's identity providers with it: one that does not exist is
    // Errors.IDPConfig.NotExisting (FAILED_PRECONDITION), and the policy is not added either.
    expect(await codeOf(management(ownerB, orgB).addCustomLoginPolicy({ idps: [{ idpId: '1', ownerType: 1 }] }))).toBe(
      Code.FailedPrecondition,
    );
    expect((await management(ownerB, orgB).getLoginPolicy({})).isDefault).toBe(true);
  });

  it('carries the admin login policy to v2', async () => {
    const admin = client(AdminService, 'grpc', server.baseUrl, server.adminPat);
    await admin.updateLoginPolicy({
      allowUsernamePassword: true,
      allowRegister: false,
      allowExternalIdp: true,
      passwordlessType: 1,
      ignoreUnknownUsernames: true,
      passwordCheckLifetime: { seconds: 86400n },
    });
    const got = (await client(SettingsService, 'grpc', server.baseUrl, server.adminPat).getLoginSettings(byOrg(orgB)))
      .settings!;
    expect(got).toMatchObject({
      allowRegister: false,
      ignoreUnknownUsernames: true,
      secondFactors: [1, 2],
      resourceOwnerType: INSTANCE,
    });
    expect(got.passwordCheckLifetime?.seconds).toBe(86400n);
    expect((await admin.getLoginPolicy({})).policy).toMatchObject({ allowRegister: false, isDefault: true });
  });
});

describe("an org's login policy factors through management v1", () => {
  const OTP = 1;
  const U2F = 2;
  const OTP_EMAIL = 3;
  const U2F_WITH_VERIFICATION = 1;

  it('lists the factors of the policy in force, and adds and removes them on the org’s own policy (ZITADEL: duplicates ALREADY_EXISTS, absent ones NOT_FOUND)', async () => {
    const orgId = (
      await client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat).createOrganization({ name: `Factors ${n++}` })
    ).id;
    const owner = (await machineWithRoles(server, orgId, { level: 'org', resourceId: orgId, roles: ['ORG_OWNER'] }))
      .pat;
    const mgmt = management(owner, orgId);
    const admin = client(AdminService, 'grpc', server.baseUrl, server.adminPat);
    // Without a policy of its own the org lists the instance's factors …
    expect((await mgmt.listLoginPolicySecondFactors({})).result).toEqual(
      (await admin.listLoginPolicySecondFactors({})).result,
    );
    // … and may not change them: there is no org policy to change (ZITADEL accepts the event, but
    // it changes no policy anyone reads).
    expect(await codeOf(mgmt.addSecondFactorToLoginPolicy({ type: OTP_EMAIL }))).toBe(Code.NotFound);

    await mgmt.addCustomLoginPolicy({ allowUsernamePassword: true, secondFactors: [OTP], multiFactors: [] });
    await mgmt.addSecondFactorToLoginPolicy({ type: OTP_EMAIL });
    expect(await codeOf(mgmt.addSecondFactorToLoginPolicy({ type: OTP }))).toBe(Code.AlreadyExists);
    expect((await mgmt.listLoginPolicySecondFactors({})).result).toEqual([OTP, OTP_EMAIL]);
    await mgmt.removeSecondFactorFromLoginPolicy({ type: OTP });
    expect(await codeOf(mgmt.removeSecondFactorFromLoginPolicy({ type: U2F }))).toBe(Code.NotFound);
    expect((await mgmt.getLoginPolicy({})).policy?.secondFactors).toEqual([OTP_EMAIL]);

    await mgmt.addMultiFactorToLoginPolicy({ type: U2F_WITH_VERIFICATION });
    const listed = await mgmt.listLoginPolicyMultiFactors({});
    expect(listed.result).toEqual([U2F_WITH_VERIFICATION]);
    expect(listed.details?.totalResult).toBe(1n);
    // The v2 login settings of the org read the same factors.
    expect(
      (await client(SettingsService, 'grpc', server.baseUrl, server.adminPat).getLoginSettings(byOrg(orgId))).settings,
    ).toMatchObject({ secondFactors: [OTP_EMAIL], multiFactors: [U2F_WITH_VERIFICATION] });
    await mgmt.removeMultiFactorFromLoginPolicy({ type: U2F_WITH_VERIFICATION });
    expect((await mgmt.listLoginPolicyMultiFactors({})).result).toEqual([]);
    // The instance's factors are untouched.
    expect((await admin.listLoginPolicySecondFactors({})).result).not.toContain(OTP_EMAIL);
    expect(await codeOf(mgmt.addSecondFactorToLoginPolicy({ type: 0 }))).toBe(Code.InvalidArgument);
  });

  it('needs policy.write on the org: a viewer is refused, another org’s owner finds nothing (gRPC and REST)', async () => {
    const orgId = (
      await client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat).createOrganization({ name: `Factors ${n++}` })
    ).id;
    await management(server.adminPat, orgId).addCustomLoginPolicy({
      allowUsernamePassword: true,
      secondFactors: [OTP],
    });
    const viewer = (
      await machineWithRoles(server, orgId, { level: 'org', resourceId: orgId, roles: ['ORG_OWNER_VIEWER'] })
    ).pat;
    expect((await management(viewer, orgId).listLoginPolicySecondFactors({})).result).toEqual([OTP]);
    expect(await codeOf(management(viewer, orgId).addSecondFactorToLoginPolicy({ type: U2F }))).toBe(
      Code.PermissionDenied,
    );
    expect(await codeOf(management(ownerB, orgId).addSecondFactorToLoginPolicy({ type: U2F }))).toBe(Code.NotFound);
    expect(await codeOf(management(ownerB, orgId).listLoginPolicyMultiFactors({}))).toBe(Code.NotFound);
    const viaRest = await restAs(
      ownerB,
      'POST',
      '/management/v1/policies/login/second_factors',
      { type: 'SECOND_FACTOR_TYPE_U2F' },
      orgId,
    );
    expect(viaRest.status).toBe(404);
    const own = await restAs(
      server.adminPat,
      'POST',
      '/management/v1/policies/login/second_factors',
      { type: 'SECOND_FACTOR_TYPE_U2F' },
      orgId,
    );
    expect(own.status).toBe(200);
    expect((await management(viewer, orgId).listLoginPolicySecondFactors({})).result).toEqual([OTP, U2F]);
  });
});

describe('v1 permissions', () => {
  it('does not let an org owner change or read the instance default', async () => {
    const asOwner = client(AdminService, 'grpc', server.baseUrl, ownerA);
    expect(await codeOf(asOwner.updateLockoutPolicy({ maxPasswordAttempts: 1 }))).toBe(Code.PermissionDenied);
    expect(await codeOf(asOwner.getLockoutPolicy({}))).toBe(Code.PermissionDenied);
    const viaRest = await restAs(ownerA, 'PUT', '/admin/v1/policies/password/complexity', { minLength: 1 });
    expect(viaRest.status).toBe(403);
  });

  it("does not let another org's owner change (or see) this org's policy", async () => {
    const intruder = management(ownerB, orgA);
    expect(await codeOf(intruder.addCustomPasswordComplexityPolicy({ minLength: 1n }))).toBe(Code.NotFound);
    expect(await codeOf(intruder.getPasswordComplexityPolicy({}))).toBe(Code.NotFound);
    expect(await codeOf(intruder.resetLoginPolicyToDefault({}))).toBe(Code.NotFound);
    const viaRest = await restAs(ownerB, 'POST', '/management/v1/policies/password/complexity', { minLength: 1 }, orgA);
    expect(viaRest.status).toBe(404);
    // Its own org is fine, with or without the header.
    expect(await codeOf(management(ownerB, undefined).getLoginPolicy({}))).toBe('ok');
  });

  it('lets a viewer read but not write (PERMISSION_DENIED) and answers NOT_FOUND for a missing org', async () => {
    const viewer = (
      await machineWithRoles(server, orgA, { level: 'org', resourceId: orgA, roles: ['ORG_OWNER_VIEWER'] })
    ).pat;
    expect(await codeOf(management(viewer, orgA).getLockoutPolicy({}))).toBe('ok');
    expect(await codeOf(management(viewer, orgA).addCustomLockoutPolicy({ maxPasswordAttempts: 1 }))).toBe(
      Code.PermissionDenied,
    );
    expect(
      await codeOf(
        management(server.adminPat, '999999999999999999').addCustomLockoutPolicy({ maxPasswordAttempts: 1 }),
      ),
    ).toBe(Code.NotFound);
  });

  it('leaves v1 methods no context serves UNIMPLEMENTED (actions, failed events)', async () => {
    expect(await codeOf(management(server.adminPat, orgA).listFlowTypes({}))).toBe(Code.Unimplemented);
    expect(await codeOf(client(AdminService, 'grpc', server.baseUrl, server.adminPat).listFailedEvents({}))).toBe(
      Code.Unimplemented,
    );
  });
});
