import { Code } from '@connectrpc/connect';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { SettingsService } from '@zitadel/proto/zitadel/settings/v2/settings_service_pb.js';
import { client, codeOf, rest, TRANSPORTS } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { eventually } from '../support/receivers.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';

const INSTANCE = 1; // RESOURCE_OWNER_TYPE_INSTANCE
let server: TestServer;
let orgA: string;
let orgB: string;
let ownerA: string;
let plainA: string;

beforeAll(async () => {
  server = await bootTestServer();
  const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
  orgA = (await orgs.createOrganization({ name: 'Settings A' })).id;
  orgB = (await orgs.createOrganization({ name: 'Settings B' })).id;
  ownerA = (await machineWithRoles(server, orgA, { level: 'org', resourceId: orgA, roles: ['ORG_OWNER'] })).pat;
  // A member with no policy permissions at all: still reads its own org's and the instance's.
  plainA = (await machineWithRoles(server, orgA, { level: 'org', resourceId: orgA, roles: ['ORG_PROJECT_CREATOR'] }))
    .pat;
});
afterAll(() => server?.close());

describe('SettingsService v2 reads with nothing stored', () => {
  it.each(TRANSPORTS)('returns ZITADEL defaults as the instance default over %s', async (transport) => {
    const settings = client(SettingsService, transport, server.baseUrl, server.adminPat);
    const login = await settings.getLoginSettings({});
    expect(login.settings).toMatchObject({
      allowUsernamePassword: true,
      allowRegister: true,
      passkeysType: 1,
      secondFactors: [1, 2],
      multiFactors: [1],
      resourceOwnerType: INSTANCE,
    });
    expect(login.settings!.passwordCheckLifetime!.seconds).toBe(240n * 3600n);
    const complexity = await settings.getPasswordComplexitySettings({
      ctx: { resourceOwner: { case: 'orgId', value: orgA } },
    });
    expect(complexity.settings).toMatchObject({
      minLength: 8n,
      requiresUppercase: true,
      requiresSymbol: true,
      resourceOwnerType: INSTANCE,
    });
    expect(complexity.details?.resourceOwner).not.toBe(orgA);
    const expiry = await settings.getPasswordExpirySettings({
      ctx: { resourceOwner: { case: 'instance', value: true } },
    });
    expect(expiry.settings).toMatchObject({ maxAgeDays: 0n, expireWarnDays: 0n, resourceOwnerType: INSTANCE });
    const lockout = await settings.getLockoutSettings({});
    expect(lockout.settings).toMatchObject({
      maxPasswordAttempts: 0n,
      maxOtpAttempts: 0n,
      resourceOwnerType: INSTANCE,
    });
    const branding = await settings.getBrandingSettings({});
    expect(branding.settings).toMatchObject({ themeMode: 1, resourceOwnerType: INSTANCE });
    expect(branding.settings!.lightTheme!.primaryColor).toBe('#5469d4');
    expect((await settings.getDomainSettings({})).settings).toMatchObject({
      loginNameIncludesDomain: false,
      requireOrgDomainVerification: true,
      resourceOwnerType: INSTANCE,
    });
    expect((await settings.getLegalAndSupportSettings({})).settings).toMatchObject({
      tosLink: `${server.baseUrl}/ui/v2/login/legal/terms`,
      helpLink: '',
      resourceOwnerType: INSTANCE,
    });
    expect((await settings.getActiveIdentityProviders({})).identityProviders).toEqual([]);
    const general = await settings.getGeneralSettings({});
    expect(general.defaultLanguage).toBe('en');
    expect(general.defaultOrgId).toMatch(/^\d+$/);
    expect(general.supportedLanguages).toContain('de');
    expect((await settings.getSecuritySettings({})).settings).toMatchObject({
      enableImpersonation: false,
      embeddedIframe: { enabled: false, allowedOrigins: [] },
    });
  });

  it('answers on the annotated REST paths', async () => {
    const login = await rest(server.baseUrl, 'GET', `/v2/settings/login?ctx.orgId=${orgA}`, { token: server.adminPat });
    expect(login.status).toBe(200);
    expect(login.body.settings).toMatchObject({
      allowUsernamePassword: true,
      passkeysType: 'PASSKEYS_TYPE_ALLOWED',
      passwordCheckLifetime: '864000s',
      resourceOwnerType: 'RESOURCE_OWNER_TYPE_INSTANCE',
    });
    for (const path of [
      '/v2/settings',
      '/v2/settings/login/idps',
      '/v2/settings/password/complexity',
      '/v2/settings/password/expiry',
      '/v2/settings/branding',
      '/v2/settings/domain',
      '/v2/settings/legal_support',
      '/v2/settings/lockout',
      '/v2/settings/security',
    ]) {
      expect(`${path} ${(await rest(server.baseUrl, 'GET', path, { token: server.adminPat })).status}`).toBe(
        `${path} 200`,
      );
    }
  });
});

