import { Code } from '@connectrpc/connect';
import {
  APIAuthMethodType,
  OIDCAppType,
  OIDCAuthMethodType,
  OIDCGrantType,
  OIDCResponseType,
  OIDCTokenType,
} from '@zitadel/node/dist/api/generated/zitadel/app.js';
import { KeyType } from '@zitadel/node/dist/api/generated/zitadel/auth_n_key.js';
import { TextQueryMethod } from '@zitadel/node/dist/api/generated/zitadel/object.js';
import { spMetadata } from '../apps/saml-fixtures.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { managementV1, restV1, v1Code } from '../support/v1-clients.js';

let server: TestServer;
let n = 0;

async function projectWithOwner(name: string) {
  const { id: orgId } = await managementV1(server.baseUrl, server.adminPat).addOrg({ name: `${name} ${n++}` });
  const { pat } = await machineWithRoles(server, orgId, { level: 'org', resourceId: orgId, roles: ['ORG_OWNER'] });
  const mgmt = managementV1(server.baseUrl, pat, orgId);
  const { id: projectId } = await mgmt.addProject({ name: `${name} project` });
  return { orgId, owner: pat, mgmt, projectId };
}

const webApp = (projectId: string) => ({
  projectId,
  name: `Web ${n++}`,
  redirectUris: ['https://app.example.test/callback'],
  responseTypes: [OIDCResponseType.OIDC_RESPONSE_TYPE_CODE],
  grantTypes: [OIDCGrantType.OIDC_GRANT_TYPE_AUTHORIZATION_CODE, OIDCGrantType.OIDC_GRANT_TYPE_REFRESH_TOKEN],
  appType: OIDCAppType.OIDC_APP_TYPE_WEB,
  authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_BASIC,
  postLogoutRedirectUris: ['https://app.example.test/'],
  accessTokenType: OIDCTokenType.OIDC_TOKEN_TYPE_JWT,
});

beforeAll(async () => {
  server = await bootTestServer();
});
afterAll(() => server?.close());

