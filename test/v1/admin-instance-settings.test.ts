// Instance settings of ZITADEL's admin v1 API kept by the settings context: Healthz, languages
// (GetSupportedLanguages … SetDefaultLanguage), the security policy and the domain policy under its
// older name (org IAM policy) and per org (custom domain policy), through @zitadel/node's admin
// client over gRPC and v1 REST, checked against the v2 settings and the hosted login.
import { Code } from '@connectrpc/connect';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { SettingsService } from '@zitadel/proto/zitadel/settings/v2/settings_service_pb.js';
import { client } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { adminV1, managementV1, restV1, v1Code } from '../support/v1-clients.js';

let server: TestServer;
let orgId: string;
let ownerPat: string;

const admin = (pat = server.adminPat) => adminV1(server.baseUrl, pat);
const settingsV2 = () => client(SettingsService, 'grpc', server.baseUrl, server.adminPat);
const events = (type: string) =>
  server.database.dataSource.query(`SELECT payload FROM events WHERE event_type = $1 ORDER BY sequence`, [
    type,
  ]) as Promise<{ payload: Record<string, unknown> }[]>;

beforeAll(async () => {
  server = await bootTestServer();
  const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
  orgId = (await orgs.createOrganization({ name: `Instance settings ${Date.now()}` })).id;
  ({ pat: ownerPat } = await machineWithRoles(server, orgId, {
    level: 'org',
    resourceId: orgId,
    roles: ['ORG_OWNER'],
  }));
});
afterAll(() => server?.close());

describe('Healthz and languages (ZITADEL: restrictions allow every supported language by default)', () => {
  it('Healthz answers without credentials over gRPC and REST', async () => {
    await admin('').healthz({});
    const res = await fetch(`${server.baseUrl}/admin/v1/healthz`);
    expect(res.status).toBe(200);
  });

  it('supported and allowed languages are the languages the hosted login has texts for (ZITADEL: the languages with texts); any signed-in caller may read them', async () => {
    const supported = (await admin(ownerPat).getSupportedLanguages({})).languages;
    expect(supported).toEqual(['de', 'en']);
    expect(supported).toEqual((await settingsV2().getGeneralSettings({})).supportedLanguages);
    expect((await admin(ownerPat).getAllowedLanguages({})).languages).toEqual(supported);
    expect((await restV1(server.baseUrl, ownerPat, 'GET', '/admin/v1/languages/allowed')).body.languages).toEqual(
      supported,
    );
  });

  it('SetDefaultLanguage changes the default of v2 general settings and of the hosted login pages, with its event', async () => {
    expect((await admin().getDefaultLanguage({})).language).toBe('en');
    const before = await fetch(`${server.baseUrl}/ui/v2/login/legal/terms`);
    expect(await before.text()).toContain('has not published this document yet');

    await admin().setDefaultLanguage({ language: 'de' });
    expect((await admin().getDefaultLanguage({})).language).toBe('de');
    expect((await settingsV2().getGeneralSettings({})).defaultLanguage).toBe('de');
    const [event] = await events('instance.default.language.set');
    expect(event.payload).toMatchObject({ defaultLanguage: 'de' });
    // A browser that names no language gets the instance's default.
    const page = await fetch(`${server.baseUrl}/ui/v2/login/legal/terms`);
    expect(await page.text()).toContain('noch nicht veröffentlicht');

    // REST: PUT /admin/v1/languages/default/{language}, then GET /admin/v1/languages/default.
    const set = await restV1(server.baseUrl, server.adminPat, 'PUT', '/admin/v1/languages/default/en', {});
    expect(set.status).toBe(200);
    expect((await restV1(server.baseUrl, server.adminPat, 'GET', '/admin/v1/languages/default')).body).toEqual({
      language: 'en',
    });
  });

  it('refuses a language without texts (INVALID_ARGUMENT naming language) and callers without iam.write', async () => {
    expect(await v1Code(admin().setDefaultLanguage({ language: 'tlh' }))).toBe(Code.InvalidArgument);
    // A language ZITADEL has texts for but the hosted login has none for is refused as well.
    expect(await v1Code(admin().setDefaultLanguage({ language: 'fr' }))).toBe(Code.InvalidArgument);
    const bad = await restV1(server.baseUrl, server.adminPat, 'PUT', '/admin/v1/languages/default/xx', {});
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('language');
    expect(await v1Code(admin(ownerPat).setDefaultLanguage({ language: 'de' }))).toBe(Code.PermissionDenied);
    expect(await v1Code(admin(ownerPat).getDefaultLanguage({}))).toBe(Code.PermissionDenied);
    expect((await admin().getDefaultLanguage({})).language).toBe('en');
  });
});

