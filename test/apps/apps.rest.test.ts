import { OrganizationService as OrgV2beta } from '@zitadel/proto/zitadel/org/v2beta/org_service_pb.js';
import { client, rest } from '../support/clients.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { insertProject } from './fixtures.js';
import { spMetadata } from './saml-fixtures.js';

let server: TestServer;
let projectId: string;

beforeAll(async () => {
  server = await bootTestServer();
  const orgId = (
    await client(OrgV2beta, 'grpc', server.baseUrl, server.adminPat).createOrganization({ name: 'Apps REST Org' })
  ).id;
  projectId = await insertProject(server, orgId, 'Rest Project');
});
afterAll(() => server?.close());

const call = (method: string, path: string, body?: unknown) =>
  rest(server.baseUrl, method, path, { token: server.adminPat, body });

describe('applications over REST (ZITADEL paths and JSON)', () => {
  it('creates, reads, updates, regenerates, deactivates, reactivates, lists and deletes an OIDC app', async () => {
    const created = await call('POST', '/v2beta/applications', {
      projectId,
      name: 'Rest web',
      oidcRequest: {
        redirectUris: ['https://rest.example.com/cb'],
        responseTypes: ['OIDC_RESPONSE_TYPE_CODE'],
        grantTypes: ['OIDC_GRANT_TYPE_AUTHORIZATION_CODE', 'OIDC_GRANT_TYPE_REFRESH_TOKEN'],
        appType: 'OIDC_APP_TYPE_WEB',
        authMethodType: 'OIDC_AUTH_METHOD_TYPE_BASIC',
        accessTokenType: 'OIDC_TOKEN_TYPE_JWT',
        clockSkew: '1.5s',
      },
    });
    expect(created.status).toBe(200);
    expect(created.body.appId).toMatch(/^\d{18}$/);
    expect(created.body.oidcResponse.clientId).toMatch(/^\d{18}@rest_project$/);
    expect(created.body.oidcResponse.clientSecret).toHaveLength(64);
    const id = created.body.appId;

    const got = await call('GET', `/v2beta/applications/${id}`);
    expect(got.status).toBe(200);
    expect(got.body.app).toMatchObject({ id, name: 'Rest web', state: 'APP_STATE_ACTIVE' });
    expect(got.body.app.oidcConfig).toMatchObject({
      redirectUris: ['https://rest.example.com/cb'],
      grantTypes: ['OIDC_GRANT_TYPE_AUTHORIZATION_CODE', 'OIDC_GRANT_TYPE_REFRESH_TOKEN'],
      accessTokenType: 'OIDC_TOKEN_TYPE_JWT',
      clockSkew: '1.500s',
      allowedOrigins: ['https://rest.example.com'],
    });
    expect(JSON.stringify(got.body)).not.toContain(created.body.oidcResponse.clientSecret);

    const updated = await call('PATCH', `/v2beta/applications/${id}`, {
      projectId,
      name: 'Rest web renamed',
      oidcConfigurationRequest: { postLogoutRedirectUris: ['https://rest.example.com/bye'], devMode: true },
    });
    expect(updated.status).toBe(200);
    expect(typeof updated.body.changeDate).toBe('string');

    const secret = await call('POST', `/v2beta/applications/${id}/generate_client_secret`, { projectId, isOidc: true });
    expect(secret.status).toBe(200);
    expect(secret.body.clientSecret).toHaveLength(64);

    expect((await call('POST', `/v2beta/applications/${id}/deactivate`, { projectId })).status).toBe(200);
    const again = await call('POST', `/v2beta/applications/${id}/deactivate`, { projectId });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe(9);
    expect((await call('POST', `/v2beta/applications/${id}/reactivate`, { projectId })).status).toBe(200);

    const listed = await call('POST', '/v2beta/applications/search', {
      projectId,
      sortingColumn: 'APP_SORT_BY_NAME',
      pagination: { asc: true, limit: 10 },
      filters: [
        { nameFilter: { name: 'rest web', method: 'TEXT_FILTER_METHOD_STARTS_WITH_IGNORE_CASE' } },
        { oidcAppOnly: true },
      ],
    });
    expect(listed.status).toBe(200);
    expect(listed.body.pagination).toEqual({ totalResult: '1', appliedLimit: '10' });
    expect(listed.body.applications[0]).toMatchObject({ id, name: 'Rest web renamed' });
    expect(listed.body.applications[0].oidcConfig.postLogoutRedirectUris).toEqual(['https://rest.example.com/bye']);

    const deleted = await call('DELETE', `/v2beta/applications/${id}?projectId=${projectId}`);
    expect(deleted.status).toBe(200);
    const gone = await call('GET', `/v2beta/applications/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe(5);
  });

  it('creates SAML and API apps and manages keys at their paths', async () => {
    const saml = await call('POST', '/v2beta/applications', {
      projectId,
      name: 'Rest SAML',
      samlRequest: {
        metadataXml: Buffer.from(spMetadata({ entityId: 'https://rest-sp.example.test' })).toString('base64'),
        loginVersion: { loginV2: {} },
      },
    });
    expect(saml.status).toBe(200);
    expect(saml.body.samlResponse).toEqual({});

    const api = await call('POST', '/v2beta/applications', {
      projectId,
      name: 'Rest API',
      apiRequest: { authMethodType: 'API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT' },
    });
    expect(api.status).toBe(200);
    const appId = api.body.appId;
    expect(api.body.apiResponse.clientId).toMatch(/@rest_project$/);

    const key = await call('POST', '/v2beta/application_keys', {
      projectId,
      appId,
      expirationDate: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(key.status).toBe(200);
    const file = JSON.parse(Buffer.from(key.body.keyDetails, 'base64').toString('utf8'));
    expect(file).toMatchObject({
      type: 'application',
      keyId: key.body.id,
      appId,
      clientId: api.body.apiResponse.clientId,
    });

    const got = await call(
      'GET',
      `/v2beta/application_keys/${key.body.id}?projectId=${projectId}&applicationId=${appId}`,
    );
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: key.body.id });
    expect(typeof got.body.expirationDate).toBe('string');

    const listed = await call('POST', '/v2beta/application_keys/search', {
      applicationId: appId,
      sortingColumn: 'APPLICATION_KEYS_SORT_BY_EXPIRATION',
    });
    expect(listed.status).toBe(200);
    expect(listed.body.keys).toEqual([expect.objectContaining({ id: key.body.id, applicationId: appId, projectId })]);

    const deleted = await call(
      'DELETE',
      `/v2beta/application_keys/${key.body.id}?projectId=${projectId}&applicationId=${appId}`,
    );
    expect(deleted.status).toBe(200);
    expect((await call('GET', `/v2beta/application_keys/${key.body.id}`)).status).toBe(404);
  });

  it('answers malformed redirect URIs with code 3 and the field', async () => {
    const res = await call('POST', '/v2beta/applications', {
      projectId,
      name: 'Bad SPA',
      oidcRequest: {
        redirectUris: ['https://spa.example.com/cb#x'],
        appType: 'OIDC_APP_TYPE_USER_AGENT',
        authMethodType: 'OIDC_AUTH_METHOD_TYPE_NONE',
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(3);
    const badRequest = res.body.details.find(
      (d: { '@type': string }) => d['@type'] === 'type.googleapis.com/google.rpc.BadRequest',
    );
    expect(badRequest.fieldViolations).toEqual([
      { field: 'oidc_request.redirect_uris[0]', description: expect.stringContaining('fragment') },
    ]);
  });

  it("creates and updates a non-compliant app (user agent, http) with ZITADEL's report instead of refusing it", async () => {
    const created = await call('POST', '/v2beta/applications', {
      projectId,
      name: 'Http SPA',
      oidcRequest: {
        redirectUris: ['http://spa.example.com/cb'],
        appType: 'OIDC_APP_TYPE_USER_AGENT',
        authMethodType: 'OIDC_AUTH_METHOD_TYPE_NONE',
      },
    });
    expect(created.status).toBe(200);
    expect(created.body.oidcResponse).toMatchObject({
      noneCompliant: true,
      complianceProblems: [
        { key: 'Application.OIDC.V1.NotCompliant' },
        { key: 'Application.OIDC.V1.Code.RedirectUris.HttpOnlyForWeb' },
      ],
    });
    const updated = await call('PATCH', `/v2beta/applications/${created.body.appId}`, {
      projectId,
      oidcConfigurationRequest: { redirectUris: ['spa://cb'] },
    });
    expect(updated.status).toBe(200);
    const got = await call('GET', `/v2beta/applications/${created.body.appId}`);
    expect(got.body.app.oidcConfig).toMatchObject({
      redirectUris: ['spa://cb'],
      noneCompliant: true,
      complianceProblems: [
        { key: 'Application.OIDC.V1.NotCompliant' },
        { key: 'Application.OIDC.V1.Code.RedirectUris.CustomOnlyForNative' },
      ],
    });
  });
});
