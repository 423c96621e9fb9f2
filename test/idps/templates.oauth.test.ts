// Identity provider templates of the OAuth family (generic OIDC and OAuth 2.0), through
// @zitadel/node's admin and management clients over gRPC and through v1 REST: created, read back
// without secrets, updated (the secret kept when left empty), listed, deleted; the rules ZITADEL
// keeps on their fields; who may manage which provider.
import { Code } from '@connectrpc/connect';
import { IDPOwnerType, IDPState, ProviderType } from '@zitadel/node/dist/api/generated/zitadel/idp.js';
import { TextQueryMethod } from '@zitadel/node/dist/api/generated/zitadel/object.js';
import { otherInstance } from '../support/instances.js';
import { machineWithRoles } from '../support/principals.js';
import { serverForFile } from '../support/test-server.js';
import { adminV1, managementV1, restV1, v1Code } from '../support/v1-clients.js';
import { failure } from '../v1/v1-fixtures.js';
import { eventTypes, OPTIONS, orgWithOwner, storedSecrets } from './idp-test-helpers.js';

const server = serverForFile();
const admin = () => adminV1(server().baseUrl, server().adminPat);

const OIDC = {
  name: 'Upstream OIDC',
  issuer: 'https://issuer.example.com',
  clientId: 'client-1',
  clientSecret: 'oidc-secret-1',
  scopes: ['openid', 'profile', 'email'],
  providerOptions: OPTIONS,
  isIdTokenMapping: true,
  usePkce: true,
};

const OAUTH = {
  name: 'Upstream OAuth',
  clientId: 'oauth-client',
  clientSecret: 'oauth-secret-1',
  authorizationEndpoint: 'https://oauth.example.com/authorize',
  tokenEndpoint: 'https://oauth.example.com/token',
  userEndpoint: 'https://oauth.example.com/userinfo',
  scopes: ['read:user'],
  idAttribute: 'id',
  providerOptions: OPTIONS,
  usePkce: false,
};

