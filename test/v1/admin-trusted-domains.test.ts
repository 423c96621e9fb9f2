import { Code } from '@connectrpc/connect';
import { TextQueryMethod } from '@zitadel/node/dist/api/generated/zitadel/object.js';
import { otherInstance, type OtherInstance } from '../support/instances.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { adminV1, managementV1, v1Code } from '../support/v1-clients.js';

let server: TestServer;
let other: OtherInstance;

beforeAll(async () => {
  server = await bootTestServer();
  other = await otherInstance(server, 'localhost');
});
afterAll(() => server?.close());

/** A v1 REST read with a login proxy's headers: the instance by the Host, links by x-zitadel-public-host. */
async function getMyOrgVia(baseUrl: string, pat: string, publicHost: string): Promise<number> {
  const res = await fetch(`${baseUrl}/management/v1/orgs/me`, {
    headers: { authorization: `Bearer ${pat}`, 'x-zitadel-public-host': publicHost },
  });
  await res.text();
  return res.status;
}

describe('admin v1 instance trusted domains', () => {
  it('adds, lists and removes a trusted domain; a second add is ALREADY_EXISTS, removing a missing one NOT_FOUND', async () => {
    const admin = adminV1(server.baseUrl, server.adminPat);
    const added = await admin.addInstanceTrustedDomain({ domain: 'Login.Trusted.Test' });
    expect(added.details?.resourceOwner).toBeTruthy();
    expect(await v1Code(admin.addInstanceTrustedDomain({ domain: 'login.trusted.test' }))).toBe(Code.AlreadyExists);
    await admin.addInstanceTrustedDomain({ domain: 'proxy.trusted.test' });
    const listed = await admin.listInstanceTrustedDomains({ query: { asc: true } });
    expect(listed.result.map((d) => d.domain)).toEqual(['login.trusted.test', 'proxy.trusted.test']);
    const one = await admin.listInstanceTrustedDomains({
      queries: [{ domainQuery: { domain: 'proxy', method: TextQueryMethod.TEXT_QUERY_METHOD_STARTS_WITH } }],
    });
    expect(one.result.map((d) => d.domain)).toEqual(['proxy.trusted.test']);
    await admin.removeInstanceTrustedDomain({ domain: 'proxy.trusted.test' });
    expect(await v1Code(admin.removeInstanceTrustedDomain({ domain: 'proxy.trusted.test' }))).toBe(Code.NotFound);
    const rows = await server.database.dataSource.query(
      `SELECT event_type FROM events WHERE event_type LIKE 'instance.trusted_domain.%' ORDER BY sequence`,
    );
    expect(rows.map((r: { event_type: string }) => r.event_type)).toEqual([
      'instance.trusted_domain.added',
      'instance.trusted_domain.added',
      'instance.trusted_domain.removed',
    ]);
  });

  it.each([['https://x.example.test'], ['x.example.test:8080'], ['x.example.test/path'], ['two words'], ['']])(
    'refuses %p with INVALID_ARGUMENT naming the domain',
    async (domain) => {
      const err = await adminV1(server.baseUrl, server.adminPat)
        .addInstanceTrustedDomain({ domain })
        .catch((e: { code: number; details: string }) => e);
      expect((err as { code: number }).code).toBe(Code.InvalidArgument);
      expect((err as { details: string }).details).toContain('domain');
    },
  );

  it('an org owner may neither list nor add trusted domains', async () => {
    const { id } = await managementV1(server.baseUrl, server.adminPat).addOrg({ name: 'Trusted outsider' });
    const { pat } = await machineWithRoles(server, id, { level: 'org', resourceId: id, roles: ['ORG_OWNER'] });
    expect(await v1Code(adminV1(server.baseUrl, pat).listInstanceTrustedDomains({}))).toBe(Code.PermissionDenied);
    expect(await v1Code(adminV1(server.baseUrl, pat).addInstanceTrustedDomain({ domain: 'evil.test' }))).toBe(
      Code.PermissionDenied,
    );
  });
});

describe('trusted domains are honoured as public hosts', () => {
  it('a public host is accepted once it is a trusted domain of the instance, and refused again after its removal', async () => {
    const admin = adminV1(server.baseUrl, server.adminPat);
    expect(await getMyOrgVia(server.baseUrl, server.adminPat, 'sso.trusted.test')).toBe(404);
    await admin.addInstanceTrustedDomain({ domain: 'sso.trusted.test' });
    expect(await getMyOrgVia(server.baseUrl, server.adminPat, 'sso.trusted.test:8443')).toBe(200);
    await admin.removeInstanceTrustedDomain({ domain: 'sso.trusted.test' });
    expect(await getMyOrgVia(server.baseUrl, server.adminPat, 'sso.trusted.test')).toBe(404);
  });

  it("another instance's trusted domain is no public host here (cross-instance)", async () => {
    await adminV1(server.baseUrl, server.adminPat).addInstanceTrustedDomain({ domain: 'mine.trusted.test' });
    expect(await getMyOrgVia(other.baseUrl, other.adminPat, 'mine.trusted.test')).toBe(404);
    expect(await getMyOrgVia(server.baseUrl, server.adminPat, 'mine.trusted.test')).toBe(200);
  });
});
