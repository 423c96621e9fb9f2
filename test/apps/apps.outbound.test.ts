import { Code } from '@connectrpc/connect';
import { AppService } from '@zitadel/proto/zitadel/app/v2beta/app_service_pb.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { client, codeOf } from '../support/clients.js';
import { insertProject } from './fixtures.js';

let server: TestServer;
let projectId: string;
beforeAll(async () => {
  server = await bootTestServer(); // PORTCULLIS_OUTBOUND_ALLOW_PRIVATE defaults to false
  [{ default_org_id: projectId }] = await server.database.dataSource.query('SELECT default_org_id FROM instances');
  projectId = await insertProject(server, projectId, 'Outbound');
});
afterAll(() => server?.close());

describe('SAML metadata URLs', () => {
  it.each([
    'http://127.0.0.1:9/metadata',
    'http://localhost/metadata',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/m',
  ])('refuses %s: the server will not fetch internal addresses', async (url) => {
    const apps = client(AppService, 'grpc', server.baseUrl, server.adminPat);
    const call = apps.createApplication({
      projectId,
      name: `ssrf ${url}`,
      creationRequestType: {
        case: 'samlRequest',
        value: {
          metadata: { case: 'metadataUrl', value: url },
          loginVersion: { version: { case: 'loginV1', value: {} } },
        },
      },
    });
    expect(await codeOf(call)).toBe(Code.InvalidArgument);
  });
});
