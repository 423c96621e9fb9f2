import { Code } from '@connectrpc/connect';
import { DomainValidationType } from '@zitadel/node/dist/api/generated/zitadel/org.js';
import { TextQueryMethod } from '@zitadel/node/dist/api/generated/zitadel/object.js';
import { TestDnsServer } from '../support/dns-server.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { managementV1, restV1, v1Code } from '../support/v1-clients.js';

let server: TestServer;
let dns: TestDnsServer;
let n = 0;

/** A fresh org made over v1 AddOrg by the instance admin, and a PAT of an ORG_OWNER of it. */
async function orgWithOwner(name: string): Promise<{ orgId: string; owner: string }> {
  const { id } = await managementV1(server.baseUrl, server.adminPat).addOrg({ name: `${name} ${n++}` });
  const { pat } = await machineWithRoles(server, id, { level: 'org', resourceId: id, roles: ['ORG_OWNER'] });
  return { orgId: id, owner: pat };
}

beforeAll(async () => {
  dns = await new TestDnsServer().start();
  server = await bootTestServer({ PORTCULLIS_DNS_SERVERS: dns.address });
});
afterAll(async () => {
  await server?.close();
  await dns?.stop();
});

describe('management v1 orgs over the Node SDK', () => {
  it('AddOrg makes the caller ORG_OWNER of the new org (ZITADEL AddOrg with the creator as owner); GetMyOrg reads it by header', async () => {
    const added = await managementV1(server.baseUrl, server.adminPat).addOrg({ name: `Acme v1 ${n++}` });
    expect(added.id).toBeTruthy();
    expect(added.details?.resourceOwner).toBe(added.id);

    const { org } = await managementV1(server.baseUrl, server.adminPat, added.id).getMyOrg({});
    expect(org).toMatchObject({ id: added.id, state: 1 });
    expect(org?.primaryDomain).toMatch(/^acme-v1-\d+\./);
    const rows = await server.database.dataSource.query(
      `SELECT roles FROM memberships WHERE level = 'org' AND resource_id = $1`,
      [added.id],
    );
    expect(rows.map((r: { roles: string[] }) => r.roles)).toEqual([['ORG_OWNER']]);
  });

  it('GetMyOrg without the header answers the caller own org', async () => {
    const { orgId, owner } = await orgWithOwner('Own');
    expect((await managementV1(server.baseUrl, owner).getMyOrg({})).org?.id).toBe(orgId);
  });

  it('UpdateOrg renames the header org; an unchanged name is FAILED_PRECONDITION, a blank one INVALID_ARGUMENT', async () => {
    const { orgId, owner } = await orgWithOwner('Rename');
    const mgmt = managementV1(server.baseUrl, owner, orgId);
    const name = `Renamed ${n++}`;
    const { details } = await mgmt.updateOrg({ name });
    expect(details?.resourceOwner).toBe(orgId);
    expect((await mgmt.getMyOrg({})).org?.name).toBe(name);
    expect(await v1Code(mgmt.updateOrg({ name }))).toBe(Code.FailedPrecondition);
    expect(await v1Code(mgmt.updateOrg({ name: '  ' }))).toBe(Code.InvalidArgument);
  });

  it('DeactivateOrg and ReactivateOrg flip the state; doing either twice is FAILED_PRECONDITION', async () => {
    // The org's own users cannot sign in while it is inactive: the instance admin flips it.
    const { orgId } = await orgWithOwner('States');
    const mgmt = managementV1(server.baseUrl, server.adminPat, orgId);
    await mgmt.deactivateOrg({});
    expect((await mgmt.getMyOrg({})).org?.state).toBe(2);
    expect(await v1Code(mgmt.deactivateOrg({}))).toBe(Code.FailedPrecondition);
    await mgmt.reactivateOrg({});
    expect((await mgmt.getMyOrg({})).org?.state).toBe(1);
    expect(await v1Code(mgmt.reactivateOrg({}))).toBe(Code.FailedPrecondition);
  });

  it('RemoveOrg deletes the org; reading it afterwards is NOT_FOUND', async () => {
    const { orgId } = await orgWithOwner('Removed');
    const mgmt = managementV1(server.baseUrl, server.adminPat, orgId);
    expect((await mgmt.removeOrg({})).details?.resourceOwner).toBe(orgId);
    expect(await v1Code(mgmt.getMyOrg({}))).toBe(Code.NotFound);
  });

  it('GetOrgByDomainGlobal finds any org of the instance by its primary domain (ZITADEL: OrgByPrimaryDomain)', async () => {
    const a = await orgWithOwner('Global A');
    const b = await orgWithOwner('Global B');
    const { org } = await managementV1(server.baseUrl, a.owner, a.orgId).getMyOrg({});
    const found = await managementV1(server.baseUrl, b.owner).getOrgByDomainGlobal({ domain: org!.primaryDomain });
    expect(found.org?.id).toBe(a.orgId);
    expect(await v1Code(managementV1(server.baseUrl, b.owner).getOrgByDomainGlobal({ domain: 'nowhere.test' }))).toBe(
      Code.NotFound,
    );
  });
});

