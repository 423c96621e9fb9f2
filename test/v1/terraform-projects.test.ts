import { Code } from '@connectrpc/connect';
import {
  APIAuthMethodType,
  OIDCAppType,
  OIDCAuthMethodType,
  OIDCGrantType,
  OIDCResponseType,
  OIDCTokenType,
  OIDCVersion,
  type OIDCConfig,
} from '@zitadel/node/dist/api/generated/zitadel/app.js';
import { KeyType } from '@zitadel/node/dist/api/generated/zitadel/auth_n_key.js';
import { TextQueryMethod } from '@zitadel/node/dist/api/generated/zitadel/object.js';
import { PrivateLabelingSetting, ProjectState } from '@zitadel/node/dist/api/generated/zitadel/project.js';
import { OrganizationService } from '@zitadel/proto/zitadel/org/v2/org_service_pb.js';
import { spMetadata } from '../apps/saml-fixtures.js';
import { client } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { managementV1, v1Code } from '../support/v1-clients.js';

// Replays of the v1 calls ZITADEL's Terraform provider makes for project resources, in the order
// of its zitadel/<resource>/funcs.go (create, read, update, read, delete, read), with the org in
// x-zitadel-orgid as its helper.CtxWithOrgID sets it. The project and application_oidc replays
// follow the provider's releases that manage them through management v1 (its newest releases moved
// them to zitadel.project.v2 and zitadel.application.v2, services the pinned descriptors lack).

let server: TestServer;
let n = 0;

async function newOrg(name: string) {
  const orgId = (
    await client(OrganizationService, 'grpc', server.baseUrl, server.adminPat).addOrganization({
      name: `${name} ${n++}`,
    })
  ).organizationId;
  return { orgId, mgmt: managementV1(server.baseUrl, server.adminPat, orgId) };
}

async function orgWithProject(name: string) {
  const { orgId, mgmt } = await newOrg(name);
  const { id: projectId } = await mgmt.addProject({ name: `${name} project` });
  return { orgId, mgmt, projectId };
}

beforeAll(async () => {
  server = await bootTestServer();
});
afterAll(() => server?.close());