describe('management v1 OIDC apps over the Node SDK', () => {
  it('adds an OIDC app with a secret, reads its config back with v1 enum numbers, updates and regenerates its secret', async () => {
    const { mgmt, projectId, orgId } = await projectWithOwner('Oidc');
    const added = await mgmt.addOIDCApp(webApp(projectId));
    expect(added.clientId).toBeTruthy();
    expect(added.clientSecret).toHaveLength(64);
    expect(added.details?.resourceOwner).toBe(orgId);
    expect(added.noneCompliant).toBe(false);

    const { app } = await mgmt.getAppByID({ projectId, appId: added.appId });
    expect(app).toMatchObject({ id: added.appId, state: 1 });
    expect(app?.oidcConfig).toMatchObject({
      clientId: added.clientId,
      redirectUris: ['https://app.example.test/callback'],
      responseTypes: [OIDCResponseType.OIDC_RESPONSE_TYPE_CODE],
      grantTypes: [OIDCGrantType.OIDC_GRANT_TYPE_AUTHORIZATION_CODE, OIDCGrantType.OIDC_GRANT_TYPE_REFRESH_TOKEN],
      authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_BASIC,
      accessTokenType: OIDCTokenType.OIDC_TOKEN_TYPE_JWT,
    });

    await mgmt.updateOIDCAppConfig({
      ...webApp(projectId),
      appId: added.appId,
      redirectUris: ['https://app.example.test/cb2'],
      responseTypes: [OIDCResponseType.OIDC_RESPONSE_TYPE_CODE],
      devMode: true,
    });
    const updated = (await mgmt.getAppByID({ projectId, appId: added.appId })).app?.oidcConfig;
    expect(updated).toMatchObject({ redirectUris: ['https://app.example.test/cb2'], devMode: true });
    // ZITADEL answers FAILED_PRECONDITION for a configuration that changes nothing.
    expect(
      await v1Code(
        mgmt.updateOIDCAppConfig({
          ...webApp(projectId),
          appId: added.appId,
          redirectUris: ['https://app.example.test/cb2'],
          devMode: true,
        }),
      ),
    ).toBe(Code.FailedPrecondition);

    const regenerated = await mgmt.regenerateOIDCClientSecret({ projectId, appId: added.appId });
    expect(regenerated.clientSecret).toHaveLength(64);
    expect(regenerated.clientSecret).not.toBe(added.clientSecret);
  });

  it('reports compliance problems as v2 does (ZITADEL GetOIDCV1Compliance), on add and on read', async () => {
    const { mgmt, projectId } = await projectWithOwner('Compliance');
    const insecure = await mgmt.addOIDCApp({
      ...webApp(projectId),
      appType: OIDCAppType.OIDC_APP_TYPE_USER_AGENT,
      authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_NONE,
      redirectUris: ['http://spa.example.test/cb'],
    });
    expect(insecure.noneCompliant).toBe(true);
    expect(insecure.clientSecret).toBe('');
    const keys = insecure.complianceProblems.map((p) => p.key);
    expect(keys).toContain('Application.OIDC.V1.Code.RedirectUris.HttpOnlyForWeb');
    const read = (await mgmt.getAppByID({ projectId, appId: insecure.appId })).app?.oidcConfig;
    expect(read?.noneCompliant).toBe(true);
    expect(read?.complianceProblems.map((p) => p.key)).toEqual(keys);
  });

  it('refuses an undefined enum value and a blank name with 400 naming the field', async () => {
    const { owner, orgId, projectId } = await projectWithOwner('Bad enum');
    const post = (body: unknown) =>
      restV1(server.baseUrl, owner, 'POST', `/management/v1/projects/${projectId}/apps/oidc`, body, orgId);
    const badEnum = await post({ name: 'Bad', redirectUris: ['https://x.example.test/cb'], appType: 9 });
    expect(badEnum.status).toBe(400);
    expect(JSON.stringify(badEnum.body)).toContain('app_type');
    const blank = await post({ name: ' ', redirectUris: ['https://x.example.test/cb'] });
    expect(blank.status).toBe(400);
    expect(JSON.stringify(blank.body)).toContain('name');
  });

  it('lists apps by name, renames, deactivates, reactivates and removes one', async () => {
    const { mgmt, projectId } = await projectWithOwner('Lifecycle');
    const a = await mgmt.addOIDCApp({ ...webApp(projectId), name: 'Alpha' });
    await mgmt.addAPIApp({ projectId, name: 'Beta', authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC });
    const listed = await mgmt.listApps({
      projectId,
      queries: [{ nameQuery: { name: 'Alp', method: TextQueryMethod.TEXT_QUERY_METHOD_STARTS_WITH } }],
    });
    expect(listed.details?.totalResult.toNumber()).toBe(1);
    expect(listed.result.map((x) => x.name)).toEqual(['Alpha']);
    await mgmt.updateApp({ projectId, appId: a.appId, name: 'Alpha 2' });
    expect(await v1Code(mgmt.updateApp({ projectId, appId: a.appId, name: 'Alpha 2' }))).toBe(Code.FailedPrecondition);
    await mgmt.deactivateApp({ projectId, appId: a.appId });
    expect((await mgmt.getAppByID({ projectId, appId: a.appId })).app).toMatchObject({ name: 'Alpha 2', state: 2 });
    expect(await v1Code(mgmt.deactivateApp({ projectId, appId: a.appId }))).toBe(Code.FailedPrecondition);
    await mgmt.reactivateApp({ projectId, appId: a.appId });
    await mgmt.removeApp({ projectId, appId: a.appId });
    expect(await v1Code(mgmt.getAppByID({ projectId, appId: a.appId }))).toBe(Code.NotFound);
  });
});

