import { Code, ConnectError } from '@connectrpc/connect';
import { APIAuthMethodType } from '@zitadel/proto/zitadel/app/v2beta/api_pb.js';
import { AppSorting, AppState } from '@zitadel/proto/zitadel/app/v2beta/app_pb.js';
import { AppService } from '@zitadel/proto/zitadel/app/v2beta/app_service_pb.js';
import { OIDCAuthMethodType } from '@zitadel/proto/zitadel/app/v2beta/oidc_pb.js';
import { TextFilterMethod } from '@zitadel/proto/zitadel/filter/v2/filter_pb.js';
import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { ProjectService } from '@zitadel/proto/zitadel/project/v2beta/project_service_pb.js';
import { clientSecretMatches } from '../../src/apps/app-rules.js';
import { AppsQueries } from '../../src/apps/apps.queries.js';
import { client, codeOf } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { insertProject, instanceIdOf } from './fixtures.js';
import { spMetadata } from './saml-fixtures.js';

type Apps = ReturnType<typeof client<typeof AppService>>;

let server: TestServer;
let instanceId: string;
let orgA: string;
let projectA: string;
let projectA2: string;
let admin: Apps;

beforeAll(async () => {
  server = await bootTestServer();
  instanceId = await instanceIdOf(server);
  const orgs = client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat);
  orgA = (await orgs.createOrganization({ name: 'Apps Org A' })).id;
  projectA = await insertProject(server, orgA, 'Project A', { roleAssertion: true });
  projectA2 = await insertProject(server, orgA, 'Project A2');
  admin = client(AppService, 'grpc', server.baseUrl, server.adminPat);
});
afterAll(() => server?.close());

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error('the call succeeded');
}

function webApp(
  apps: Apps,
  projectId: string,
  name: string,
  authMethodType = OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_BASIC,
) {
  return apps.createApplication({
    projectId,
    name,
    creationRequestType: {
      case: 'oidcRequest',
      value: { redirectUris: ['https://app.example.com/cb'], authMethodType },
    },
  });
}