describe('Terraform replays: projects', () => {
  it('zitadel/project/funcs.go (management v1): AddProject, GetProjectByID into state, UpdateProject, GetProjectByID, RemoveProject, GetProjectByID NOT_FOUND', async () => {
    const { orgId, mgmt } = await newOrg('Tf project');
    const { id } = await mgmt.addProject({
      name: 'Tf project',
      projectRoleAssertion: true,
      projectRoleCheck: false,
      hasProjectCheck: false,
      privateLabelingSetting: PrivateLabelingSetting.PRIVATE_LABELING_SETTING_UNSPECIFIED,
    });
    // read(): what the provider sets into its state from GetProjectByID
    const read = async () => {
      const p = (await mgmt.getProjectByID({ id })).project!;
      return {
        id: p.id,
        orgId: p.details?.resourceOwner,
        state: p.state,
        name: p.name,
        projectRoleAssertion: p.projectRoleAssertion,
        projectRoleCheck: p.projectRoleCheck,
        hasProjectCheck: p.hasProjectCheck,
        privateLabelingSetting: p.privateLabelingSetting,
      };
    };
    expect(await read()).toEqual({
      id,
      orgId,
      state: ProjectState.PROJECT_STATE_ACTIVE,
      name: 'Tf project',
      projectRoleAssertion: true,
      projectRoleCheck: false,
      hasProjectCheck: false,
      privateLabelingSetting: PrivateLabelingSetting.PRIVATE_LABELING_SETTING_UNSPECIFIED,
    });
    // update(): every field from the configuration, changed or not
    await mgmt.updateProject({
      id,
      name: 'Tf project renamed',
      projectRoleCheck: true,
      projectRoleAssertion: true,
      hasProjectCheck: true,
      privateLabelingSetting: PrivateLabelingSetting.PRIVATE_LABELING_SETTING_ENFORCE_PROJECT_RESOURCE_OWNER_POLICY,
    });
    expect(await read()).toEqual({
      id,
      orgId,
      state: ProjectState.PROJECT_STATE_ACTIVE,
      name: 'Tf project renamed',
      projectRoleAssertion: true,
      projectRoleCheck: true,
      hasProjectCheck: true,
      privateLabelingSetting: PrivateLabelingSetting.PRIVATE_LABELING_SETTING_ENFORCE_PROJECT_RESOURCE_OWNER_POLICY,
    });
    await mgmt.removeProject({ id });
    // helper.IgnoreIfNotFoundError: only NOT_FOUND drops the resource from the state
    expect(await v1Code(mgmt.getProjectByID({ id }))).toBe(Code.NotFound);
  });

  it('zitadel/project_role/funcs.go: AddProjectRole, ListProjectRoles by key, UpdateProjectRole, RemoveProjectRole', async () => {
    const { orgId, mgmt, projectId } = await orgWithProject('Tf role');
    await mgmt.addProjectRole({ projectId, roleKey: 'admin', displayName: 'Admin', group: 'staff' });
    const read = async () => {
      const resp = await mgmt.listProjectRoles({
        projectId,
        queries: [{ keyQuery: { key: 'admin', method: TextQueryMethod.TEXT_QUERY_METHOD_EQUALS } }],
      });
      return resp.result.map((r) => ({
        id: `${orgId}_${projectId}_${r.key}`,
        displayName: r.displayName,
        group: r.group,
      }));
    };
    expect(await read()).toEqual([{ id: `${orgId}_${projectId}_admin`, displayName: 'Admin', group: 'staff' }]);
    await mgmt.updateProjectRole({ projectId, roleKey: 'admin', displayName: 'Administrator', group: '' });
    expect(await read()).toEqual([{ id: `${orgId}_${projectId}_admin`, displayName: 'Administrator', group: '' }]);
    await mgmt.removeProjectRole({ projectId, roleKey: 'admin' });
    expect(await read()).toEqual([]);
  });

  it('zitadel/project_member/funcs.go: AddProjectMember, ListProjectMembers by user id, UpdateProjectMember, RemoveProjectMember', async () => {
    const { orgId, mgmt, projectId } = await orgWithProject('Tf project member');
    const { userId } = await machineWithRoles(server, orgId, {
      level: 'org',
      resourceId: orgId,
      roles: ['ORG_OWNER_VIEWER'],
    });
    await mgmt.addProjectMember({ projectId, userId, roles: ['PROJECT_OWNER'] });
    const read = async () => {
      const resp = await mgmt.listProjectMembers({ projectId, queries: [{ userIdQuery: { userId } }] });
      return resp.result.map((m) => ({ userId: m.userId, orgId: m.details?.resourceOwner, roles: m.roles }));
    };
    expect(await read()).toEqual([{ userId, orgId, roles: ['PROJECT_OWNER'] }]);
    await mgmt.updateProjectMember({ projectId, userId, roles: ['PROJECT_OWNER_VIEWER'] });
    expect((await read())[0].roles).toEqual(['PROJECT_OWNER_VIEWER']);
    await mgmt.removeProjectMember({ projectId, userId });
    expect(await read()).toEqual([]);
  });

  it('zitadel/project_grant/funcs.go: AddProjectGrant, GetProjectGrantByID, UpdateProjectGrant, RemoveProjectGrant', async () => {
    const { orgId, mgmt, projectId } = await orgWithProject('Tf grant');
    await mgmt.bulkAddProjectRoles({
      projectId,
      roles: [
        { key: 'a', displayName: 'A', group: '' },
        { key: 'b', displayName: 'B', group: '' },
      ],
    });
    const grantedOrgId = (
      await client(OrganizationService, 'grpc', server.baseUrl, server.adminPat).addOrganization({
        name: `Tf granted ${n++}`,
      })
    ).organizationId;
    const { grantId } = await mgmt.addProjectGrant({ projectId, grantedOrgId, roleKeys: ['a'] });
    const read = async () => {
      const g = (await mgmt.getProjectGrantByID({ projectId, grantId })).projectGrant!;
      return {
        id: g.grantId,
        projectId: g.projectId,
        grantedOrgId: g.grantedOrgId,
        roleKeys: g.grantedRoleKeys,
        orgId: g.details?.resourceOwner,
      };
    };
    expect(await read()).toEqual({ id: grantId, projectId, grantedOrgId, roleKeys: ['a'], orgId });
    await mgmt.updateProjectGrant({ projectId, grantId, roleKeys: ['a', 'b'] });
    expect((await read()).roleKeys).toEqual(['a', 'b']);
    await mgmt.removeProjectGrant({ projectId, grantId });
    expect(await v1Code(mgmt.getProjectGrantByID({ projectId, grantId }))).toBe(Code.NotFound);
  });
});