describe('SettingsService v2 access', () => {
  it('lets any member read its own org and the instance, but another org only with policy.read there', async () => {
    const asPlain = client(SettingsService, 'grpc', server.baseUrl, plainA);
    expect(await codeOf(asPlain.getLoginSettings({}))).toBe('ok');
    expect(await codeOf(asPlain.getLoginSettings({ ctx: { resourceOwner: { case: 'orgId', value: orgA } } }))).toBe(
      'ok',
    );
    expect(await codeOf(asPlain.getLoginSettings({ ctx: { resourceOwner: { case: 'instance', value: true } } }))).toBe(
      'ok',
    );
    const asOwnerA = client(SettingsService, 'grpc', server.baseUrl, ownerA);
    expect(
      await codeOf(asOwnerA.getPasswordComplexitySettings({ ctx: { resourceOwner: { case: 'orgId', value: orgB } } })),
    ).toBe(Code.NotFound);
    expect(
      await codeOf(
        client(SettingsService, 'grpc', server.baseUrl, server.adminPat).getLoginSettings({
          ctx: { resourceOwner: { case: 'orgId', value: '999999999999999999' } },
        }),
      ),
    ).toBe(Code.NotFound);
    expect(await codeOf(client(SettingsService, 'grpc', server.baseUrl).getLoginSettings({}))).toBe(
      Code.Unauthenticated,
    );
  });

  it('keeps security settings and translations to instance administrators', async () => {
    const asOwnerA = client(SettingsService, 'grpc', server.baseUrl, ownerA);
    expect(await codeOf(asOwnerA.getSecuritySettings({}))).toBe(Code.PermissionDenied);
    expect(await codeOf(asOwnerA.setSecuritySettings({ enableImpersonation: true }))).toBe(Code.PermissionDenied);
    expect(
      await codeOf(
        asOwnerA.setHostedLoginTranslation({
          level: { case: 'organizationId', value: orgA },
          locale: 'de',
          translations: {},
        }),
      ),
    ).toBe(Code.PermissionDenied);
  });
});

describe('SetSecuritySettings and hosted login translations', () => {
  it('stores the security settings and writes an audit event', async () => {
    const settings = client(SettingsService, 'connect-h1', server.baseUrl, server.adminPat);
    const set = await settings.setSecuritySettings({
      embeddedIframe: { enabled: true, allowedOrigins: ['https://app.example.com'] },
      enableImpersonation: true,
    });
    expect(set.details?.sequence).toBeGreaterThan(0n);
    const got = await settings.getSecuritySettings({});
    expect(got.settings).toMatchObject({
      enableImpersonation: true,
      embeddedIframe: { enabled: true, allowedOrigins: ['https://app.example.com'] },
    });
    const [event] = await server.database.dataSource.query(
      `SELECT event_type FROM events WHERE event_type = 'instance.security.policy.set'`,
    );
    expect(event).toBeDefined();
    const viaRest = await rest(server.baseUrl, 'PUT', '/v2/policies/security', {
      token: server.adminPat,
      body: { enableImpersonation: false },
    });
    expect(viaRest.status).toBe(200);
    expect((await settings.getSecuritySettings({})).settings?.enableImpersonation).toBe(false);
  });

  it('sets translations per level and inherits them from the instance', async () => {
    const settings = client(SettingsService, 'grpc', server.baseUrl, server.adminPat);
    const instance = await settings.setHostedLoginTranslation({
      level: { case: 'instance', value: true },
      locale: 'de',
      translations: { login: { title: 'Anmelden', button: 'Weiter' } },
    });
    expect(instance.etag).toMatch(/\w+/);
    await settings.setHostedLoginTranslation({
      level: { case: 'organizationId', value: orgA },
      locale: 'de-CH',
      translations: { login: { title: 'Iiloggä' } },
    });
    const org = await settings.getHostedLoginTranslation({
      level: { case: 'organizationId', value: orgA },
      locale: 'de-CH',
    });
    expect(org.translations?.login).toEqual({ title: 'Iiloggä', button: 'Weiter' });
    expect(org.translations?.loginname).toMatchObject({ submit: 'Weiter' }); // the built-in German texts underneath
    const own = await settings.getHostedLoginTranslation({
      level: { case: 'organizationId', value: orgA },
      locale: 'de-CH',
      ignoreInheritance: true,
    });
    expect(own.translations).toEqual({ login: { title: 'Iiloggä' } });
    expect(
      (await settings.getHostedLoginTranslation({ level: { case: 'instance', value: true }, locale: 'de' }))
        .translations?.login,
    ).toEqual({ title: 'Anmelden', button: 'Weiter' });
    const system = (await settings.getHostedLoginTranslation({ level: { case: 'system', value: true }, locale: 'de' }))
      .translations;
    expect(system?.login).toBeUndefined();
    expect(system?.loginname).toMatchObject({ submit: 'Weiter' });
    expect(
      await codeOf(
        settings.setHostedLoginTranslation({
          level: { case: 'instance', value: true },
          locale: 'not a locale',
          translations: {},
        }),
      ),
    ).toBe(Code.InvalidArgument);
    const viaRest = await rest(
      server.baseUrl,
      'GET',
      `/v2/settings/hosted_login_translation?organizationId=${orgA}&locale=de-CH`,
      { token: server.adminPat },
    );
    expect(viaRest.status).toBe(200);
    expect(viaRest.body.translations.login).toEqual({ title: 'Iiloggä', button: 'Weiter' });
    expect(viaRest.body.etag).toBe(org.etag);
  });
});

describe('caches kept true across processes', () => {
  it("shows a change made through one process at another as soon as the change feed announces it (a commit is announced asynchronously, typically within a millisecond: the other process's next request may precede it)", async () => {
    const second = await bootTestServer({}, server);
    try {
      const there = client(SettingsService, 'grpc', second.baseUrl, second.adminPat);
      expect((await there.getLockoutSettings({})).settings?.maxPasswordAttempts).toBe(0n);
      await client(AdminService, 'grpc', server.baseUrl, server.adminPat).updateLockoutPolicy({
        maxPasswordAttempts: 6,
        maxOtpAttempts: 2,
      });
      const seen = await eventually(
        async () => {
          const settings = (await there.getLockoutSettings({})).settings;
          return settings?.maxPasswordAttempts === 6n ? settings : undefined;
        },
        'the second process to see the new lockout policy',
        2_000,
      );
      expect(seen).toMatchObject({ maxPasswordAttempts: 6n, maxOtpAttempts: 2n });
    } finally {
      await second.close();
    }
  });
});
