import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import { APIAuthMethodType } from '@zitadel/proto/zitadel/app/v2beta/api_pb.js';
import { ApplicationKeysSorting } from '@zitadel/proto/zitadel/app/v2beta/app_pb.js';
import { AppService } from '@zitadel/proto/zitadel/app/v2beta/app_service_pb.js';
import { OIDCAuthMethodType } from '@zitadel/proto/zitadel/app/v2beta/oidc_pb.js';
import type { SAMLConfig } from '@zitadel/proto/zitadel/app/v2beta/saml_pb.js';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { BadRequestSchema } from '../../src/gen/google/rpc/error_details_pb.js';
import { hashToken } from '../../src/platform/crypto/master-key.js';
import { client, type TransportName } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { insertProject } from './fixtures.js';
import { DOCTYPE_METADATA, XXE_METADATA, spMetadata } from './saml-fixtures.js';

let server: TestServer;
let orgId: string;
let projectId: string;
let otherProjectId: string;

/** Serves SP metadata documents by path, as a service provider would. */
let metadataServer: Server;
let metadataBase: string;
const documents = new Map<string, { status: number; body: string }>();

beforeAll(async () => {
  server = await bootTestServer({ PORTCULLIS_OUTBOUND_ALLOW_PRIVATE: 'true' }); // the metadata server is on loopback
  orgId = (
    await client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat).createOrganization({ name: 'Apps API SAML Org' })
  ).id;
  projectId = await insertProject(server, orgId, 'Service Project');
  otherProjectId = await insertProject(server, orgId, 'Other Project');
  metadataServer = createServer((req, res) => {
    const doc = documents.get(req.url ?? '');
    res.writeHead(doc?.status ?? 404, { 'content-type': 'application/samlmetadata+xml' });
    res.end(doc?.body ?? 'not here');
  });
  await new Promise<void>((resolve) => metadataServer.listen(0, '127.0.0.1', resolve));
  metadataBase = `http://127.0.0.1:${(metadataServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => metadataServer?.close(resolve));
  await server?.close();
});

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error('the call succeeded');
}

const inAnHour = () => timestampFromDate(new Date(Date.now() + 3600_000));
let n = 0;

describe.each(['grpc', 'connect-h1'] as TransportName[])('API apps over %s', (transportName) => {
  const apps = () => client(AppService, transportName, server.baseUrl, server.adminPat);

  it('creates a basic API app with a secret returned once and stored hashed', async () => {
    const created = await apps().createApplication({
      projectId,
      name: `API basic ${n++}`,
      creationRequestType: {
        case: 'apiRequest',
        value: { authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC },
      },
    });
    expect(created.creationResponseType.case).toBe('apiResponse');
    const res = created.creationResponseType.value as { clientId: string; clientSecret: string };
    expect(res.clientId).toMatch(/^\d{18}@service_project$/);
    expect(res.clientSecret).toHaveLength(64);
    const [row] = await server.database.dataSource.query(`SELECT client_secret_hash FROM apps WHERE id = $1`, [
      created.appId,
    ]);
    expect(row.client_secret_hash).toBe(hashToken(res.clientSecret));
    const got = await apps().getApplication({ id: created.appId });
    expect(got.app?.config).toMatchObject({
      case: 'apiConfig',
      value: { clientId: res.clientId, authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC },
    });

    const regenerated = await apps().regenerateClientSecret({
      projectId,
      applicationId: created.appId,
      appType: { case: 'isApi', value: true },
    });
    expect(regenerated.clientSecret).not.toBe(res.clientSecret);
  });

  it('creates a private_key_jwt API app without a secret, and switches it to basic', async () => {
    const created = await apps().createApplication({
      projectId,
      name: `API jwt ${n++}`,
      creationRequestType: {
        case: 'apiRequest',
        value: { authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT },
      },
    });
    expect((created.creationResponseType.value as { clientSecret: string }).clientSecret).toBe('');
    await apps().updateApplication({
      projectId,
      id: created.appId,
      updateRequestType: {
        case: 'apiConfigurationRequest',
        value: { authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC },
      },
    });
    const got = await apps().getApplication({ id: created.appId });
    expect(got.app?.config.value).toMatchObject({ authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC });
    // Basic now, but no secret until one is generated.
    const secret = await apps().regenerateClientSecret({
      projectId,
      applicationId: created.appId,
      appType: { case: 'isApi', value: true },
    });
    expect(secret.clientSecret).toHaveLength(64);
  });
});

describe('SAML apps', () => {
  const apps = () => client(AppService, 'grpc', server.baseUrl, server.adminPat);
  const createSaml = (
    metadata: { case: 'metadataXml'; value: Uint8Array } | { case: 'metadataUrl'; value: string },
    name = `SAML ${n++}`,
  ) =>
    apps().createApplication({
      projectId,
      name,
      creationRequestType: {
        case: 'samlRequest',
        value: { metadata, loginVersion: { version: { case: 'loginV1', value: {} } } },
      },
    });
  const xml = (s: string) => ({ case: 'metadataXml' as const, value: Buffer.from(s, 'utf8') });

  it('creates one from metadata XML and shows it back', async () => {
    const metadata = spMetadata({ entityId: 'https://sp-xml.example.test/metadata' });
    const created = await createSaml(xml(metadata));
    expect(created.creationResponseType.case).toBe('samlResponse');
    const got = await apps().getApplication({ id: created.appId });
    expect(got.app?.config.case).toBe('samlConfig');
    const saml = got.app!.config.value as SAMLConfig;
    expect(saml.metadata.case).toBe('metadataXml');
    expect(Buffer.from(saml.metadata.value as Uint8Array).toString('utf8')).toBe(metadata);
    expect(saml.loginVersion?.version.case).toBe('loginV1');
    const [row] = await server.database.dataSource.query(`SELECT entity_id FROM app_saml_configs WHERE app_id = $1`, [
      created.appId,
    ]);
    expect(row.entity_id).toBe('https://sp-xml.example.test/metadata');
  });

  it('creates one from a metadata URL, fetched on save', async () => {
    documents.set('/sp/metadata', {
      status: 200,
      body: spMetadata({ entityId: 'https://sp-url.example.test/metadata' }),
    });
    const url = `${metadataBase}/sp/metadata`;
    const created = await createSaml({ case: 'metadataUrl', value: url });
    const saml = (await apps().getApplication({ id: created.appId })).app!.config.value as SAMLConfig;
    expect(saml.metadata).toEqual({ case: 'metadataUrl', value: url });
    const [row] = await server.database.dataSource.query(
      `SELECT entity_id, metadata FROM app_saml_configs WHERE app_id = $1`,
      [created.appId],
    );
    expect(row.entity_id).toBe('https://sp-url.example.test/metadata');
    expect(row.metadata).toContain('EntityDescriptor');
  });

  it('refuses a URL that does not answer with metadata', async () => {
    documents.set('/sp/broken', { status: 200, body: '<html>not metadata</html>' });
    const broken = await failure(createSaml({ case: 'metadataUrl', value: `${metadataBase}/sp/broken` }));
    expect(broken.code).toBe(Code.InvalidArgument);
    expect(broken.findDetails(BadRequestSchema)[0].fieldViolations[0].field).toBe('saml_request.metadata_url');
    expect((await failure(createSaml({ case: 'metadataUrl', value: `${metadataBase}/sp/missing` }))).code).toBe(
      Code.InvalidArgument,
    );
    expect((await failure(createSaml({ case: 'metadataUrl', value: 'ftp://sp.example.test/md' }))).code).toBe(
      Code.InvalidArgument,
    );
  });

  it.each([
    ['not XML', 'hello'],
    ['no entityID', spMetadata({ entityId: '' })],
    ['no AssertionConsumerService', spMetadata({ entityId: 'https://no-acs.example.test', acsLocation: null })],
    ['a broken certificate', spMetadata({ entityId: 'https://bad-cert.example.test', certificate: 'AAAA' })],
    ['an XXE attempt', XXE_METADATA],
    ['a DOCTYPE', DOCTYPE_METADATA],
  ])('refuses metadata with %s (INVALID_ARGUMENT on metadata_xml)', async (_name, body) => {
    const err = await failure(createSaml(xml(body)));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.findDetails(BadRequestSchema)[0].fieldViolations[0].field).toBe('saml_request.metadata_xml');
  });

  it('refuses an XXE attempt served from a URL too', async () => {
    documents.set('/sp/xxe', { status: 200, body: XXE_METADATA });
    const err = await failure(createSaml({ case: 'metadataUrl', value: `${metadataBase}/sp/xxe` }));
    expect(err.code).toBe(Code.InvalidArgument);
  });

  it('keeps entity ids unique in the instance, also on update', async () => {
    const entityId = 'https://unique-sp.example.test/metadata';
    await createSaml(xml(spMetadata({ entityId })));
    expect((await failure(createSaml(xml(spMetadata({ entityId }))))).code).toBe(Code.AlreadyExists);
    // Another project does not make it another instance.
    const elsewhere = await failure(
      apps().createApplication({
        projectId: otherProjectId,
        name: 'Dup',
        creationRequestType: { case: 'samlRequest', value: { metadata: xml(spMetadata({ entityId })) } },
      }),
    );
    expect(elsewhere.code).toBe(Code.AlreadyExists);
    const second = await createSaml(xml(spMetadata({ entityId: 'https://second-sp.example.test/metadata' })));
    const clash = await failure(
      apps().updateApplication({
        projectId,
        id: second.appId,
        updateRequestType: { case: 'samlConfigurationRequest', value: { metadata: xml(spMetadata({ entityId })) } },
      }),
    );
    expect(clash.code).toBe(Code.AlreadyExists);
  });

  it('updates metadata (XML or URL) and the login version', async () => {
    const created = await createSaml(xml(spMetadata({ entityId: 'https://update-sp.example.test/one' })));
    documents.set('/sp/two', { status: 200, body: spMetadata({ entityId: 'https://update-sp.example.test/two' }) });
    await apps().updateApplication({
      projectId,
      id: created.appId,
      name: 'SAML renamed',
      updateRequestType: {
        case: 'samlConfigurationRequest',
        value: {
          metadata: { case: 'metadataUrl', value: `${metadataBase}/sp/two` },
          loginVersion: { version: { case: 'loginV2', value: { baseUri: 'https://login.example.test/' } } },
        },
      },
    });
    const got = (await apps().getApplication({ id: created.appId })).app!;
    expect(got.name).toBe('SAML renamed');
    const saml = got.config.value as SAMLConfig;
    expect(saml.metadata).toEqual({ case: 'metadataUrl', value: `${metadataBase}/sp/two` });
    expect(saml.loginVersion?.version).toMatchObject({
      case: 'loginV2',
      value: { baseUri: 'https://login.example.test/' },
    });
    const [row] = await server.database.dataSource.query(`SELECT entity_id FROM app_saml_configs WHERE app_id = $1`, [
      created.appId,
    ]);
    expect(row.entity_id).toBe('https://update-sp.example.test/two');
    // An OIDC configuration for a SAML app is refused.
    const wrong = await failure(
      apps().updateApplication({
        projectId,
        id: created.appId,
        updateRequestType: { case: 'oidcConfigurationRequest', value: {} },
      }),
    );
    expect(wrong.code).toBe(Code.InvalidArgument);
  });
});

describe('application keys', () => {
  const apps = () => client(AppService, 'connect-h1', server.baseUrl, server.adminPat);
  let apiApp: { appId: string; clientId: string };

  beforeAll(async () => {
    const created = await apps().createApplication({
      projectId,
      name: 'Keyed API',
      creationRequestType: {
        case: 'apiRequest',
        value: { authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT },
      },
    });
    apiApp = { appId: created.appId, clientId: (created.creationResponseType.value as { clientId: string }).clientId };
  });

  it("returns ZITADEL's application key file once, keeping only the public key", async () => {
    const key = await apps().createApplicationKey({ projectId, appId: apiApp.appId, expirationDate: inAnHour() });
    expect(key.id).toMatch(/^\d{18}$/);
    const file = JSON.parse(Buffer.from(key.keyDetails).toString('utf8'));
    expect(Object.keys(file)).toEqual(['type', 'keyId', 'key', 'appId', 'clientId']);
    expect(file).toMatchObject({ type: 'application', keyId: key.id, appId: apiApp.appId, clientId: apiApp.clientId });
    expect(file.key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);

    // The stored public key verifies what the private key in the file signs.
    const [row] = await server.database.dataSource.query(`SELECT public_key FROM app_keys WHERE id = $1`, [key.id]);
    const data = Buffer.from('client assertion');
    const signature = sign('sha256', data, createPrivateKey(file.key));
    expect(verify('sha256', data, createPublicKey(row.public_key), signature)).toBe(true);
    expect(row.public_key).not.toContain('PRIVATE');

    const got = await apps().getApplicationKey({ id: key.id });
    expect(got.id).toBe(key.id);
    expect(got.expirationDate).toBeDefined();
    expect((await failure(apps().getApplicationKey({ id: key.id, projectId: otherProjectId }))).code).toBe(
      Code.NotFound,
    );
  });

  it("gives keys ZITADEL's far-future expiration when none is asked for, and refuses the past", async () => {
    const key = await apps().createApplicationKey({ projectId, appId: apiApp.appId });
    const got = await apps().getApplicationKey({ id: key.id, applicationId: apiApp.appId });
    expect(got.expirationDate?.seconds).toBe(BigInt(Date.UTC(9999, 11, 31, 23, 59, 59) / 1000));
    const past = await failure(
      apps().createApplicationKey({
        projectId,
        appId: apiApp.appId,
        expirationDate: timestampFromDate(new Date(Date.now() - 1000)),
      }),
    );
    expect(past.code).toBe(Code.InvalidArgument);
  });

  it('only gives keys to private_key_jwt apps', async () => {
    const basic = await apps().createApplication({
      projectId,
      name: 'Basic API',
      creationRequestType: {
        case: 'apiRequest',
        value: { authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC },
      },
    });
    expect((await failure(apps().createApplicationKey({ projectId, appId: basic.appId }))).code).toBe(
      Code.FailedPrecondition,
    );
    const jwtOidc = await apps().createApplication({
      projectId,
      name: 'JWT OIDC',
      creationRequestType: {
        case: 'oidcRequest',
        value: {
          redirectUris: ['https://jwt.example.com/cb'],
          authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT,
        },
      },
    });
    expect(await apps().createApplicationKey({ projectId, appId: jwtOidc.appId })).toMatchObject({
      id: expect.any(String),
    });
  });

  it('lists keys by app, project or org, sorted, and deletes them', async () => {
    const other = await apps().createApplication({
      projectId: otherProjectId,
      name: 'Other keyed',
      creationRequestType: {
        case: 'apiRequest',
        value: { authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT },
      },
    });
    const otherKey = await apps().createApplicationKey({ projectId: otherProjectId, appId: other.appId });
    const byApp = await apps().listApplicationKeys({ resourceId: { case: 'applicationId', value: apiApp.appId } });
    expect(byApp.keys.length).toBeGreaterThanOrEqual(2);
    expect(
      byApp.keys.every(
        (k) => k.applicationId === apiApp.appId && k.projectId === projectId && k.organizationId === orgId,
      ),
    ).toBe(true);
    const byProject = await apps().listApplicationKeys({ resourceId: { case: 'projectId', value: otherProjectId } });
    expect(byProject.keys.map((k) => k.id)).toEqual([otherKey.id]);
    expect(byProject.pagination?.totalResult).toBe(1n);
    const byOrg = await apps().listApplicationKeys({
      resourceId: { case: 'organizationId', value: orgId },
      sortingColumn: ApplicationKeysSorting.APPLICATION_KEYS_SORT_BY_CREATION_DATE,
      pagination: { asc: true },
    });
    expect(byOrg.keys.map((k) => k.id)).toContain(otherKey.id);
    const created = byOrg.keys.map((k) => Number(k.creationDate!.seconds));
    expect([...created].sort((a, b) => a - b)).toEqual(created);

    // Deleting needs the right project and app.
    expect(
      (await failure(apps().deleteApplicationKey({ id: otherKey.id, projectId, applicationId: apiApp.appId }))).code,
    ).toBe(Code.NotFound);
    const deleted = await apps().deleteApplicationKey({
      id: otherKey.id,
      projectId: otherProjectId,
      applicationId: other.appId,
    });
    expect(deleted.deletionDate).toBeDefined();
    expect((await failure(apps().getApplicationKey({ id: otherKey.id }))).code).toBe(Code.NotFound);
    expect(
      (
        await failure(
          apps().deleteApplicationKey({ id: otherKey.id, projectId: otherProjectId, applicationId: other.appId }),
        )
      ).code,
    ).toBe(Code.NotFound);
  });
});
