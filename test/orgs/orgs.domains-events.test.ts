import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Code, ConnectError } from '@connectrpc/connect';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { DomainValidationType } from '@zitadel/proto/zitadel/org/v2beta/org_pb.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { client } from '../support/clients.js';
import { TestDnsServer } from '../support/dns-server.js';

/** What the domain owner publishes: an HTTP file server and a DNS server holding TXT records. */
const httpChallenges = new Map<string, string>();
let httpServer: Server;
let dns: TestDnsServer;
let server: TestServer;

beforeAll(async () => {
  httpServer = createServer((req, res) => {
    const token = httpChallenges.get(req.url ?? '');
    res.writeHead(token ? 200 : 404).end(token ?? 'not here');
  });
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  // The HTTP challenge's host is looked up on the same DNS server; the file server is on loopback.
  dns = await new TestDnsServer().start();
  dns.answerA('localhost', ['127.0.0.1']);
  server = await bootTestServer({
    PORTCULLIS_DOMAIN_CHALLENGE_HTTP_PORT: String((httpServer.address() as AddressInfo).port),
    PORTCULLIS_DNS_SERVERS: dns.address,
    PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: 'true',
  });
});
afterAll(async () => {
  await server?.close();
  httpServer?.close();
  await dns?.stop();
});

describe('organization domains', () => {
  it('verifies a domain by an HTTP challenge, and only with the right token', async () => {
    const orgs = client(OrgV2beta, 'connect-h2', server.baseUrl, server.adminPat);
    const { id } = await orgs.createOrganization({ name: 'Http Verified' });
    await orgs.addOrganizationDomain({ organizationId: id, domain: 'localhost' });
    await expect(orgs.verifyOrganizationDomain({ organizationId: id, domain: 'localhost' })).rejects.toMatchObject({
      code: Code.FailedPrecondition,
    });

    const challenge = await orgs.generateOrganizationDomainValidation({
      organizationId: id,
      domain: 'localhost',
      type: DomainValidationType.HTTP,
    });
    expect(challenge.url).toBe(`https://localhost/.well-known/zitadel-challenge/${challenge.token}`);
    const path = `/.well-known/zitadel-challenge/${challenge.token}`;
    httpChallenges.set(path, 'wrong-token');
    await expect(orgs.verifyOrganizationDomain({ organizationId: id, domain: 'localhost' })).rejects.toMatchObject({
      code: Code.FailedPrecondition,
    });
    httpChallenges.set(path, challenge.token);
    await orgs.verifyOrganizationDomain({ organizationId: id, domain: 'localhost' });

    const domains = await orgs.listOrganizationDomains({ organizationId: id });
    expect(domains.domains.find((d) => d.domainName === 'localhost')).toMatchObject({
      isVerified: true,
      isPrimary: false,
    });
    await expect(orgs.verifyOrganizationDomain({ organizationId: id, domain: 'localhost' })).rejects.toMatchObject({
      code: Code.FailedPrecondition,
    });

    // A domain verified by one org cannot be added by another.
    const other = await orgs.createOrganization({ name: 'Domain Squatter' });
    await expect(orgs.addOrganizationDomain({ organizationId: other.id, domain: 'localhost' })).rejects.toMatchObject({
      code: Code.AlreadyExists,
    });
  });

  it('verifies a domain by a DNS TXT challenge', async () => {
    const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
    const { id } = await orgs.createOrganization({ name: 'Dns Verified' });
    await orgs.addOrganizationDomain({ organizationId: id, domain: 'acme.test' });
    const challenge = await orgs.generateOrganizationDomainValidation({
      organizationId: id,
      domain: 'acme.test',
      type: DomainValidationType.DNS,
    });
    expect(challenge.url).toBe('_zitadel-challenge.acme.test');
    await expect(orgs.verifyOrganizationDomain({ organizationId: id, domain: 'acme.test' })).rejects.toMatchObject({
      code: Code.FailedPrecondition,
    });
    dns.txt.set('_zitadel-challenge.acme.test', challenge.token);
    await orgs.verifyOrganizationDomain({ organizationId: id, domain: 'acme.test' });
    const list = await orgs.listOrganizationDomains({
      organizationId: id,
      filters: [{ filter: { case: 'domainNameFilter', value: { name: 'acme', method: 2 } } }],
    });
    expect(list.domains).toHaveLength(1);
    expect(list.domains[0]).toMatchObject({
      domainName: 'acme.test',
      isVerified: true,
      validationType: DomainValidationType.DNS,
    });
  });

  it('refuses removing the primary domain, removes others, and rejects a bad domain name', async () => {
    const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
    const { id } = await orgs.createOrganization({ name: 'Domain Rules' });
    await expect(
      orgs.deleteOrganizationDomain({ organizationId: id, domain: 'domain-rules.localhost' }),
    ).rejects.toMatchObject({ code: Code.FailedPrecondition });
    await orgs.addOrganizationDomain({ organizationId: id, domain: 'Rules.Example.COM' });
    await expect(orgs.addOrganizationDomain({ organizationId: id, domain: 'rules.example.com' })).rejects.toMatchObject(
      { code: Code.AlreadyExists },
    );
    await orgs.deleteOrganizationDomain({ organizationId: id, domain: 'rules.example.com' });
    const err = ConnectError.from(
      await orgs.addOrganizationDomain({ organizationId: id, domain: 'not a domain' }).catch((e) => e),
    );
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toMatch(/domain/);
  });
});

