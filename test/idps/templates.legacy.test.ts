// ZITADEL's old IDP configuration API (admin AddOIDCIDP … and management AddOrgOIDCIDP …) on the
// same templates, through @zitadel/node over gRPC: added, read, listed, changed part by part,
// deactivated and reactivated, removed; its templates show in the new provider methods too.
import { Code } from '@connectrpc/connect';
import {
  IDPOwnerType,
  IDPState,
  IDPStylingType,
  OIDCMappingField,
} from '@zitadel/node/dist/api/generated/zitadel/idp.js';
import { SettingsService } from '@zitadel/proto/zitadel/settings/v2/settings_service_pb.js';
import { DataSource } from 'typeorm';
import { IdpQueries } from '../../src/idps/idps.queries.js';
import { client } from '../support/clients.js';
import { serverForFile } from '../support/test-server.js';
import { adminV1, managementV1, v1Code } from '../support/v1-clients.js';
import { failure } from '../v1/v1-fixtures.js';
import { eventTypes, orgWithOwner, storedSecrets } from './idp-test-helpers.js';

const server = serverForFile();
const admin = () => adminV1(server().baseUrl, server().adminPat);

const OLD_OIDC = {
  name: 'Old OIDC',
  stylingType: IDPStylingType.STYLING_TYPE_GOOGLE,
  clientId: 'old-client',
  clientSecret: 'old-secret',
  issuer: 'https://old.example.com',
  scopes: ['openid', 'email'],
  displayNameMapping: OIDCMappingField.OIDC_MAPPING_FIELD_EMAIL,
  usernameMapping: OIDCMappingField.OIDC_MAPPING_FIELD_PREFERRED_USERNAME,
  autoRegister: true,
};

const OLD_JWT = {
  name: 'Old JWT',
  stylingType: IDPStylingType.STYLING_TYPE_UNSPECIFIED,
  jwtEndpoint: 'https://jwt.example.com/login',
  issuer: 'https://jwt.example.com',
  keysEndpoint: 'https://jwt.example.com/keys',
  headerName: 'x-jwt',
  autoRegister: false,
};

describe('the old instance IDP API (admin v1)', () => {
  it('adds an OIDC IDP, reads and lists it with its mappings, changes it part by part, and removes it', async () => {
    const { idpId } = await admin().addOIDCIDP(OLD_OIDC);
    const { idp } = await admin().getIDPByID({ id: idpId });
    expect(idp).toMatchObject({
      id: idpId,
      name: 'Old OIDC',
      state: IDPState.IDP_STATE_ACTIVE,
      stylingType: IDPStylingType.STYLING_TYPE_GOOGLE,
      owner: IDPOwnerType.IDP_OWNER_TYPE_SYSTEM,
      autoRegister: true,
      oidcConfig: {
        clientId: 'old-client',
        issuer: OLD_OIDC.issuer,
        scopes: OLD_OIDC.scopes,
        displayNameMapping: OIDCMappingField.OIDC_MAPPING_FIELD_EMAIL,
        usernameMapping: OIDCMappingField.OIDC_MAPPING_FIELD_PREFERRED_USERNAME,
      },
    });
    expect(JSON.stringify(idp)).not.toContain('old-secret');
    // The new provider API sees it as a generic OIDC template whose auto creation is auto_register.
    const provider = (await admin().getProviderByID({ id: idpId })).idp;
    expect(provider?.config).toMatchObject({ oidc: { issuer: OLD_OIDC.issuer }, options: { isAutoCreation: true } });

    await admin().updateIDP({ idpId, name: 'Old OIDC renamed', stylingType: 0, autoRegister: false });
    await admin().updateIDPOIDCConfig({
      idpId,
      issuer: 'https://old2.example.com',
      clientId: 'old-client-2',
      clientSecret: '',
      scopes: ['openid'],
      displayNameMapping: OIDCMappingField.OIDC_MAPPING_FIELD_PREFERRED_USERNAME,
      usernameMapping: OIDCMappingField.OIDC_MAPPING_FIELD_EMAIL,
    });
    const changed = (await admin().getIDPByID({ id: idpId })).idp;
    expect(changed).toMatchObject({
      name: 'Old OIDC renamed',
      stylingType: IDPStylingType.STYLING_TYPE_UNSPECIFIED,
      autoRegister: false,
      oidcConfig: {
        issuer: 'https://old2.example.com',
        clientId: 'old-client-2',
        usernameMapping: OIDCMappingField.OIDC_MAPPING_FIELD_EMAIL,
      },
    });
    expect((await storedSecrets(server(), idpId)).secrets.clientSecret).toBe('old-secret');
    // An update that changes nothing is Errors.IDPConfig.NotChanged in the old API.
    expect(
      await v1Code(admin().updateIDP({ idpId, name: 'Old OIDC renamed', stylingType: 0, autoRegister: false })),
    ).toBe(Code.FailedPrecondition);
    // The JWT part of an OIDC IDP does not exist.
    expect(await v1Code(admin().updateIDPJWTConfig({ idpId, ...OLD_JWT }))).toBe(Code.NotFound);

    const events = (await eventTypes(server(), changed!.details!.resourceOwner)).filter((e) => e.payload.id === idpId);
    expect(events.map((e) => e.type)).toEqual([
      'instance.idp.config.added',
      'instance.idp.oidc.config.added',
      'instance.idp.config.changed',
      'instance.idp.oidc.config.changed',
    ]);
    expect(JSON.stringify(events)).not.toContain('old-secret');

    await admin().removeIDP({ idpId });
    expect(await v1Code(admin().getIDPByID({ id: idpId }))).toBe(Code.NotFound);
  });

  it('adds a JWT IDP, deactivates and reactivates it (each only once), and lists only the old API’s IDPs', async () => {
    const { idpId } = await admin().addJWTIDP(OLD_JWT);
    expect((await admin().getIDPByID({ id: idpId })).idp).toMatchObject({
      jwtConfig: { jwtEndpoint: OLD_JWT.jwtEndpoint, keysEndpoint: OLD_JWT.keysEndpoint, headerName: 'x-jwt' },
    });
    await admin().deactivateIDP({ idpId });
    expect((await admin().getIDPByID({ id: idpId })).idp?.state).toBe(IDPState.IDP_STATE_INACTIVE);
    expect(await v1Code(admin().deactivateIDP({ idpId }))).toBe(Code.FailedPrecondition);
    await admin().reactivateIDP({ idpId });
    expect(await v1Code(admin().reactivateIDP({ idpId }))).toBe(Code.FailedPrecondition);
    await admin().updateIDPJWTConfig({ idpId, ...OLD_JWT, headerName: 'authorization' });
    expect((await admin().getIDPByID({ id: idpId })).idp?.jwtConfig?.headerName).toBe('authorization');

    const modern = await admin().addGenericOIDCProvider({
      name: 'New only',
      issuer: 'https://new.example.com',
      clientId: 'c',
      clientSecret: 's',
      scopes: [],
      providerOptions: undefined,
      isIdTokenMapping: false,
      usePkce: false,
    });
    const listed = (await admin().listIDPs({ queries: [] })).result.map((i) => i.id);
    expect(listed).toContain(idpId);
    expect(listed).not.toContain(modern.id);
    expect(await v1Code(admin().getIDPByID({ id: modern.id }))).toBe(Code.NotFound);
    expect(await v1Code(admin().deactivateIDP({ idpId: modern.id }))).toBe(Code.NotFound);
    const bad = await failure(admin().addOIDCIDP({ ...OLD_OIDC, issuer: '' }));
    expect([bad.code, bad.details.includes('issuer')]).toEqual([Code.InvalidArgument, true]);
  });
});