describe('instance providers (admin v1)', () => {
  it('adds a generic OIDC provider, reads it back without its secret, and seals the secret at rest', async () => {
    const added = await admin().addGenericOIDCProvider(OIDC);
    expect(added.id).toBeTruthy();
    const { idp } = await admin().getProviderByID({ id: added.id });
    expect(idp).toMatchObject({
      id: added.id,
      name: 'Upstream OIDC',
      state: IDPState.IDP_STATE_ACTIVE,
      owner: IDPOwnerType.IDP_OWNER_TYPE_SYSTEM,
      type: ProviderType.PROVIDER_TYPE_OIDC,
      config: {
        options: OPTIONS,
        oidc: {
          issuer: OIDC.issuer,
          clientId: 'client-1',
          scopes: OIDC.scopes,
          isIdTokenMapping: true,
          usePkce: true,
        },
      },
    });
    expect(JSON.stringify(idp)).not.toContain('oidc-secret-1');
    const stored = await storedSecrets(server(), added.id);
    expect(stored.secrets).toEqual({ clientSecret: 'oidc-secret-1' });
    expect(stored.raw).not.toContain('oidc-secret-1');
    const events = await eventTypes(server(), idp!.details!.resourceOwner);
    const addedEvent = events.find((e) => e.type === 'instance.idp.oidc.added' && e.payload.id === added.id);
    expect(addedEvent).toBeDefined();
    expect(JSON.stringify(addedEvent)).not.toContain('oidc-secret-1');
  });

  it('updates a generic OAuth provider: an empty secret keeps the stored one, a new one replaces it (ZITADEL)', async () => {
    const { id } = await admin().addGenericOAuthProvider(OAUTH);
    await admin().updateGenericOAuthProvider({ ...OAUTH, id, name: 'Renamed OAuth', clientSecret: '', usePkce: true });
    const { idp } = await admin().getProviderByID({ id });
    expect(idp).toMatchObject({
      name: 'Renamed OAuth',
      type: ProviderType.PROVIDER_TYPE_OAUTH,
      config: { oauth: { ...OAUTH_CONFIG(), usePkce: true } },
    });
    expect((await storedSecrets(server(), id)).secrets.clientSecret).toBe('oauth-secret-1');
    await admin().updateGenericOAuthProvider({ ...OAUTH, id, clientSecret: 'oauth-secret-2' });
    expect((await storedSecrets(server(), id)).secrets.clientSecret).toBe('oauth-secret-2');
    const changed = (await eventTypes(server(), idp!.details!.resourceOwner)).filter(
      (e) => e.type === 'instance.idp.oauth.changed' && e.payload.id === id,
    );
    expect(changed).toHaveLength(2);
    expect(JSON.stringify(changed)).not.toContain('oauth-secret');
  });

  it('an update of one kind does not find a provider of another kind (ZITADEL’s write model per kind), nor an unknown id', async () => {
    const { id } = await admin().addGenericOIDCProvider(OIDC);
    // ZITADEL reads the template through the OAuth write model: an OIDC one does not exist there.
    expect(await v1Code(admin().updateGenericOAuthProvider({ ...OAUTH, id }))).toBe(Code.NotFound);
    expect(await v1Code(admin().updateGenericOIDCProvider({ ...OIDC, id: 'no-such-idp' }))).toBe(Code.NotFound);
    expect(await v1Code(admin().getProviderByID({ id: 'no-such-idp' }))).toBe(Code.NotFound);
  });

  it.each([
    ['name', { name: ' ' }],
    ['issuer', { issuer: '' }],
    ['issuer', { issuer: 'not a url' }],
    ['client_id', { clientId: '' }],
    ['client_secret', { clientSecret: '' }],
  ])('refuses a generic OIDC provider without a valid %s (INVALID_ARGUMENT naming it)', async (field, change) => {
    const err = await failure(admin().addGenericOIDCProvider({ ...OIDC, ...change }));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.details).toContain(field);
  });

  it.each([
    ['authorization_endpoint', { authorizationEndpoint: 'ftp://oauth.example.com/a' }],
    ['token_endpoint', { tokenEndpoint: '' }],
    ['user_endpoint', { userEndpoint: 'https://user:pw@oauth.example.com/u' }],
    ['id_attribute', { idAttribute: '' }],
  ])('refuses a generic OAuth provider without a valid %s', async (field, change) => {
    const err = await failure(admin().addGenericOAuthProvider({ ...OAUTH, ...change }));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.details).toContain(field);
  });

  it('lists providers by id and name, pages them, and deletes one with its audit event', async () => {
    const marker = `Listed ${Date.now()}`;
    const first = await admin().addGenericOIDCProvider({ ...OIDC, name: `${marker} one` });
    const second = await admin().addGenericOAuthProvider({ ...OAUTH, name: `${marker} two` });
    const byName = await admin().listProviders({
      queries: [{ idpNameQuery: { name: marker, method: TextQueryMethod.TEXT_QUERY_METHOD_STARTS_WITH } }],
      query: { offset: 0, limit: 0, asc: true },
    });
    expect(byName.result.map((p) => p.id)).toEqual([first.id, second.id]);
    expect(Number(byName.details!.totalResult)).toBe(2);
    const paged = await admin().listProviders({
      queries: [{ idpNameQuery: { name: marker, method: TextQueryMethod.TEXT_QUERY_METHOD_STARTS_WITH } }],
      query: { offset: 1, limit: 1, asc: true },
    });
    expect(paged.result.map((p) => p.id)).toEqual([second.id]);
    const byId = await admin().listProviders({ queries: [{ idpIdQuery: { id: second.id } }] });
    expect(byId.result.map((p) => p.name)).toEqual([`${marker} two`]);

    await admin().deleteProvider({ id: first.id });
    expect(await v1Code(admin().getProviderByID({ id: first.id }))).toBe(Code.NotFound);
    expect(await v1Code(admin().deleteProvider({ id: first.id }))).toBe(Code.NotFound);
    const instanceId = byId.result[0].details!.resourceOwner;
    const removed = (await eventTypes(server(), instanceId)).filter((e) => e.type === 'instance.idp.removed');
    expect(removed.map((e) => e.payload.id)).toContain(first.id);
  });

  it('serves the same methods over v1 REST, with the secret absent from every answer', async () => {
    const s = server();
    const created = await restV1(s.baseUrl, s.adminPat, 'POST', '/admin/v1/idps/generic_oidc', {
      ...OIDC,
      providerOptions: { ...OPTIONS, autoLinking: 'AUTO_LINKING_OPTION_EMAIL' },
    });
    expect(created.status).toBe(200);
    const got = await restV1(s.baseUrl, s.adminPat, 'GET', `/admin/v1/idps/templates/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body.idp).toMatchObject({
      id: created.body.id,
      type: 'PROVIDER_TYPE_OIDC',
      owner: 'IDP_OWNER_TYPE_SYSTEM',
      config: {
        oidc: { issuer: OIDC.issuer, clientId: 'client-1' },
        options: { autoLinking: 'AUTO_LINKING_OPTION_EMAIL' },
      },
    });
    expect(JSON.stringify(got.body)).not.toContain('oidc-secret-1');
    const bad = await restV1(s.baseUrl, s.adminPat, 'POST', '/admin/v1/idps/generic_oidc', { ...OIDC, issuer: '' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('issuer');
    const listed = await restV1(s.baseUrl, s.adminPat, 'POST', '/admin/v1/idps/templates/_search', {
      queries: [{ idpIdQuery: { id: created.body.id } }],
    });
    expect(listed.body.result).toHaveLength(1);
    const deleted = await restV1(s.baseUrl, s.adminPat, 'DELETE', `/admin/v1/idps/templates/${created.body.id}`);
    expect(deleted.status).toBe(200);
  });
});

describe('MigrateGenericOIDCProvider and unchanged updates', () => {
  it('turns a generic OIDC provider into Google or Azure AD under the same id (ZITADEL’s oidc.migrated.*)', async () => {
    const toGoogle = await admin().addGenericOIDCProvider(OIDC);
    await admin().migrateGenericOIDCProvider({
      id: toGoogle.id,
      google: {
        name: 'Google now',
        clientId: 'g-client',
        clientSecret: 'g-secret',
        scopes: ['openid'],
        providerOptions: OPTIONS,
      },
    });
    const { idp } = await admin().getProviderByID({ id: toGoogle.id });
    expect(idp).toMatchObject({
      id: toGoogle.id,
      name: 'Google now',
      type: ProviderType.PROVIDER_TYPE_GOOGLE,
      config: { google: { clientId: 'g-client', scopes: ['openid'] } },
    });
    expect((await storedSecrets(server(), toGoogle.id)).secrets).toEqual({ clientSecret: 'g-secret' });
    expect((await eventTypes(server(), idp!.details!.resourceOwner)).map((e) => e.type)).toContain(
      'instance.idp.oidc.migrated.google',
    );
    // Only a generic OIDC provider migrates: the Google one now is not found as one.
    expect(
      await v1Code(
        admin().migrateGenericOIDCProvider({
          id: toGoogle.id,
          google: { name: '', clientId: 'g', clientSecret: 's', scopes: [], providerOptions: OPTIONS },
        }),
      ),
    ).toBe(Code.NotFound);

    const { orgId, owner } = await orgWithOwner(server(), 'Migrating org');
    const mgmt = managementV1(server().baseUrl, owner, orgId);
    const toAzure = await mgmt.addGenericOIDCProvider(OIDC);
    const azure = {
      name: 'Entra',
      clientId: 'az',
      clientSecret: '',
      tenant: { tenantId: 'tid' },
      emailVerified: true,
      scopes: [],
      providerOptions: OPTIONS,
    };
    const noSecret = await failure(mgmt.migrateGenericOIDCProvider({ id: toAzure.id, azure }));
    expect([noSecret.code, noSecret.details.includes('client_secret')]).toEqual([Code.InvalidArgument, true]);
    await mgmt.migrateGenericOIDCProvider({ id: toAzure.id, azure: { ...azure, clientSecret: 'az-secret' } });
    expect((await mgmt.getProviderByID({ id: toAzure.id })).idp).toMatchObject({
      type: ProviderType.PROVIDER_TYPE_AZURE_AD,
      config: { azureAd: { clientId: 'az', tenant: { tenantId: 'tid' }, emailVerified: true } },
    });
    expect((await eventTypes(server(), orgId)).map((e) => e.type)).toContain('org.idp.oidc.migrated.azure');
  });

  it('an update that changes nothing succeeds and writes no event (ZITADEL returns without pushing)', async () => {
    const { id } = await admin().addGenericOIDCProvider(OIDC);
    const { idp } = await admin().getProviderByID({ id });
    const before = (await eventTypes(server(), idp!.details!.resourceOwner)).length;
    const answer = await admin().updateGenericOIDCProvider({ ...OIDC, id, clientSecret: '' });
    expect(Number(answer.details?.sequence)).toBe(Number(idp!.details!.sequence));
    expect((await eventTypes(server(), idp!.details!.resourceOwner)).length).toBe(before);
  });
});

describe('org providers (management v1) and who may manage which', () => {
  it('an org owner manages its own org’s providers and sees the instance’s too (ZITADEL lists both)', async () => {
    const { orgId, owner } = await orgWithOwner(server(), 'IdP owner');
    const mgmt = managementV1(server().baseUrl, owner, orgId);
    const own = await mgmt.addGenericOIDCProvider({ ...OIDC, name: 'Org OIDC' });
    const instanceIdp = await admin().addGenericOAuthProvider({ ...OAUTH, name: `Instance for ${orgId}` });
    const { idp } = await mgmt.getProviderByID({ id: own.id });
    expect(idp).toMatchObject({ owner: IDPOwnerType.IDP_OWNER_TYPE_ORG, details: { resourceOwner: orgId } });
    expect((await mgmt.getProviderByID({ id: instanceIdp.id })).idp?.owner).toBe(IDPOwnerType.IDP_OWNER_TYPE_SYSTEM);

    const all = await mgmt.listProviders({ queries: [] });
    const ids = all.result.map((p) => p.id);
    expect(ids).toEqual(expect.arrayContaining([own.id, instanceIdp.id]));
    const orgOnly = await mgmt.listProviders({
      queries: [{ ownerTypeQuery: { ownerType: IDPOwnerType.IDP_OWNER_TYPE_ORG } }],
    });
    expect(orgOnly.result.map((p) => p.id)).toEqual([own.id]);
    const systemOnly = await mgmt.listProviders({
      queries: [{ ownerTypeQuery: { ownerType: IDPOwnerType.IDP_OWNER_TYPE_SYSTEM } }],
    });
    expect(systemOnly.result.map((p) => p.id)).toContain(instanceIdp.id);
    expect(systemOnly.result.map((p) => p.id)).not.toContain(own.id);

    // The admin API sees the instance's providers only.
    expect(await v1Code(admin().getProviderByID({ id: own.id }))).toBe(Code.NotFound);
    // An org may not change or delete the instance's provider through management.
    expect(await v1Code(mgmt.updateGenericOAuthProvider({ ...OAUTH, id: instanceIdp.id }))).toBe(Code.NotFound);
    expect(await v1Code(mgmt.deleteProvider({ id: instanceIdp.id }))).toBe(Code.NotFound);

    await mgmt.updateGenericOIDCProvider({ ...OIDC, id: own.id, name: 'Org OIDC renamed', clientSecret: '' });
    expect((await storedSecrets(server(), own.id)).secrets.clientSecret).toBe('oidc-secret-1');
    const orgEvents = await eventTypes(server(), orgId);
    expect(orgEvents.map((e) => e.type)).toEqual(
      expect.arrayContaining(['org.idp.oidc.added', 'org.idp.oidc.changed']),
    );
    await mgmt.deleteProvider({ id: own.id });
    expect((await eventTypes(server(), orgId)).map((e) => e.type)).toContain('org.idp.removed');
  });

  it('another org’s owner cannot see or change the org’s providers (NOT_FOUND)', async () => {
    const a = await orgWithOwner(server(), 'IdP A');
    const b = await orgWithOwner(server(), 'IdP B');
    const { id } = await managementV1(server().baseUrl, a.owner, a.orgId).addGenericOIDCProvider(OIDC);
    const bInOwnOrg = managementV1(server().baseUrl, b.owner, b.orgId);
    expect(await v1Code(bInOwnOrg.getProviderByID({ id }))).toBe(Code.NotFound);
    expect(await v1Code(bInOwnOrg.deleteProvider({ id }))).toBe(Code.NotFound);
    expect((await bInOwnOrg.listProviders({ queries: [{ idpIdQuery: { id } }] })).result).toEqual([]);
    const bInA = managementV1(server().baseUrl, b.owner, a.orgId);
    expect(await v1Code(bInA.getProviderByID({ id }))).toBe(Code.NotFound);
    expect(await v1Code(bInA.addGenericOIDCProvider(OIDC))).toBe(Code.NotFound);
    expect(await v1Code(bInA.updateGenericOIDCProvider({ ...OIDC, id }))).toBe(Code.NotFound);
    expect(await v1Code(bInA.deleteProvider({ id }))).toBe(Code.NotFound);
    // An org that does not exist has no providers to list, even for the instance's administrator.
    const nowhere = managementV1(server().baseUrl, server().adminPat, 'no-such-org');
    expect(await v1Code(nowhere.listProviders({ queries: [] }))).toBe(Code.NotFound);
    expect(await v1Code(nowhere.addGenericOIDCProvider(OIDC))).toBe(Code.NotFound);
  });

  it('instance providers need iam.idp.write: an org owner is refused on the admin API', async () => {
    const { owner } = await orgWithOwner(server(), 'IdP no admin');
    const asOrgOwner = adminV1(server().baseUrl, owner);
    expect(await v1Code(asOrgOwner.addGenericOIDCProvider(OIDC))).toBe(Code.PermissionDenied);
    expect(await v1Code(asOrgOwner.listProviders({ queries: [] }))).toBe(Code.PermissionDenied);
  });

  it('an IAM_OWNER_VIEWER reads the instance’s providers but may not add one', async () => {
    const instanceOrg = (await managementV1(server().baseUrl, server().adminPat).getMyOrg({})).org!.id;
    const instanceId = (await admin().getMyInstance({})).instance!.id;
    const viewer = await machineWithRoles(server(), instanceOrg, {
      level: 'instance',
      resourceId: instanceId,
      roles: ['IAM_OWNER_VIEWER'],
    });
    const { id } = await admin().addGenericOIDCProvider(OIDC);
    const asViewer = adminV1(server().baseUrl, viewer.pat);
    expect((await asViewer.getProviderByID({ id })).idp?.id).toBe(id);
    expect(await v1Code(asViewer.addGenericOIDCProvider(OIDC))).toBe(Code.PermissionDenied);
  });

  it('another instance’s administrator finds none of this instance’s providers', async () => {
    const { id } = await admin().addGenericOIDCProvider(OIDC);
    const other = await otherInstance(server());
    const otherAdmin = adminV1(other.baseUrl, other.adminPat);
    expect(await v1Code(otherAdmin.getProviderByID({ id }))).toBe(Code.NotFound);
    expect(await v1Code(otherAdmin.deleteProvider({ id }))).toBe(Code.NotFound);
    expect((await otherAdmin.listProviders({ queries: [{ idpIdQuery: { id } }] })).result).toEqual([]);
    expect(await v1Code(admin().getProviderByID({ id }))).toBe('ok');
  });
});

function OAUTH_CONFIG() {
  const { name: _n, clientSecret: _s, providerOptions: _o, ...config } = OAUTH;
  return config;
}