describe('deactivate, reactivate, delete, and what the OIDC layer sees', () => {
  it('refuses a deactivated app in activeClient, and lets it in again once reactivated', async () => {
    const queries = server.app.get(AppsQueries);
    const created = await webApp(admin, projectA, 'Lifecycle web');
    const { clientId, clientSecret } = created.creationResponseType.value as { clientId: string; clientSecret: string };

    const active = await queries.activeClient(instanceId, clientId);
    expect(active).toMatchObject({
      appId: created.appId,
      projectId: projectA,
      orgId: orgA,
      kind: 'oidc',
      authMethod: 'basic',
      project: { roleAssertion: true },
    });
    expect(active?.oidc).toMatchObject({
      redirectUris: ['https://app.example.com/cb'],
      responseTypes: ['code'],
      grantTypes: ['authorization_code'],
      appType: 'web',
    });
    expect(clientSecretMatches(active!.clientSecretHash, clientSecret)).toBe(true);
    expect(clientSecretMatches(active!.clientSecretHash, clientSecret + 'x')).toBe(false);

    const deactivated = await admin.deactivateApplication({ projectId: projectA, id: created.appId });
    expect(deactivated.deactivationDate).toBeDefined();
    expect((await admin.getApplication({ id: created.appId })).app?.state).toBe(AppState.INACTIVE);
    expect(await queries.activeClient(instanceId, clientId)).toBeUndefined();
    expect((await failure(admin.deactivateApplication({ projectId: projectA, id: created.appId }))).code).toBe(
      Code.FailedPrecondition,
    );

    const reactivated = await admin.reactivateApplication({ projectId: projectA, id: created.appId });
    expect(reactivated.reactivationDate).toBeDefined();
    expect(await queries.activeClient(instanceId, clientId)).toBeDefined();
    expect((await failure(admin.reactivateApplication({ projectId: projectA, id: created.appId }))).code).toBe(
      Code.FailedPrecondition,
    );
    expect(await queries.activeClient(instanceId, 'nobody@project_a')).toBeUndefined();
  });

  it('refuses clients of a deactivated project or org', async () => {
    const queries = server.app.get(AppsQueries);
    const orgC = (
      await client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat).createOrganization({ name: 'Apps Org C' })
    ).id;
    const projectC = await insertProject(server, orgC, 'Project C');
    const created = await webApp(admin, projectC, 'Project state web');
    const { clientId } = created.creationResponseType.value as { clientId: string };
    expect(await queries.activeClient(instanceId, clientId)).toBeDefined();
    await server.database.dataSource.query(`UPDATE projects SET state = 'inactive' WHERE id = $1`, [projectC]);
    expect(await queries.activeClient(instanceId, clientId)).toBeUndefined();
    await server.database.dataSource.query(`UPDATE projects SET state = 'active' WHERE id = $1`, [projectC]);
    await client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat).deactivateOrganization({ id: orgC });
    expect(await queries.activeClient(instanceId, clientId)).toBeUndefined();
  });

  it('serves keys and SAML service providers to the protocol layers only while active', async () => {
    const queries = server.app.get(AppsQueries);
    const api = await admin.createApplication({
      projectId: projectA,
      name: 'Key lookup API',
      creationRequestType: {
        case: 'apiRequest',
        value: { authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT },
      },
    });
    const { clientId } = api.creationResponseType.value as { clientId: string };
    const key = await admin.createApplicationKey({ projectId: projectA, appId: api.appId });
    expect((await queries.activeClientKey(instanceId, clientId, key.id))?.publicKey).toMatch(/BEGIN PUBLIC KEY/);
    expect(await queries.activeClientKey(instanceId, clientId, '1')).toBeUndefined();

    const entityId = 'https://lifecycle-sp.example.test/metadata';
    const saml = await admin.createApplication({
      projectId: projectA,
      name: 'Lifecycle SAML',
      creationRequestType: {
        case: 'samlRequest',
        value: { metadata: { case: 'metadataXml', value: Buffer.from(spMetadata({ entityId })) } },
      },
    });
    expect((await queries.activeServiceProvider(instanceId, entityId))?.appId).toBe(saml.appId);
    await admin.deactivateApplication({ projectId: projectA, id: saml.appId });
    expect(await queries.activeServiceProvider(instanceId, entityId)).toBeUndefined();
  });

  it('deletes an app with its keys; deleting the project deletes its apps', async () => {
    const api = await admin.createApplication({
      projectId: projectA2,
      name: 'Doomed API',
      creationRequestType: {
        case: 'apiRequest',
        value: { authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT },
      },
    });
    const key = await admin.createApplicationKey({ projectId: projectA2, appId: api.appId });
    expect((await failure(admin.deleteApplication({ projectId: projectA, id: api.appId }))).code).toBe(Code.NotFound);
    const deleted = await admin.deleteApplication({ projectId: projectA2, id: api.appId });
    expect(deleted.deletionDate).toBeDefined();
    expect((await failure(admin.getApplication({ id: api.appId }))).code).toBe(Code.NotFound);
    expect((await failure(admin.getApplicationKey({ id: key.id }))).code).toBe(Code.NotFound);
    expect((await failure(admin.deleteApplication({ projectId: projectA2, id: api.appId }))).code).toBe(Code.NotFound);

    const projectD = await insertProject(server, orgA, 'Project D');
    const kept = await webApp(admin, projectD, 'Cascaded web');
    await admin.createApplication({
      projectId: projectD,
      name: 'Cascaded SAML',
      creationRequestType: {
        case: 'samlRequest',
        value: {
          metadata: {
            case: 'metadataXml',
            value: Buffer.from(spMetadata({ entityId: 'https://cascade.example.test' })),
          },
        },
      },
    });
    await server.database.dataSource.query(`DELETE FROM projects WHERE id = $1`, [projectD]);
    expect((await failure(admin.getApplication({ id: kept.appId }))).code).toBe(Code.NotFound);
    const [left] = await server.database.dataSource.query(
      `SELECT (SELECT count(*) FROM apps WHERE project_id = $1)::int AS apps,
              (SELECT count(*) FROM app_saml_configs WHERE entity_id = 'https://cascade.example.test')::int AS saml`,
      [projectD],
    );
    expect(left).toEqual({ apps: 0, saml: 0 });
  });

  it('goes with a project deleted through the ProjectService', async () => {
    const projects = client(ProjectService, 'grpc', server.baseUrl, server.adminPat);
    const { id: projectE } = await projects.createProject({ organizationId: orgA, name: 'Project E' });
    const app = await webApp(admin, projectE, 'Project E web');
    const { clientId } = app.creationResponseType.value as { clientId: string };
    expect(clientId).toMatch(/@project_e$/);
    await projects.deleteProject({ id: projectE });
    expect((await failure(admin.getApplication({ id: app.appId }))).code).toBe(Code.NotFound);
    expect(await server.app.get(AppsQueries).activeClient(instanceId, clientId)).toBeUndefined();
  });

  it('writes its events in the same transaction: a refused change leaves none', async () => {
    const count = async () =>
      Number(
        (
          await server.database.dataSource.query(
            `SELECT count(*) AS n FROM events WHERE aggregate_type = 'project' AND aggregate_id = $1`,
            [projectA2],
          )
        )[0].n,
      );
    await webApp(admin, projectA2, 'Custom id').then(() => undefined);
    const withId = () =>
      admin.createApplication({
        projectId: projectA2,
        id: 'custom-app-id',
        name: 'Custom',
        creationRequestType: { case: 'apiRequest', value: {} },
      });
    await withId();
    const before = await count();
    expect((await failure(withId())).code).toBe(Code.AlreadyExists);
    expect(await count()).toBe(before);
    const types = await server.database.dataSource.query(
      `SELECT event_type FROM events WHERE aggregate_type = 'project' AND aggregate_id = $1 AND payload->>'appId' = 'custom-app-id' ORDER BY sequence`,
      [projectA2],
    );
    expect(types.map((t: { event_type: string }) => t.event_type)).toEqual([
      'project.application.added',
      'project.application.config.api.added',
    ]);
  });
});