describe('management v1 org metadata', () => {
  it('sets, bulk sets, gets, lists with a key query, removes and bulk removes', async () => {
    const { orgId, owner } = await orgWithOwner('Meta');
    const mgmt = managementV1(server.baseUrl, owner, orgId);
    await mgmt.setOrgMetadata({ key: 'tier', value: Buffer.from('gold') });
    await mgmt.bulkSetOrgMetadata({
      metadata: [
        { key: 'region', value: Buffer.from('eu') },
        { key: 'team', value: Buffer.from('core') },
      ],
    });
    const got = await mgmt.getOrgMetadata({ key: 'tier' });
    expect(Buffer.from(got.metadata!.value).toString()).toBe('gold');
    expect(got.metadata?.details?.resourceOwner).toBe(orgId);

    const all = await mgmt.listOrgMetadata({ queries: [] });
    expect(all.details?.totalResult.toNumber()).toBe(3);
    expect(all.result.map((m) => m.key)).toEqual(['region', 'team', 'tier']);
    const some = await mgmt.listOrgMetadata({
      queries: [{ keyQuery: { key: 't', method: TextQueryMethod.TEXT_QUERY_METHOD_STARTS_WITH } }],
    });
    expect(some.result.map((m) => m.key)).toEqual(['team', 'tier']);

    await mgmt.removeOrgMetadata({ key: 'tier' });
    expect(await v1Code(mgmt.getOrgMetadata({ key: 'tier' }))).toBe(Code.NotFound);
    expect(await v1Code(mgmt.removeOrgMetadata({ key: 'tier' }))).toBe(Code.NotFound);
    await mgmt.bulkRemoveOrgMetadata({ keys: ['region', 'team'] });
    expect((await mgmt.listOrgMetadata({ queries: [] })).result).toEqual([]);
  });

  it('refuses a blank key or an empty value with INVALID_ARGUMENT and writes nothing', async () => {
    const { orgId, owner } = await orgWithOwner('Meta bad');
    const mgmt = managementV1(server.baseUrl, owner, orgId);
    expect(await v1Code(mgmt.setOrgMetadata({ key: ' ', value: Buffer.from('x') }))).toBe(Code.InvalidArgument);
    expect(
      await v1Code(
        mgmt.bulkSetOrgMetadata({
          metadata: [
            { key: 'ok', value: Buffer.from('x') },
            { key: 'empty', value: Buffer.alloc(0) },
          ],
        }),
      ),
    ).toBe(Code.InvalidArgument);
    expect((await mgmt.listOrgMetadata({ queries: [] })).result).toEqual([]);
  });
});