describe('audit events', () => {
  it('records every change with the actor, in order, and nothing for a failed request', async () => {
    const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
    const { id } = await orgs.createOrganization({ name: 'Audited' });
    await orgs.updateOrganization({ id, name: 'Audited Renamed' });
    const rows: { event_type: string; sequence: string; creator: string; payload: Record<string, unknown> }[] =
      await server.database.dataSource.query(
        `SELECT event_type, sequence, creator, payload FROM events WHERE aggregate_type = 'org' AND aggregate_id = $1 ORDER BY sequence`,
        [id],
      );
    expect(rows.map((r) => r.event_type)).toEqual([
      'org.added',
      'org.domain.added',
      'org.domain.verified',
      'org.domain.primary.set',
      'org.member.added',
      'org.changed',
      'org.domain.generated.changed',
    ]);
    expect(rows.map((r) => Number(r.sequence))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const [{ id: machineId }] = await server.database.dataSource.query(
      `SELECT id FROM users WHERE username = 'portcullis-admin-sa'`,
    );
    expect(new Set(rows.map((r) => r.creator))).toEqual(new Set([machineId]));

    // A request failing half-way (second admin does not exist) leaves neither org nor events.
    const before = await server.database.dataSource.query(`SELECT count(*)::int AS n FROM events`);
    const failed = await orgs
      .createOrganization({
        name: 'Half Written',
        admins: [
          { userType: { case: 'userId', value: machineId }, roles: [] },
          { userType: { case: 'userId', value: '404' }, roles: [] },
        ],
      })
      .catch((e) => ConnectError.from(e));
    expect(failed).toMatchObject({ code: Code.InvalidArgument });
    const after = await server.database.dataSource.query(`SELECT count(*)::int AS n FROM events`);
    expect(after[0].n).toBe(before[0].n);
    expect(await server.database.dataSource.query(`SELECT 1 FROM orgs WHERE name = 'Half Written'`)).toHaveLength(0);
  });

  it('serialises concurrent writes to one org: no lost or duplicate sequence', async () => {
    const orgs = client(OrgV2beta, 'connect-h1', server.baseUrl, server.adminPat);
    const { id } = await orgs.createOrganization({ name: 'Concurrent' });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        orgs.setOrganizationMetadata({
          organizationId: id,
          metadata: [{ key: `k${i}`, value: new Uint8Array([i + 1]) }],
        }),
      ),
    );
    const rows: { sequence: string }[] = await server.database.dataSource.query(
      `SELECT sequence FROM events WHERE aggregate_type = 'org' AND aggregate_id = $1 ORDER BY sequence`,
      [id],
    );
    expect(rows.map((r) => Number(r.sequence))).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
    expect(rows.length).toBe(5 + 20);
    const md = await orgs.listOrganizationMetadata({ organizationId: id });
    expect(md.metadata).toHaveLength(20);
  });
});