describe('management v1 API and SAML apps and app keys', () => {
  it('adds an API app with private_key_jwt, adds, reads, lists and removes a JSON key', async () => {
    const { mgmt, projectId } = await projectWithOwner('Api');
    const api = await mgmt.addAPIApp({
      projectId,
      name: 'Backend',
      authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT,
    });
    expect(api.clientSecret).toBe('');
    const expirationDate = new Date(Date.now() + 86_400_000);
    const key = await mgmt.addAppKey({ projectId, appId: api.appId, type: KeyType.KEY_TYPE_JSON, expirationDate });
    const file = JSON.parse(Buffer.from(key.keyDetails).toString());
    expect(file).toMatchObject({ type: 'application', keyId: key.id, appId: api.appId });
    const got = await mgmt.getAppKey({ projectId, appId: api.appId, keyId: key.id });
    expect(got.key).toMatchObject({ id: key.id, type: KeyType.KEY_TYPE_JSON });
    expect(Math.abs(got.key!.expirationDate!.getTime() - expirationDate.getTime())).toBeLessThan(1000);
    expect((await mgmt.listAppKeys({ projectId, appId: api.appId })).result.map((k) => k.id)).toEqual([key.id]);
    expect(await v1Code(mgmt.addAppKey({ projectId, appId: api.appId, type: KeyType.KEY_TYPE_UNSPECIFIED }))).toBe(
      Code.InvalidArgument,
    );
    await mgmt.removeAppKey({ projectId, appId: api.appId, keyId: key.id });
    expect(await v1Code(mgmt.getAppKey({ projectId, appId: api.appId, keyId: key.id }))).toBe(Code.NotFound);

    await mgmt.updateAPIAppConfig({
      projectId,
      appId: api.appId,
      authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC,
    });
    expect((await mgmt.regenerateAPIClientSecret({ projectId, appId: api.appId })).clientSecret).toHaveLength(64);
  });

  it('adds a SAML app from metadata XML, reads the metadata back and replaces it', async () => {
    const { mgmt, projectId } = await projectWithOwner('Saml');
    const entityId = `https://sp-${n++}.example.test/metadata`;
    const saml = await mgmt.addSAMLApp({
      projectId,
      name: 'Service provider',
      metadataXml: Buffer.from(spMetadata({ entityId })),
    });
    const { app } = await mgmt.getAppByID({ projectId, appId: saml.appId });
    expect(Buffer.from(app!.samlConfig!.metadataXml!).toString()).toContain(entityId);
    const next = `https://sp-${n++}.example.test/metadata`;
    await mgmt.updateSAMLAppConfig({
      projectId,
      appId: saml.appId,
      metadataXml: Buffer.from(spMetadata({ entityId: next })),
    });
    const after = (await mgmt.getAppByID({ projectId, appId: saml.appId })).app;
    expect(Buffer.from(after!.samlConfig!.metadataXml!).toString()).toContain(next);
  });
});

describe('management v1 apps across orgs', () => {
  it("org B's owner cannot read, change or remove org A's apps, with or without org A in the header", async () => {
    const a = await projectWithOwner('App victim');
    const b = await projectWithOwner('App intruder');
    const added = await a.mgmt.addOIDCApp(webApp(a.projectId));
    const { projectId } = a;
    const appId = added.appId;
    for (const intruder of [managementV1(server.baseUrl, b.owner, a.orgId), managementV1(server.baseUrl, b.owner)]) {
      const calls: (() => Promise<unknown>)[] = [
        () => intruder.getAppByID({ projectId, appId }),
        () => intruder.listApps({ projectId }),
        () => intruder.addOIDCApp(webApp(projectId)),
        () => intruder.updateApp({ projectId, appId, name: 'Stolen' }),
        () => intruder.deactivateApp({ projectId, appId }),
        () => intruder.removeApp({ projectId, appId }),
        () => intruder.regenerateOIDCClientSecret({ projectId, appId }),
      ];
      for (const call of calls) expect(await v1Code(call())).toBe(Code.NotFound);
    }
    // An app id of project A named under project B is not found either.
    expect(await v1Code(b.mgmt.getAppByID({ projectId: b.projectId, appId }))).toBe(Code.NotFound);
    expect((await a.mgmt.getAppByID({ projectId, appId })).app?.state).toBe(1);
  });
});

describe('management v1 apps over REST', () => {
  it('POST /apps/api, GET /apps/{app_id}, POST /apps/_search, PUT /apps/{app_id}, DELETE /apps/{app_id}', async () => {
    const { owner, orgId, projectId } = await projectWithOwner('Rest apps');
    const call = (method: string, path: string, body?: unknown) =>
      restV1(server.baseUrl, owner, method, `/management/v1/projects/${projectId}${path}`, body, orgId);
    const added = await call('POST', '/apps/api', { name: 'Rest api', authMethodType: 'API_AUTH_METHOD_TYPE_BASIC' });
    expect(added.status).toBe(200);
    expect(added.body.clientSecret).toHaveLength(64);
    const appId = added.body.appId as string;
    expect((await call('GET', `/apps/${appId}`)).body.app).toMatchObject({
      id: appId,
      state: 'APP_STATE_ACTIVE',
      apiConfig: { authMethodType: 'API_AUTH_METHOD_TYPE_BASIC' },
    });
    expect((await call('POST', '/apps/_search', {})).body.result).toHaveLength(1);
    expect((await call('PUT', `/apps/${appId}`, { name: 'Renamed api' })).status).toBe(200);
    expect((await call('DELETE', `/apps/${appId}`)).status).toBe(200);
    expect((await call('GET', `/apps/${appId}`)).status).toBe(404);
  });
});