describe('an inactive provider offers no sign-in', () => {
  it('leaves GetActiveIdentityProviders and refuses intents until it is reactivated', async () => {
    const { idpId } = await admin().addOIDCIDP(OLD_OIDC);
    await admin().addIDPToLoginPolicy({ idpId });
    const settings = client(SettingsService, 'grpc', server().baseUrl, server().adminPat);
    const active = async () => (await settings.getActiveIdentityProviders({})).identityProviders.map((p) => p.id);
    const instanceId = (await admin().getMyInstance({})).instance!.id;
    const forIntent = () =>
      server().app.get(IdpQueries).forIntent(server().app.get(DataSource).manager, instanceId, idpId);
    expect(await active()).toContain(idpId);
    expect((await forIntent())?.secrets).toEqual({ clientSecret: 'old-secret' });
    await admin().deactivateIDP({ idpId });
    expect(await active()).not.toContain(idpId);
    expect(await forIntent()).toBeUndefined();
    // Still on the policy's list, as in ZITADEL: the list is the configuration, the active ones are offered.
    expect((await admin().listLoginPolicyIDPs({})).result.map((l) => l.idpId)).toContain(idpId);
    await admin().reactivateIDP({ idpId });
    expect(await active()).toContain(idpId);
    await admin().removeIDPFromLoginPolicy({ idpId });
  });
});

describe('the old org IDP API (management v1)', () => {
  it('an org owner manages its org’s IDPs, lists them with the instance’s, and cannot touch another org’s', async () => {
    const a = await orgWithOwner(server(), 'Old org A');
    const b = await orgWithOwner(server(), 'Old org B');
    const mgmt = managementV1(server().baseUrl, a.owner, a.orgId);
    const { idpId } = await mgmt.addOrgOIDCIDP(OLD_OIDC);
    const instanceIdp = await admin().addJWTIDP(OLD_JWT);
    expect((await mgmt.getOrgIDPByID({ id: idpId })).idp?.owner).toBe(IDPOwnerType.IDP_OWNER_TYPE_ORG);
    const ids = (await mgmt.listOrgIDPs({ queries: [] })).result.map((i) => i.id);
    expect(ids).toEqual(expect.arrayContaining([idpId, instanceIdp.idpId]));
    await mgmt.updateOrgIDP({ idpId, name: 'Org old renamed', stylingType: 0, autoRegister: true });
    await mgmt.deactivateOrgIDP({ idpId });
    expect((await mgmt.getOrgIDPByID({ id: idpId })).idp?.state).toBe(IDPState.IDP_STATE_INACTIVE);
    expect((await eventTypes(server(), a.orgId)).map((e) => e.type)).toEqual(
      expect.arrayContaining(['org.idp.config.added', 'org.idp.oidc.config.added', 'org.idp.config.deactivated']),
    );
    // Not the instance's IDP through management, and nothing of org A for org B's owner.
    expect(await v1Code(mgmt.removeOrgIDP({ idpId: instanceIdp.idpId }))).toBe(Code.NotFound);
    const bInOwn = managementV1(server().baseUrl, b.owner, b.orgId);
    expect(await v1Code(bInOwn.getOrgIDPByID({ id: idpId }))).toBe(Code.NotFound);
    expect(await v1Code(bInOwn.removeOrgIDP({ idpId }))).toBe(Code.NotFound);
    expect(await v1Code(managementV1(server().baseUrl, b.owner, a.orgId).deactivateOrgIDP({ idpId }))).toBe(
      Code.NotFound,
    );
    await mgmt.removeOrgIDP({ idpId });
    expect((await eventTypes(server(), a.orgId)).map((e) => e.type)).toContain('org.idp.config.removed');
  });
});