describe('Terraform replays: applications', () => {
  it('zitadel/application_api/funcs.go: AddAPIApp, GetAppByID, UpdateApp + UpdateAPIAppConfig, RemoveApp', async () => {
    const { orgId, mgmt, projectId } = await orgWithProject('Tf api');
    const created = await mgmt.addAPIApp({
      projectId,
      name: 'Tf api',
      authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_BASIC,
    });
    expect(created.clientId).toBeTruthy();
    expect(created.clientSecret).toBeTruthy();
    const read = async () => {
      const app = (await mgmt.getAppByID({ projectId, appId: created.appId })).app!;
      return {
        orgId: app.details?.resourceOwner,
        name: app.name,
        authMethodType: app.apiConfig?.authMethodType,
        clientId: app.apiConfig?.clientId,
      };
    };
    expect(await read()).toEqual({ orgId, name: 'Tf api', authMethodType: 0, clientId: created.clientId });
    await mgmt.updateApp({ projectId, appId: created.appId, name: 'Tf api renamed' });
    await mgmt.updateAPIAppConfig({
      projectId,
      appId: created.appId,
      authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT,
    });
    expect(await read()).toEqual({ orgId, name: 'Tf api renamed', authMethodType: 1, clientId: created.clientId });
    await mgmt.removeApp({ projectId, appId: created.appId });
    expect(await v1Code(mgmt.getAppByID({ projectId, appId: created.appId }))).toBe(Code.NotFound);
  });

  it('zitadel/application_oidc/funcs.go (management v1): AddOIDCApp then read, UpdateApp on a name change, UpdateOIDCAppConfig on a config change, GetAppByID, RemoveApp, GetAppByID NOT_FOUND', async () => {
    const { orgId, mgmt, projectId } = await orgWithProject('Tf oidc');
    // create(): the resource's defaults (WEB, BASIC, BEARER, OIDC_VERSION_1_0, clock skew "0s")
    const created = await mgmt.addOIDCApp({
      projectId,
      name: 'Tf oidc',
      redirectUris: ['https://tf.example.test/callback'],
      responseTypes: [OIDCResponseType.OIDC_RESPONSE_TYPE_CODE],
      grantTypes: [OIDCGrantType.OIDC_GRANT_TYPE_AUTHORIZATION_CODE],
      appType: OIDCAppType.OIDC_APP_TYPE_WEB,
      authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_BASIC,
      postLogoutRedirectUris: [],
      version: OIDCVersion.OIDC_VERSION_1_0,
      devMode: false,
      accessTokenType: OIDCTokenType.OIDC_TOKEN_TYPE_BEARER,
      accessTokenRoleAssertion: false,
      idTokenRoleAssertion: false,
      idTokenUserinfoAssertion: false,
      clockSkew: { seconds: 0, nanos: 0 },
      additionalOrigins: [],
      skipNativeAppSuccessPage: false,
      backChannelLogoutUri: '',
      loginVersion: undefined,
    });
    expect(created.clientId).toBeTruthy();
    expect(created.clientSecret).toBeTruthy();
    // read(): the fields the provider sets into its state, as it renders them
    const read = async () => {
      const app = (await mgmt.getAppByID({ projectId, appId: created.appId })).app!;
      const o = app.oidcConfig as OIDCConfig;
      const skew = o.clockSkew ? Number(o.clockSkew.seconds) + o.clockSkew.nanos / 1e9 : 0;
      return {
        id: app.id,
        orgId: app.details?.resourceOwner,
        name: app.name,
        redirectUris: o.redirectUris,
        responseTypes: o.responseTypes,
        grantTypes: o.grantTypes,
        appType: o.appType,
        authMethodType: o.authMethodType,
        postLogoutRedirectUris: o.postLogoutRedirectUris,
        version: o.version,
        devMode: o.devMode,
        accessTokenType: o.accessTokenType,
        accessTokenRoleAssertion: o.accessTokenRoleAssertion,
        idTokenRoleAssertion: o.idTokenRoleAssertion,
        idTokenUserinfoAssertion: o.idTokenUserinfoAssertion,
        clockSkewSeconds: skew,
        additionalOrigins: o.additionalOrigins,
        clientId: o.clientId,
        skipNativeAppSuccessPage: o.skipNativeAppSuccessPage,
        noneCompliant: o.noneCompliant,
        complianceProblems: o.complianceProblems.map((p) => p.key),
        backChannelLogoutUri: o.backChannelLogoutUri,
        loginVersion: o.loginVersion,
      };
    };
    const initial = {
      id: created.appId,
      orgId,
      name: 'Tf oidc',
      redirectUris: ['https://tf.example.test/callback'],
      responseTypes: [OIDCResponseType.OIDC_RESPONSE_TYPE_CODE],
      grantTypes: [OIDCGrantType.OIDC_GRANT_TYPE_AUTHORIZATION_CODE],
      appType: OIDCAppType.OIDC_APP_TYPE_WEB,
      authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_BASIC,
      postLogoutRedirectUris: [],
      version: OIDCVersion.OIDC_VERSION_1_0,
      devMode: false,
      accessTokenType: OIDCTokenType.OIDC_TOKEN_TYPE_BEARER,
      accessTokenRoleAssertion: false,
      idTokenRoleAssertion: false,
      idTokenUserinfoAssertion: false,
      clockSkewSeconds: 0,
      additionalOrigins: [],
      clientId: created.clientId,
      skipNativeAppSuccessPage: false,
      noneCompliant: false,
      complianceProblems: [],
      backChannelLogoutUri: '',
      loginVersion: undefined,
    };
    expect(await read()).toEqual(initial);
    // update(): UpdateApp only when the name changed, then the whole OIDC configuration when any
    // of its fields changed (here a user-agent app with PKCE, refresh tokens and login v2)
    await mgmt.updateApp({ projectId, appId: created.appId, name: 'Tf oidc renamed' });
    await mgmt.updateOIDCAppConfig({
      projectId,
      appId: created.appId,
      redirectUris: ['https://tf.example.test/callback', 'https://tf.example.test/other'],
      responseTypes: [OIDCResponseType.OIDC_RESPONSE_TYPE_CODE],
      grantTypes: [OIDCGrantType.OIDC_GRANT_TYPE_AUTHORIZATION_CODE, OIDCGrantType.OIDC_GRANT_TYPE_REFRESH_TOKEN],
      appType: OIDCAppType.OIDC_APP_TYPE_USER_AGENT,
      authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_NONE,
      postLogoutRedirectUris: ['https://tf.example.test/bye'],
      devMode: false,
      accessTokenType: OIDCTokenType.OIDC_TOKEN_TYPE_JWT,
      accessTokenRoleAssertion: true,
      idTokenRoleAssertion: true,
      idTokenUserinfoAssertion: true,
      clockSkew: { seconds: 2, nanos: 0 },
      additionalOrigins: ['https://spa.example.test'],
      skipNativeAppSuccessPage: false,
      backChannelLogoutUri: 'https://tf.example.test/backchannel',
      loginVersion: { loginV2: { baseUri: 'https://login.example.test/ui/v2/login' } },
    });
    expect(await read()).toEqual({
      ...initial,
      name: 'Tf oidc renamed',
      redirectUris: ['https://tf.example.test/callback', 'https://tf.example.test/other'],
      grantTypes: [OIDCGrantType.OIDC_GRANT_TYPE_AUTHORIZATION_CODE, OIDCGrantType.OIDC_GRANT_TYPE_REFRESH_TOKEN],
      appType: OIDCAppType.OIDC_APP_TYPE_USER_AGENT,
      authMethodType: OIDCAuthMethodType.OIDC_AUTH_METHOD_TYPE_NONE,
      postLogoutRedirectUris: ['https://tf.example.test/bye'],
      accessTokenType: OIDCTokenType.OIDC_TOKEN_TYPE_JWT,
      accessTokenRoleAssertion: true,
      idTokenRoleAssertion: true,
      idTokenUserinfoAssertion: true,
      clockSkewSeconds: 2,
      additionalOrigins: ['https://spa.example.test'],
      backChannelLogoutUri: 'https://tf.example.test/backchannel',
      loginVersion: { loginV1: undefined, loginV2: { baseUri: 'https://login.example.test/ui/v2/login' } },
    });
    await mgmt.removeApp({ projectId, appId: created.appId });
    expect(await v1Code(mgmt.getAppByID({ projectId, appId: created.appId }))).toBe(Code.NotFound);
  });

  it('zitadel/application_saml/funcs.go: AddSAMLApp with metadata XML, GetAppByID, UpdateApp + UpdateSAMLAppConfig, RemoveApp', async () => {
    const { orgId, mgmt, projectId } = await orgWithProject('Tf saml');
    const xml = spMetadata({ entityId: `https://tf-${n++}.example.test/sp` });
    const { appId } = await mgmt.addSAMLApp({ projectId, name: 'Tf saml', metadataXml: Buffer.from(xml) });
    const read = async () => {
      const app = (await mgmt.getAppByID({ projectId, appId })).app!;
      return {
        orgId: app.details?.resourceOwner,
        name: app.name,
        xml: Buffer.from(app.samlConfig!.metadataXml!).toString(),
      };
    };
    expect(await read()).toEqual({ orgId, name: 'Tf saml', xml });
    const next = spMetadata({ entityId: `https://tf-${n++}.example.test/sp` });
    await mgmt.updateApp({ projectId, appId, name: 'Tf saml renamed' });
    await mgmt.updateSAMLAppConfig({ projectId, appId, metadataXml: Buffer.from(next) });
    expect(await read()).toEqual({ orgId, name: 'Tf saml renamed', xml: next });
    await mgmt.removeApp({ projectId, appId });
    expect(await v1Code(mgmt.getAppByID({ projectId, appId }))).toBe(Code.NotFound);
  });

  it('zitadel/application_key/funcs.go: AddAppKey (key details kept), GetAppKey, RemoveAppKey', async () => {
    const { mgmt, projectId } = await orgWithProject('Tf key');
    const { appId } = await mgmt.addAPIApp({
      projectId,
      name: 'Tf keyed',
      authMethodType: APIAuthMethodType.API_AUTH_METHOD_TYPE_PRIVATE_KEY_JWT,
    });
    const expiration = '2519-04-01T08:45:00Z';
    const created = await mgmt.addAppKey({
      projectId,
      appId,
      type: KeyType.KEY_TYPE_JSON,
      expirationDate: new Date(expiration),
    });
    expect(JSON.parse(Buffer.from(created.keyDetails).toString())).toMatchObject({ keyId: created.id, appId });
    const key = (await mgmt.getAppKey({ projectId, appId, keyId: created.id })).key!;
    expect(key.id).toBe(created.id);
    expect(key.type).toBe(KeyType.KEY_TYPE_JSON);
    expect(key.expirationDate?.toISOString().replace('.000', '')).toBe(expiration);
    await mgmt.removeAppKey({ projectId, appId, keyId: created.id });
    expect(await v1Code(mgmt.getAppKey({ projectId, appId, keyId: created.id }))).toBe(Code.NotFound);
  });
});