describe('security policy (the v2 security settings)', () => {
  it('SetSecurityPolicy writes what v2 GetSecuritySettings reads, and the reverse', async () => {
    await admin().setSecurityPolicy({
      enableIframeEmbedding: true,
      allowedOrigins: ['https://embed.example.test'],
      enableImpersonation: true,
    });
    expect((await settingsV2().getSecuritySettings({})).settings).toMatchObject({
      embeddedIframe: { enabled: true, allowedOrigins: ['https://embed.example.test'] },
      enableImpersonation: true,
    });
    await settingsV2().setSecuritySettings({
      embeddedIframe: { enabled: false, allowedOrigins: [] },
      enableImpersonation: true,
    });
    const got = await restV1(server.baseUrl, server.adminPat, 'GET', '/admin/v1/policies/security');
    expect(got.status).toBe(200);
    expect(got.body.policy).toMatchObject({ enableImpersonation: true });
    expect(got.body.policy.enableIframeEmbedding ?? false).toBe(false);
    expect(got.body.policy.details.resourceOwner).toBeTruthy();
    expect(
      await v1Code(admin().setSecurityPolicy({ allowedOrigins: ['has space'], enableIframeEmbedding: true })),
    ).toBe(Code.InvalidArgument);
    expect(await v1Code(admin(ownerPat).getSecurityPolicy({}))).toBe(Code.PermissionDenied);
    expect(await v1Code(admin(ownerPat).setSecurityPolicy({ enableImpersonation: false }))).toBe(Code.PermissionDenied);
  });
});