describe('management v1 org domains', () => {
  it('adds, lists, validates by DNS, sets primary and removes a domain', async () => {
    const { orgId, owner } = await orgWithOwner('Domains');
    const mgmt = managementV1(server.baseUrl, owner, orgId);
    const domain = `v1-${n++}.example.test`;
    await mgmt.addOrgDomain({ domain });
    expect(await v1Code(mgmt.addOrgDomain({ domain }))).toBe(Code.AlreadyExists);
    const listed = await mgmt.listOrgDomains({
      queries: [{ domainNameQuery: { name: domain, method: TextQueryMethod.TEXT_QUERY_METHOD_EQUALS } }],
    });
    expect(listed.result).toMatchObject([{ orgId, domainName: domain, isVerified: false, isPrimary: false }]);

    // ZITADEL: only a verified domain can become the primary one.
    expect(await v1Code(mgmt.setPrimaryOrgDomain({ domain }))).toBe(Code.FailedPrecondition);
    const challenge = await mgmt.generateOrgDomainValidation({
      domain,
      type: DomainValidationType.DOMAIN_VALIDATION_TYPE_DNS,
    });
    expect(challenge.url).toBe(`_zitadel-challenge.${domain}`);
    expect(await v1Code(mgmt.validateOrgDomain({ domain }))).toBe(Code.FailedPrecondition);
    dns.txt.set(`_zitadel-challenge.${domain}`, challenge.token);
    await mgmt.validateOrgDomain({ domain });

    const generated = (await mgmt.getMyOrg({})).org!.primaryDomain;
    await mgmt.setPrimaryOrgDomain({ domain });
    expect((await mgmt.getMyOrg({})).org?.primaryDomain).toBe(domain);
    const all = await mgmt.listOrgDomains({ queries: [] });
    expect(all.result.filter((d) => d.isPrimary).map((d) => d.domainName)).toEqual([domain]);
    expect(await v1Code(mgmt.removeOrgDomain({ domain }))).toBe(Code.FailedPrecondition);
    await mgmt.setPrimaryOrgDomain({ domain: generated });
    await mgmt.removeOrgDomain({ domain });
    expect((await mgmt.listOrgDomains({ queries: [] })).result.map((d) => d.domainName)).toEqual([generated]);
  });

  it('refuses an invalid domain (INVALID_ARGUMENT) and an unknown validation type', async () => {
    const { orgId, owner } = await orgWithOwner('Domains bad');
    const mgmt = managementV1(server.baseUrl, owner, orgId);
    expect(await v1Code(mgmt.addOrgDomain({ domain: 'not a domain' }))).toBe(Code.InvalidArgument);
    await mgmt.addOrgDomain({ domain: 'typed.example.test' });
    expect(
      await v1Code(
        mgmt.generateOrgDomainValidation({
          domain: 'typed.example.test',
          type: DomainValidationType.DOMAIN_VALIDATION_TYPE_UNSPECIFIED,
        }),
      ),
    ).toBe(Code.InvalidArgument);
  });
});