describe('listing', () => {
  let projectL: string;
  beforeAll(async () => {
    projectL = await insertProject(server, orgA, 'List Project');
    await webApp(admin, projectL, 'Zeta web');
    const beta = await admin.createApplication({
      projectId: projectL,
      name: 'Beta api',
      creationRequestType: { case: 'apiRequest', value: {} },
    });
    await admin.createApplication({
      projectId: projectL,
      name: 'Alpha saml',
      creationRequestType: {
        case: 'samlRequest',
        value: {
          metadata: {
            case: 'metadataXml',
            value: Buffer.from(spMetadata({ entityId: 'https://list-sp.example.test' })),
          },
        },
      },
    });
    await admin.deactivateApplication({ projectId: projectL, id: beta.appId });
  });

  const names = (r: { applications: { name: string }[] }) => r.applications.map((a) => a.name);

  it('sorts by name, creation date and state, and pages', async () => {
    expect(
      names(
        await admin.listApplications({
          projectId: projectL,
          sortingColumn: AppSorting.APP_SORT_BY_NAME,
          pagination: { asc: true },
        }),
      ),
    ).toEqual(['Alpha saml', 'Beta api', 'Zeta web']);
    expect(
      names(await admin.listApplications({ projectId: projectL, sortingColumn: AppSorting.APP_SORT_BY_NAME })),
    ).toEqual(['Zeta web', 'Beta api', 'Alpha saml']);
    expect(
      names(
        await admin.listApplications({
          projectId: projectL,
          sortingColumn: AppSorting.APP_SORT_BY_CREATION_DATE,
          pagination: { asc: true },
        }),
      ),
    ).toEqual(['Zeta web', 'Beta api', 'Alpha saml']);
    expect(
      names(
        await admin.listApplications({
          projectId: projectL,
          sortingColumn: AppSorting.APP_SORT_BY_STATE,
          pagination: { asc: true },
        }),
      )[0],
    ).not.toBe('Beta api');
    const byChange = await admin.listApplications({
      projectId: projectL,
      sortingColumn: AppSorting.APP_SORT_BY_CHANGE_DATE,
    });
    expect(names(byChange)[0]).toBe('Beta api'); // deactivated last
    const page = await admin.listApplications({
      projectId: projectL,
      sortingColumn: AppSorting.APP_SORT_BY_NAME,
      pagination: { asc: true, offset: 1n, limit: 1 },
    });
    expect(names(page)).toEqual(['Beta api']);
    expect(page.pagination).toMatchObject({ totalResult: 3n, appliedLimit: 1n });
  });

  it('filters by name, state and type', async () => {
    const list = (filters: Parameters<Apps['listApplications']>[0]['filters']) =>
      admin
        .listApplications({
          projectId: projectL,
          filters,
          sortingColumn: AppSorting.APP_SORT_BY_NAME,
          pagination: { asc: true },
        })
        .then(names);
    expect(
      await list([
        { filter: { case: 'nameFilter', value: { name: 'AP', method: TextFilterMethod.CONTAINS_IGNORE_CASE } } },
      ]),
    ).toEqual(['Beta api']);
    expect(
      await list([
        { filter: { case: 'nameFilter', value: { name: 'al', method: TextFilterMethod.STARTS_WITH_IGNORE_CASE } } },
      ]),
    ).toEqual(['Alpha saml']);
    expect(
      await list([{ filter: { case: 'nameFilter', value: { name: 'al', method: TextFilterMethod.STARTS_WITH } } }]),
    ).toEqual([]);
    expect(
      await list([{ filter: { case: 'nameFilter', value: { name: 'Zeta web', method: TextFilterMethod.EQUALS } } }]),
    ).toEqual(['Zeta web']);
    expect(await list([{ filter: { case: 'stateFilter', value: AppState.INACTIVE } }])).toEqual(['Beta api']);
    expect(await list([{ filter: { case: 'stateFilter', value: AppState.ACTIVE } }])).toEqual([
      'Alpha saml',
      'Zeta web',
    ]);
    expect(await list([{ filter: { case: 'stateFilter', value: AppState.REMOVED } }])).toEqual([]);
    expect(await list([{ filter: { case: 'apiAppOnly', value: true } }])).toEqual(['Beta api']);
    expect(await list([{ filter: { case: 'oidcAppOnly', value: true } }])).toEqual(['Zeta web']);
    expect(await list([{ filter: { case: 'samlAppOnly', value: true } }])).toEqual(['Alpha saml']);
    expect(
      await list([
        { filter: { case: 'samlAppOnly', value: true } },
        { filter: { case: 'stateFilter', value: AppState.INACTIVE } },
      ]),
    ).toEqual([]);
  });

  it('answers NOT_FOUND for a project that does not exist', async () => {
    expect((await failure(admin.listApplications({ projectId: '999999999999999999' }))).code).toBe(Code.NotFound);
  });
});

/** Who may do what to applications is a medium test: test/medium/apps/apps.permissions.test.ts. */
describe('authentication', () => {
  it('asks for authentication', async () => {
    const { appId } = await webApp(admin, projectA, 'Needs a caller');
    const anonymous = client(AppService, 'grpc', server.baseUrl);
    expect(await codeOf(anonymous.getApplication({ id: appId }))).toBe(Code.Unauthenticated);
  });
});
