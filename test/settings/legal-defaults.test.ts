// A fresh install's legal and support settings carry terms and privacy links (Login V2 offers
// registration only when both are set): the hosted login's pages saying nothing is published
// yet, on the origin the caller reached. Setting real links replaces them, per instance and org.
import { createClient } from '@connectrpc/connect';
import { createServerTransport } from '@zitadel/client/node';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { SettingsService } from '@zitadel/proto/zitadel/settings/v2/settings_service_pb.js';
import { INSTANCE_HOST_HEADER, PUBLIC_HOST_HEADER } from '../../src/platform/tenancy/request-host.js';
import { client, codeOf, rest, withHeaders } from '../support/clients.js';
import { addInstanceDomain, otherInstance, restOnHost, type OtherInstance } from '../support/instances.js';
import { machineWithRoles } from '../support/principals.js';
import { serverForFile } from '../support/test-server.js';

const server = serverForFile();
let other: OtherInstance;
const OTHER_PUBLIC = 'legal.other.test';

const settingsVia = (pat: string, headers: Record<string, string> = {}) =>
  createClient(
    SettingsService,
    createServerTransport(pat, { baseUrl: server().baseUrl, interceptors: [withHeaders(headers)] }),
  );

beforeAll(async () => {
  other = await otherInstance(server(), 'localhost');
  await addInstanceDomain(server(), other.instanceId, OTHER_PUBLIC);
}, 60_000);

describe('default legal links: the hosted login\'s "not published yet" pages', () => {
  it("GetLegalAndSupportSettings (gRPC) answers absolute terms and privacy links on the server's origin, and the pages say nothing is published", async () => {
    const { settings } = await settingsVia(server().adminPat).getLegalAndSupportSettings({});
    expect(settings?.tosLink).toBe(`${server().baseUrl}/ui/v2/login/legal/terms`);
    expect(settings?.privacyPolicyLink).toBe(`${server().baseUrl}/ui/v2/login/legal/privacy`);
    for (const link of [settings!.tosLink, settings!.privacyPolicyLink]) {
      const page = await fetch(link);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('has not published this document yet');
    }
    const german = await fetch(settings!.tosLink, { headers: { 'accept-language': 'de' } });
    expect(await german.text()).toContain('noch nicht veröffentlicht');
  });

  it('help, support and docs stay empty: only the two links registration needs get a default', async () => {
    const { settings } = await settingsVia(server().adminPat).getLegalAndSupportSettings({});
    expect([settings?.helpLink, settings?.supportEmail, settings?.docsLink, settings?.customLink]).toEqual([
      '',
      '',
      '',
      '',
    ]);
  });

  it("a login client reading through Login V2's headers gets the links on the public host", async () => {
    const { settings } = await settingsVia(other.loginClientPat, {
      [INSTANCE_HOST_HEADER]: `localhost:${server().port}`,
      [PUBLIC_HOST_HEADER]: `${OTHER_PUBLIC}:${server().port}`,
    }).getLegalAndSupportSettings({});
    expect(settings?.tosLink).toBe(`http://${OTHER_PUBLIC}:${server().port}/ui/v2/login/legal/terms`);
    const page = await restOnHost(server(), `${OTHER_PUBLIC}:${server().port}`, 'GET', '/ui/v2/login/legal/terms');
    expect(page.status).toBe(200);
  });

  it("instance 1's PAT cannot read instance 2's settings through the headers (cross-instance)", async () => {
    expect(
      await codeOf(
        settingsVia(server().adminPat, {
          [INSTANCE_HOST_HEADER]: `localhost:${server().port}`,
        }).getLegalAndSupportSettings({}),
      ),
    ).not.toBe('ok');
  });

  it('the REST path answers the same links', async () => {
    const res = await rest(server().baseUrl, 'GET', '/v2/settings/legal_support', { token: server().adminPat });
    expect(res.body.settings.tosLink).toBe(`${server().baseUrl}/ui/v2/login/legal/terms`);
  });
});

describe('real links replace the pages', () => {
  it("an org's own links win for that org only (cross-org: another org keeps the instance's)", async () => {
    const orgs = client(OrgV2beta, 'grpc', server().baseUrl, server().adminPat);
    const orgA = (await orgs.createOrganization({ name: 'Legal A' })).id;
    const orgB = (await orgs.createOrganization({ name: 'Legal B' })).id;
    const ownerA = (await machineWithRoles(server(), orgA, { level: 'org', resourceId: orgA, roles: ['ORG_OWNER'] }))
      .pat;
    const management = createClient(
      ManagementService,
      createServerTransport(ownerA, {
        baseUrl: server().baseUrl,
        interceptors: [withHeaders({ 'x-zitadel-orgid': orgA })],
      }),
    );
    await management.addCustomPrivacyPolicy({
      tosLink: 'https://a.example.com/terms',
      privacyLink: 'https://a.example.com/privacy',
      helpLink: '',
      supportEmail: '',
      docsLink: '',
      customLink: '',
      customLinkText: '',
    });

    const settings = settingsVia(server().adminPat);
    const a = await settings.getLegalAndSupportSettings({ ctx: { resourceOwner: { case: 'orgId', value: orgA } } });
    expect([a.settings?.tosLink, a.settings?.privacyPolicyLink]).toEqual([
      'https://a.example.com/terms',
      'https://a.example.com/privacy',
    ]);
    const b = await settings.getLegalAndSupportSettings({ ctx: { resourceOwner: { case: 'orgId', value: orgB } } });
    expect(b.settings?.tosLink).toBe(`${server().baseUrl}/ui/v2/login/legal/terms`);
    // ORG_OWNER of A may not read B's (ZITADEL: another org's needs policy.read on it).
    expect(
      await codeOf(
        settingsVia(ownerA).getLegalAndSupportSettings({ ctx: { resourceOwner: { case: 'orgId', value: orgB } } }),
      ),
    ).not.toBe('ok');
  });

  it("the instance's own links replace the pages for the instance; a link left empty keeps its page", async () => {
    const admin = client(AdminService, 'grpc', server().baseUrl, server().adminPat);
    await admin.updatePrivacyPolicy({
      tosLink: 'https://example.com/terms',
      privacyLink: '',
      helpLink: '',
      supportEmail: '',
      docsLink: '',
      customLink: '',
      customLinkText: '',
    });
    const { settings } = await settingsVia(server().adminPat).getLegalAndSupportSettings({});
    expect(settings?.tosLink).toBe('https://example.com/terms');
    expect(settings?.privacyPolicyLink).toBe(`${server().baseUrl}/ui/v2/login/legal/privacy`);
    // Instance 2 is not touched (cross-instance).
    const second = await settingsVia(other.adminPat, {
      [INSTANCE_HOST_HEADER]: `localhost:${server().port}`,
    }).getLegalAndSupportSettings({});
    expect(second.settings?.tosLink).toBe(`http://localhost:${server().port}/ui/v2/login/legal/terms`);
  });
});
