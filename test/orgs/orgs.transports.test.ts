import { OrganizationService as OrgV2 } from '@zitadel/proto/zitadel/org/v2/org_service_pb.js';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { TextQueryMethod } from '@zitadel/proto/zitadel/object/v2/object_pb.js';
import { Code, ConnectError } from '@connectrpc/connect';
import { ErrorDetailSchema } from '@zitadel/proto/zitadel/message_pb.js';
import { BadRequestSchema } from '../../src/gen/google/rpc/error_details_pb.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { client, TRANSPORTS } from '../support/clients.js';

let server: TestServer;
beforeAll(async () => {
  server = await bootTestServer();
});
afterAll(() => server?.close());

describe.each(TRANSPORTS)('organizations over %s', (transportName) => {
  it('creates, finds, renames, deactivates, reactivates and deletes an org', async () => {
    const beta = client(OrgV2beta, transportName, server.baseUrl, server.adminPat);
    const v2 = client(OrgV2, transportName, server.baseUrl, server.adminPat);
    const name = `Acme ${transportName}`;

    const created = await beta.createOrganization({ name });
    expect(created.id).toMatch(/^\d{18}$/);
    expect(created.creationDate).toBeDefined();
    // With no admins named, the caller becomes the org's owner.
    expect(created.organizationAdmins).toHaveLength(1);

    const found = await v2.listOrganizations({
      queries: [{ query: { case: 'nameQuery', value: { name, method: TextQueryMethod.EQUALS } } }],
    });
    expect(found.details?.totalResult).toBe(1n);
    expect(found.result[0]).toMatchObject({ id: created.id, name, primaryDomain: `acme-${transportName}.localhost` });
    expect(found.result[0].details?.resourceOwner).toBe(created.id);

    await beta.updateOrganization({ id: created.id, name: `${name} renamed` });
    const renamed = await beta.listOrganizations({
      filter: [{ filter: { case: 'idFilter', value: { id: created.id } } }],
    });
    expect(renamed.organizations[0].name).toBe(`${name} renamed`);
    expect(renamed.organizations[0].primaryDomain).toBe(`acme-${transportName}-renamed.localhost`);

    await beta.deactivateOrganization({ id: created.id });
    await expect(beta.deactivateOrganization({ id: created.id })).rejects.toMatchObject({
      code: Code.FailedPrecondition,
    });
    await beta.activateOrganization({ id: created.id });

    await beta.setOrganizationMetadata({
      organizationId: created.id,
      metadata: [{ key: 'tier', value: new TextEncoder().encode('gold') }],
    });
    const md = await beta.listOrganizationMetadata({ organizationId: created.id });
    expect(md.metadata.map((m) => [m.key, new TextDecoder().decode(m.value)])).toEqual([['tier', 'gold']]);

    await beta.deleteOrganization({ id: created.id });
    const gone = await v2.listOrganizations({ queries: [{ query: { case: 'idQuery', value: { id: created.id } } }] });
    expect(gone.result).toHaveLength(0);
  });

  it('refuses calls without a token with UNAUTHENTICATED', async () => {
    const anonymous = client(OrgV2, transportName, server.baseUrl);
    const err = await anonymous.listOrganizations({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.Unauthenticated);
  });

  it('names the bad field with INVALID_ARGUMENT and ZITADEL error details', async () => {
    const beta = client(OrgV2beta, transportName, server.baseUrl, server.adminPat);
    const err = (await beta.createOrganization({ name: '' }).catch((e: unknown) => e)) as ConnectError;
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toMatch(/name/);
    expect(err.rawMessage).toMatch(/\([A-Z]+-[A-Za-z0-9]+\)$/);
    const [detail] = err.findDetails(ErrorDetailSchema);
    expect(detail.id).toMatch(/^[A-Z]+-/);
    expect(err.rawMessage).toContain(`(${detail.id})`);
    const [badRequest] = err.findDetails(BadRequestSchema);
    expect(badRequest.fieldViolations.map((v) => v.field)).toContain('name');
  });

  it('answers UNIMPLEMENTED for a contract service that is not built yet', async () => {
    const { ZITADELUserSchemas } = await import(
      '@zitadel/proto/zitadel/resources/userschema/v3alpha/user_schema_service_pb.js'
    );
    const schemas = client(ZITADELUserSchemas, transportName, server.baseUrl, server.adminPat);
    await expect(schemas.getUserSchema({ id: '1' })).rejects.toMatchObject({ code: Code.Unimplemented });
  });
});

describe('@zitadel/client as published', () => {
  it('adds and lists organizations with createOrganizationServiceClient over its server transport', async () => {
    const { createOrganizationServiceClient } = await import('@zitadel/client/v2');
    const { createServerTransport } = await import('@zitadel/client/node');
    const orgs = createOrganizationServiceClient(createServerTransport(server.adminPat, { baseUrl: server.baseUrl }));
    const { organizationId } = await orgs.addOrganization({ name: 'Zitadel Client Org' });
    const listed = await orgs.listOrganizations({
      queries: [{ query: { case: 'idQuery', value: { id: organizationId } } }],
    });
    expect(listed.result[0]?.name).toBe('Zitadel Client Org');
  });
});
