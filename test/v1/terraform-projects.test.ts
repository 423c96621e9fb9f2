import { Code } from '@connectrpc/connect';
import { APIAuthMethodType } from '@zitadel/node/dist/api/generated/zitadel/app.js';
import { KeyType } from '@zitadel/node/dist/api/generated/zitadel/auth_n_key.js';
import { TextQueryMethod } from '@zitadel/node/dist/api/generated/zitadel/object.js';
import { OrganizationService } from '@zitadel/proto/zitadel/org/v2/org_service_pb.js';
import { spMetadata } from '../apps/saml-fixtures.js';
import { client } from '../support/clients.js';
import { machineWithRoles } from '../support/principals.js';
import { bootTestServer, type TestServer } from '../support/test-server.js';
import { managementV1, v1Code } from '../support/v1-clients.js';

// Replays of the v1 calls ZITADEL's Terraform provider makes for project resources, in the order
// of its zitadel/<resource>/funcs.go (create, read, update, read, delete, read), with the org in
// x-zitadel-orgid as its helper.CtxWithOrgID sets it. (Its project and application_oidc
// resources have moved to the v2 project and application services, so they make no v1 calls.)

let server: TestServer;
let n = 0;

async function orgWithProject(name: string) {
  const orgId = (
    await client(OrganizationService, 'grpc', server.baseUrl, server.adminPat).addOrganization({
      name: `${name} ${n++}`,
    })
  ).organizationId;
  const mgmt = managementV1(server.baseUrl, server.adminPat, orgId);
  const { id: projectId } = await mgmt.addProject({ name: `${name} project` });
  return { orgId, mgmt, projectId };
}

beforeAll(async () => {
  server = await bootTestServer();
});
afterAll(() => server?.close());

describe('Terraform replays: projects', () => {
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