describe('org IAM policy = the domain policy (ZITADEL admin domain_policy.go: its writes set the two newer fields true)', () => {
  it('UpdateOrgIAMPolicy changes the default domain policy; the same again is FAILED_PRECONDITION', async () => {
    await admin().updateDomainPolicy({
      userLoginMustBeDomain: false,
      validateOrgDomains: false,
      smtpSenderAddressMatchesInstanceDomain: false,
    });
    await admin().updateOrgIAMPolicy({ userLoginMustBeDomain: true });
    expect((await admin().getDomainPolicy({})).policy).toMatchObject({
      userLoginMustBeDomain: true,
      validateOrgDomains: true,
      smtpSenderAddressMatchesInstanceDomain: true,
      isDefault: true,
    });
    expect((await admin().getOrgIAMPolicy({})).policy).toMatchObject({ userLoginMustBeDomain: true, isDefault: true });
    expect(await v1Code(admin().updateOrgIAMPolicy({ userLoginMustBeDomain: true }))).toBe(Code.FailedPrecondition);
    expect((await settingsV2().getDomainSettings({})).settings?.loginNameIncludesDomain).toBe(true);
    await admin().updateOrgIAMPolicy({ userLoginMustBeDomain: false });
  });

  it("an org's own policy: add, read, update, reset over gRPC and REST, the org seeing it through management", async () => {
    // No own policy yet: the default, marked as such.
    expect((await admin().getCustomOrgIAMPolicy({ orgId })).policy).toMatchObject({
      userLoginMustBeDomain: false,
      isDefault: true,
    });
    await admin().addCustomDomainPolicy({
      orgId,
      userLoginMustBeDomain: true,
      validateOrgDomains: false,
      smtpSenderAddressMatchesInstanceDomain: false,
    });
    expect((await admin().getCustomDomainPolicy({ orgId })).policy).toMatchObject({
      userLoginMustBeDomain: true,
      validateOrgDomains: false,
      isDefault: false,
    });
    expect((await managementV1(server.baseUrl, ownerPat, orgId).getDomainPolicy({})).policy).toMatchObject({
      userLoginMustBeDomain: true,
      isDefault: false,
    });
    expect(await v1Code(admin().addCustomOrgIAMPolicy({ orgId, userLoginMustBeDomain: true }))).toBe(
      Code.AlreadyExists,
    );
    await admin().updateCustomOrgIAMPolicy({ orgId, userLoginMustBeDomain: false });
    expect((await admin().getCustomDomainPolicy({ orgId })).policy).toMatchObject({
      userLoginMustBeDomain: false,
      validateOrgDomains: true,
      smtpSenderAddressMatchesInstanceDomain: true,
    });
    expect(
      await v1Code(
        admin().updateCustomDomainPolicy({
          orgId,
          userLoginMustBeDomain: false,
          validateOrgDomains: true,
          smtpSenderAddressMatchesInstanceDomain: true,
        }),
      ),
    ).toBe(Code.FailedPrecondition);

    const path = `/admin/v1/orgs/${orgId}/policies/domain`;
    const put = await restV1(server.baseUrl, server.adminPat, 'PUT', path, {
      userLoginMustBeDomain: true,
      validateOrgDomains: true,
      smtpSenderAddressMatchesInstanceDomain: false,
    });
    expect(put.status).toBe(200);
    const got = await restV1(server.baseUrl, server.adminPat, 'GET', `/admin/v1/orgs/${orgId}/policies/orgiam`);
    expect(got.body.policy).toMatchObject({ userLoginMustBeDomain: true });
    expect(got.body.policy.isDefault ?? false).toBe(false);

    const reset = await restV1(server.baseUrl, server.adminPat, 'DELETE', path);
    expect(reset.status).toBe(200);
    expect((await admin().getCustomDomainPolicy({ orgId })).policy?.isDefault).toBe(true);
    expect(await v1Code(admin().resetCustomOrgIAMPolicyToDefault({ orgId }))).toBe(Code.NotFound);

    await admin().addCustomOrgIAMPolicy({ orgId, userLoginMustBeDomain: true });
    expect((await admin().getCustomDomainPolicy({ orgId })).policy).toMatchObject({
      userLoginMustBeDomain: true,
      validateOrgDomains: true,
      smtpSenderAddressMatchesInstanceDomain: true,
      isDefault: false,
    });
    await admin().resetCustomOrgIAMPolicyToDefault({ orgId });
    expect(await events('org.policy.domain.removed')).toHaveLength(2);
  });

  it('an unknown org is NOT_FOUND; org owners may not use the admin methods, not even on their own org', async () => {
    expect(await v1Code(admin().getCustomDomainPolicy({ orgId: '404404' }))).toBe(Code.NotFound);
    expect(await v1Code(admin().addCustomOrgIAMPolicy({ orgId: '404404', userLoginMustBeDomain: true }))).toBe(
      Code.NotFound,
    );
    expect(await v1Code(admin(ownerPat).getCustomOrgIAMPolicy({ orgId }))).toBe(Code.PermissionDenied);
    expect(await v1Code(admin(ownerPat).addCustomDomainPolicy({ orgId, userLoginMustBeDomain: true }))).toBe(
      Code.PermissionDenied,
    );
    expect(await v1Code(admin(ownerPat).resetCustomDomainPolicyToDefault({ orgId }))).toBe(Code.PermissionDenied);
    expect(await v1Code(admin(ownerPat).updateOrgIAMPolicy({ userLoginMustBeDomain: true }))).toBe(
      Code.PermissionDenied,
    );
    const denied = await restV1(server.baseUrl, ownerPat, 'GET', `/admin/v1/orgs/${orgId}/policies/domain`);
    expect(denied.status).toBe(403);
  });
});
