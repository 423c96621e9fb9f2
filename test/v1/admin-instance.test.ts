import { Code } from '@connectrpc/connect';
import { TextQueryMethod } from '@zitadel/node/dist/api/generated/zitadel/object.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { adminV1, managementV1, restV1, v1Code } from '../support/v1-clients.js';

let server: TestServer;

beforeAll(async () => {
  server = await bootTestServer();
});
afterAll(() => server?.close());

describe('admin v1 instance reads', () => {
  it('GetMyInstance answers the running instance with its domains, the primary one marked', async () => {
    const { instance } = await adminV1(server.baseUrl, server.adminPat).getMyInstance({});
    const rows: { id: string; name: string; primary_domain: string }[] = await server.database.dataSource.query(
      `SELECT id, name, primary_domain FROM instances`,
    );
    const mine = rows.find((r) => r.id === instance?.id)!;
    expect(instance).toMatchObject({ id: mine.id, name: mine.name, state: 2 });
    expect(instance?.domains.filter((d) => d.primary).map((d) => d.domain)).toEqual([mine.primary_domain]);
  });

  it('ListInstanceDomains filters by name, primary and generated flags', async () => {
    const admin = adminV1(server.baseUrl, server.adminPat);
    const all = await admin.listInstanceDomains({});
    expect(all.details?.totalResult.toNumber()).toBe(all.result.length);
    const primary = await admin.listInstanceDomains({ queries: [{ primaryQuery: { primary: true } }] });
    expect(primary.result).toHaveLength(1);
    const byName = await admin.listInstanceDomains({
      queries: [
        { domainQuery: { domain: primary.result[0].domain, method: TextQueryMethod.TEXT_QUERY_METHOD_EQUALS } },
      ],
    });
    expect(byName.result.map((d) => d.domain)).toEqual([primary.result[0].domain]);
    const none = await admin.listInstanceDomains({
      queries: [{ domainQuery: { domain: 'nowhere.example.test', method: TextQueryMethod.TEXT_QUERY_METHOD_EQUALS } }],
    });
    expect(none.result).toEqual([]);
  });

  it('an org owner may not read the instance (PERMISSION_DENIED), over gRPC and REST', async () => {
    const { id } = await managementV1(server.baseUrl, server.adminPat).addOrg({ name: 'Instance outsider' });
    const { pat } = await machineWithRoles(server, id, { level: 'org', resourceId: id, roles: ['ORG_OWNER'] });
    expect(await v1Code(adminV1(server.baseUrl, pat).getMyInstance({}))).toBe(Code.PermissionDenied);
    expect((await restV1(server.baseUrl, pat, 'POST', '/admin/v1/domains/_search', {})).status).toBe(403);
    const ok = await restV1(server.baseUrl, server.adminPat, 'GET', '/admin/v1/instances/me');
    expect(ok.status).toBe(200);
    expect(ok.body.instance.state).toBe('STATE_RUNNING');
  });
});
