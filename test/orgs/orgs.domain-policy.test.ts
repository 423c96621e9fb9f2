// Whether an added org domain waits for a challenge follows the domain policy in force for the
// org, as ZITADEL's prepareAddOrgDomain: with `validateOrgDomains = false` it is verified at once.
import { Code } from '@connectrpc/connect';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { client, codeOf } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { adminV1, managementV1, v1Code } from '../support/v1-clients.js';

let server: TestServer;
beforeAll(async () => {
  server = await bootTestServer();
});
afterAll(() => server?.close());

const orgs = () => client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
const admin = () => adminV1(server.baseUrl, server.adminPat);
const newOrg = async (name: string) => (await orgs().createOrganization({ name })).id;

async function domainOf(orgId: string, domain: string) {
  const listed = await orgs().listOrganizationDomains({ organizationId: orgId });
  return listed.domains.find((d) => d.domainName === domain);
}
async function eventsOf(orgId: string, domain: string): Promise<string[]> {
  const rows: { event_type: string }[] = await server.database.dataSource.query(
    `SELECT event_type FROM events WHERE aggregate_id = $1 AND payload->>'domain' = $2 ORDER BY sequence`,
    [orgId, domain],
  );
  return rows.map((r) => r.event_type);
}

describe('adding an org domain under the domain policy (ZITADEL prepareAddOrgDomain: verified at once unless ValidateOrgDomains)', () => {
  it('the default policy (validateOrgDomains true) leaves the domain unverified, waiting for a challenge', async () => {
    const orgId = await newOrg('Policy Default');
    await orgs().addOrganizationDomain({ organizationId: orgId, domain: 'default-policy.example.com' });
    expect(await domainOf(orgId, 'default-policy.example.com')).toMatchObject({ isVerified: false });
    expect(await eventsOf(orgId, 'default-policy.example.com')).toEqual(['org.domain.added']);
  });

  it("an org's own policy with validateOrgDomains false verifies at once (v2beta and management v1); another org still validates", async () => {
    const relaxed = await newOrg('Policy Relaxed');
    const strict = await newOrg('Policy Strict');
    await admin().addCustomDomainPolicy({
      orgId: relaxed,
      userLoginMustBeDomain: false,
      validateOrgDomains: false,
      smtpSenderAddressMatchesInstanceDomain: false,
    });
    await orgs().addOrganizationDomain({ organizationId: relaxed, domain: 'relaxed-v2.example.com' });
    expect(await domainOf(relaxed, 'relaxed-v2.example.com')).toMatchObject({ isVerified: true });
    expect(await eventsOf(relaxed, 'relaxed-v2.example.com')).toEqual(['org.domain.added', 'org.domain.verified']);

    await managementV1(server.baseUrl, server.adminPat, relaxed).addOrgDomain({ domain: 'relaxed-v1.example.com' });
    const listed = await managementV1(server.baseUrl, server.adminPat, relaxed).listOrgDomains({ queries: [] });
    expect(listed.result.find((d) => d.domainName === 'relaxed-v1.example.com')).toMatchObject({ isVerified: true });

    // Verified at once means no challenge is left to run.
    expect(
      await codeOf(
        orgs().generateOrganizationDomainValidation({
          organizationId: relaxed,
          domain: 'relaxed-v2.example.com',
          type: 1,
        }),
      ),
    ).toBe(Code.FailedPrecondition);
    // A verified domain belongs to one org: the strict org cannot add it.
    expect(
      await codeOf(orgs().addOrganizationDomain({ organizationId: strict, domain: 'relaxed-v2.example.com' })),
    ).toBe(Code.AlreadyExists);

    await orgs().addOrganizationDomain({ organizationId: strict, domain: 'strict.example.com' });
    expect(await domainOf(strict, 'strict.example.com')).toMatchObject({ isVerified: false });
  });

  it('the instance policy with validateOrgDomains false verifies at once for orgs without their own; an own policy that validates still wins', async () => {
    const plain = await newOrg('Policy Instance');
    const own = await newOrg('Policy Own Strict');
    await admin().addCustomDomainPolicy({
      orgId: own,
      userLoginMustBeDomain: false,
      validateOrgDomains: true,
      smtpSenderAddressMatchesInstanceDomain: false,
    });
    await admin().updateDomainPolicy({
      userLoginMustBeDomain: false,
      validateOrgDomains: false,
      smtpSenderAddressMatchesInstanceDomain: true,
    });
    try {
      await managementV1(server.baseUrl, server.adminPat, plain).addOrgDomain({
        domain: 'instance-relaxed.example.com',
      });
      expect(await domainOf(plain, 'instance-relaxed.example.com')).toMatchObject({ isVerified: true });
      await orgs().addOrganizationDomain({ organizationId: own, domain: 'own-strict.example.com' });
      expect(await domainOf(own, 'own-strict.example.com')).toMatchObject({ isVerified: false });
      // The same domain again in the same org is still AlreadyExists.
      expect(
        await v1Code(
          managementV1(server.baseUrl, server.adminPat, plain).addOrgDomain({ domain: 'instance-relaxed.example.com' }),
        ),
      ).toBe(Code.AlreadyExists);
    } finally {
      await admin().updateDomainPolicy({
        userLoginMustBeDomain: false,
        validateOrgDomains: true,
        smtpSenderAddressMatchesInstanceDomain: true,
      });
    }
  });
});