describe('management v1 orgs across orgs', () => {
  it("org B's owner naming org A in x-zitadel-orgid gets NOT_FOUND for every read and write, and A is untouched", async () => {
    const a = await orgWithOwner('Victim');
    const b = await orgWithOwner('Intruder');
    const intruder = managementV1(server.baseUrl, b.owner, a.orgId);
    const calls: (() => Promise<unknown>)[] = [
      () => intruder.getMyOrg({}),
      () => intruder.updateOrg({ name: 'Taken over' }),
      () => intruder.deactivateOrg({}),
      () => intruder.removeOrg({}),
      () => intruder.setOrgMetadata({ key: 'k', value: Buffer.from('v') }),
      () => intruder.listOrgMetadata({ queries: [] }),
      () => intruder.getOrgMetadata({ key: 'k' }),
      () => intruder.addOrgDomain({ domain: 'steal.example.test' }),
      () => intruder.listOrgDomains({ queries: [] }),
      () => intruder.setPrimaryOrgDomain({ domain: 'steal.example.test' }),
    ];
    for (const call of calls) expect(await v1Code(call())).toBe(Code.NotFound);
    const victim = (await managementV1(server.baseUrl, a.owner).getMyOrg({})).org!;
    expect(victim).toMatchObject({ id: a.orgId, state: 1 });
    expect(victim.name).toMatch(/^Victim/);
  });

  it("without the header org B's owner acts on org B only", async () => {
    const a = await orgWithOwner('Left alone');
    const b = await orgWithOwner('Acting');
    await managementV1(server.baseUrl, b.owner).setOrgMetadata({ key: 'mine', value: Buffer.from('b') });
    expect(
      (await managementV1(server.baseUrl, b.owner).listOrgMetadata({ queries: [] })).result.map((m) => m.key),
    ).toEqual(['mine']);
    expect((await managementV1(server.baseUrl, a.owner).listOrgMetadata({ queries: [] })).result).toEqual([]);
  });

  it('an ORG_OWNER_VIEWER reads but may not write: PERMISSION_DENIED', async () => {
    const a = await orgWithOwner('Viewed');
    const { pat } = await machineWithRoles(server, a.orgId, {
      level: 'org',
      resourceId: a.orgId,
      roles: ['ORG_OWNER_VIEWER'],
    });
    const viewer = managementV1(server.baseUrl, pat);
    expect((await viewer.getMyOrg({})).org?.id).toBe(a.orgId);
    expect(await v1Code(viewer.updateOrg({ name: 'Viewer rename' }))).toBe(Code.PermissionDenied);
    expect(await v1Code(viewer.addOrg({ name: 'Viewer org' }))).toBe(Code.PermissionDenied);
  });

  it('lists the org identity providers of the old IDP API: a new org has none of its own', async () => {
    const a = await orgWithOwner('Changes');
    const listed = await managementV1(server.baseUrl, a.owner).listOrgIDPs({});
    expect(listed.result.filter((idp) => idp.details?.resourceOwner === a.orgId)).toEqual([]);
  });
});

describe('management v1 orgs over REST', () => {
  it('GET /orgs/me, PUT /orgs/me, POST /metadata/{key}, POST /metadata/_search, GET and DELETE /metadata/{key}', async () => {
    const { orgId, owner } = await orgWithOwner('Rest');
    const call = (method: string, path: string, body?: unknown, org = orgId) =>
      restV1(server.baseUrl, owner, method, `/management/v1${path}`, body, org);
    expect((await call('GET', '/orgs/me')).body.org).toMatchObject({ id: orgId, state: 'ORG_STATE_ACTIVE' });
    expect((await call('PUT', '/orgs/me', { name: `Rest renamed ${n++}` })).status).toBe(200);
    expect((await call('POST', '/metadata/colour', { value: Buffer.from('blue').toString('base64') })).status).toBe(
      200,
    );
    const listed = await call('POST', '/metadata/_search', {});
    expect(listed.body.details.totalResult).toBe('1');
    expect(listed.body.result).toMatchObject([{ key: 'colour', value: Buffer.from('blue').toString('base64') }]);
    expect((await call('GET', '/metadata/colour')).body.metadata.key).toBe('colour');
    expect((await call('DELETE', '/metadata/colour')).status).toBe(200);
    expect((await call('GET', '/metadata/colour')).status).toBe(404);
  });

  it('answers 400 naming the field for a blank name, and 404 for another org in the header', async () => {
    const a = await orgWithOwner('Rest A');
    const b = await orgWithOwner('Rest B');
    const bad = await restV1(server.baseUrl, a.owner, 'PUT', '/management/v1/orgs/me', { name: '' }, a.orgId);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('name');
    const foreign = await restV1(server.baseUrl, b.owner, 'GET', '/management/v1/orgs/me', undefined, a.orgId);
    expect(foreign.status).toBe(404);
  });
});
