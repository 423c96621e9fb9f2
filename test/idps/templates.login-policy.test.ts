// The identity providers a login policy offers: admin v1 on the instance's default policy,
// management v1 on an org's own policy (ZITADEL: an org without one uses the instance's and must
// add its own before changing the list), removal with the provider, and what
// zitadel.settings.v2 GetActiveIdentityProviders and zitadel.idp.v2 GetIDPByID answer, through
// @zitadel/node (gRPC), @zitadel/client's transports and v1 REST.
import { Code } from '@connectrpc/connect';
import { IdentityProviderService } from '@zitadel/proto/zitadel/idp/v2/idp_service_pb.js';
import { SettingsService } from '@zitadel/proto/zitadel/settings/v2/settings_service_pb.js';
import { AutoLinkingOption } from '@zitadel/node/dist/api/generated/zitadel/idp.js';
import { client, codeOf } from '../support/clients.js';
import { EXTERNAL_LOGIN_POLICY_V1 } from '../support/idp-templates.js';
import { serverForFile } from '../support/test-server.js';
import { adminV1, managementV1, restV1, v1Code } from '../support/v1-clients.js';
import { eventTypes, OPTIONS, orgWithOwner } from './idp-test-helpers.js';

const server = serverForFile();
const admin = () => adminV1(server().baseUrl, server().adminPat);
const byOrg = (orgId: string) => ({ ctx: { resourceOwner: { case: 'orgId' as const, value: orgId } } });

const oidc = (name: string, providerOptions = OPTIONS) => ({
  name,
  issuer: 'https://issuer.example.com',
  clientId: 'client',
  clientSecret: 'secret',
  scopes: ['openid'],
  providerOptions,
  isIdTokenMapping: false,
  usePkce: false,
});

// One test at a time touches the instance's default policy: the file's tests run in order.
describe('the instance’s default login policy (admin v1)', () => {
  it('adds, lists and removes instance providers with their events; duplicates and unknown ones are refused', async () => {
    const { id } = await admin().addGenericOIDCProvider(oidc('Default policy OIDC'));
    await admin().addIDPToLoginPolicy({ idpId: id });
    const listed = await admin().listLoginPolicyIDPs({});
    expect(listed.result).toContainEqual({ idpId: id, idpName: 'Default policy OIDC', idpType: 1 });
    expect(await v1Code(admin().addIDPToLoginPolicy({ idpId: id }))).toBe(Code.AlreadyExists);
    // ZITADEL: a provider the policy's owner does not have is Errors.IDPConfig.NotExisting.
    expect(await v1Code(admin().addIDPToLoginPolicy({ idpId: 'no-such-idp' }))).toBe(Code.FailedPrecondition);
    await admin().removeIDPFromLoginPolicy({ idpId: id });
    expect((await admin().listLoginPolicyIDPs({})).result.map((l) => l.idpId)).not.toContain(id);
    expect(await v1Code(admin().removeIDPFromLoginPolicy({ idpId: id }))).toBe(Code.NotFound);
    const instanceId = listed.details ? (await admin().getMyInstance({})).instance!.id : '';
    const types = (await eventTypes(server(), instanceId))
      .filter((e) => e.payload.idpConfigId === id)
      .map((e) => e.type);
    expect(types).toEqual(['instance.policy.login.idpprovider.added', 'instance.policy.login.idpprovider.removed']);
  });

  it('refuses an org’s provider on the instance’s policy, and an org owner on the admin API', async () => {
    const { orgId, owner } = await orgWithOwner(server(), 'Policy org idp');
    const { id } = await managementV1(server().baseUrl, owner, orgId).addGenericOIDCProvider(oidc('Org only'));
    expect(await v1Code(admin().addIDPToLoginPolicy({ idpId: id }))).toBe(Code.FailedPrecondition);
    expect(await v1Code(adminV1(server().baseUrl, owner).listLoginPolicyIDPs({}))).toBe(Code.PermissionDenied);
    expect(await v1Code(adminV1(server().baseUrl, owner).addIDPToLoginPolicy({ idpId: id }))).toBe(
      Code.PermissionDenied,
    );
  });

  it('deleting a provider takes it off the login policies that offered it (ZITADEL’s cascade)', async () => {
    const { orgId, owner } = await orgWithOwner(server(), 'Cascade');
    const { id } = await admin().addGenericOIDCProvider(oidc('Cascaded'));
    await admin().addIDPToLoginPolicy({ idpId: id });
    const mgmt = managementV1(server().baseUrl, owner, orgId);
    await mgmt.addCustomLoginPolicy(EXTERNAL_LOGIN_POLICY_V1);
    await mgmt.addIDPToLoginPolicy({ idpId: id, ownerType: 1 });
    await admin().deleteProvider({ id });
    expect((await admin().listLoginPolicyIDPs({})).result.map((l) => l.idpId)).not.toContain(id);
    expect((await mgmt.listLoginPolicyIDPs({})).result).toEqual([]);
    expect((await eventTypes(server(), orgId)).map((e) => e.type)).toContain(
      'org.policy.login.idpprovider.cascade.removed',
    );
  });
});

describe('an org’s login policy (management v1)', () => {
  it('without a policy of its own the org shows the instance’s providers and may not change them', async () => {
    const { id } = await admin().addGenericOIDCProvider(oidc('Inherited'));
    await admin().addIDPToLoginPolicy({ idpId: id });
    const { orgId, owner } = await orgWithOwner(server(), 'Inheriting');
    const mgmt = managementV1(server().baseUrl, owner, orgId);
    expect((await mgmt.listLoginPolicyIDPs({})).result.map((l) => l.idpId)).toContain(id);
    expect(await v1Code(mgmt.addIDPToLoginPolicy({ idpId: id, ownerType: 1 }))).toBe(Code.NotFound);
    await admin().removeIDPFromLoginPolicy({ idpId: id });
  });

  it('with its own policy, offers its own and the instance’s providers, not another org’s; a reset brings back the instance’s', async () => {
    const instanceIdp = await admin().addGenericOIDCProvider(oidc('Instance offered'));
    await admin().addIDPToLoginPolicy({ idpId: instanceIdp.id });
    const a = await orgWithOwner(server(), 'Own policy A');
    const b = await orgWithOwner(server(), 'Own policy B');
    const mgmt = managementV1(server().baseUrl, a.owner, a.orgId);
    const own = await mgmt.addGenericOIDCProvider(oidc('A’s own'));
    const others = await managementV1(server().baseUrl, b.owner, b.orgId).addGenericOIDCProvider(oidc('B’s'));
    await mgmt.addCustomLoginPolicy(EXTERNAL_LOGIN_POLICY_V1);
    // ZITADEL: the org's own policy starts with its own (empty) list.
    expect((await mgmt.listLoginPolicyIDPs({})).result).toEqual([]);
    await mgmt.addIDPToLoginPolicy({ idpId: own.id, ownerType: 2 });
    await mgmt.addIDPToLoginPolicy({ idpId: instanceIdp.id, ownerType: 1 });
    expect(await v1Code(mgmt.addIDPToLoginPolicy({ idpId: others.id, ownerType: 2 }))).toBe(Code.FailedPrecondition);
    // owner_type says where to look: the org's own provider is not the instance's, and the other way round.
    expect(await v1Code(mgmt.addIDPToLoginPolicy({ idpId: own.id, ownerType: 1 }))).toBe(Code.FailedPrecondition);
    expect(await v1Code(mgmt.addIDPToLoginPolicy({ idpId: instanceIdp.id, ownerType: 2 }))).toBe(
      Code.FailedPrecondition,
    );
    expect(await v1Code(mgmt.addIDPToLoginPolicy({ idpId: own.id, ownerType: 2 }))).toBe(Code.AlreadyExists);
    expect((await mgmt.listLoginPolicyIDPs({})).result.map((l) => l.idpName)).toEqual(['A’s own', 'Instance offered']);
    // GetLoginPolicy carries the same list, as ZITADEL's login policy does.
    expect((await mgmt.getLoginPolicy({})).policy?.idps.map((l) => l.idpId)).toEqual([own.id, instanceIdp.id]);
    // Another org's owner neither reads nor changes A's list.
    const bInA = managementV1(server().baseUrl, b.owner, a.orgId);
    expect(await v1Code(bInA.listLoginPolicyIDPs({}))).toBe(Code.NotFound);
    expect(await v1Code(bInA.removeIDPFromLoginPolicy({ idpId: own.id }))).toBe(Code.NotFound);
    // v1 REST, as the console calls it.
    const rest = await restV1(
      server().baseUrl,
      a.owner,
      'POST',
      '/management/v1/policies/login/idps/_search',
      {},
      a.orgId,
    );
    expect(rest.body.result.map((l: { idpId: string }) => l.idpId)).toEqual([own.id, instanceIdp.id]);
    const removed = await restV1(
      server().baseUrl,
      a.owner,
      'DELETE',
      `/management/v1/policies/login/idps/${own.id}`,
      undefined,
      a.orgId,
    );
    expect(removed.status).toBe(200);
    expect((await eventTypes(server(), a.orgId)).map((e) => e.type)).toEqual(
      expect.arrayContaining(['org.policy.login.idpprovider.added', 'org.policy.login.idpprovider.removed']),
    );

    await mgmt.resetLoginPolicyToDefault({});
    expect((await mgmt.listLoginPolicyIDPs({})).result.map((l) => l.idpId)).toContain(instanceIdp.id);
    await mgmt.addCustomLoginPolicy(EXTERNAL_LOGIN_POLICY_V1);
    expect((await mgmt.listLoginPolicyIDPs({})).result).toEqual([]);
    await admin().removeIDPFromLoginPolicy({ idpId: instanceIdp.id });
  });
});

describe('AddCustomLoginPolicy with identity providers (management v1)', () => {
  it('adds the org’s policy with its providers in one step; an unknown provider adds neither', async () => {
    const { orgId, owner } = await orgWithOwner(server(), 'Custom with idps');
    const mgmt = managementV1(server().baseUrl, owner, orgId);
    const own = await mgmt.addGenericOIDCProvider(oidc('Custom own'));
    const shared = await admin().addGenericOIDCProvider(oidc('Custom shared'));
    expect(
      await v1Code(
        mgmt.addCustomLoginPolicy({ ...EXTERNAL_LOGIN_POLICY_V1, idps: [{ idpId: 'no-such-idp', ownerType: 2 }] }),
      ),
    ).toBe(Code.FailedPrecondition);
    expect((await mgmt.getLoginPolicy({})).isDefault).toBe(true);
    await mgmt.addCustomLoginPolicy({
      ...EXTERNAL_LOGIN_POLICY_V1,
      idps: [
        { idpId: own.id, ownerType: 2 },
        { idpId: shared.id, ownerType: 1 },
      ],
    });
    const { policy, isDefault } = await mgmt.getLoginPolicy({});
    expect(isDefault).toBe(false);
    expect(policy?.idps.map((l) => [l.idpId, l.idpName])).toEqual([
      [own.id, 'Custom own'],
      [shared.id, 'Custom shared'],
    ]);
  });
});

describe('zitadel.settings.v2 GetActiveIdentityProviders', () => {
  it('answers the providers of the policy in force with their options, and filters on them', async () => {
    const linkOnly = {
      ...OPTIONS,
      isCreationAllowed: false,
      autoLinking: AutoLinkingOption.AUTO_LINKING_OPTION_UNSPECIFIED,
    };
    const a = await admin().addGenericOIDCProvider(oidc('Active creates', { ...OPTIONS, isAutoCreation: true }));
    const b = await admin().addGitHubProvider({
      name: 'Active links',
      clientId: 'gh',
      clientSecret: 's',
      scopes: [],
      providerOptions: linkOnly,
    });
    await admin().addIDPToLoginPolicy({ idpId: a.id });
    await admin().addIDPToLoginPolicy({ idpId: b.id });
    const settings = client(SettingsService, 'grpc', server().baseUrl, server().adminPat);
    const all = await settings.getActiveIdentityProviders({});
    expect(all.identityProviders.map((p) => p.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(all.identityProviders.find((p) => p.id === a.id)).toMatchObject({
      name: 'Active creates',
      type: 1,
      options: {
        isLinkingAllowed: true,
        isCreationAllowed: true,
        isAutoCreation: true,
        isAutoUpdate: true,
        autoLinking: 2,
      },
    });
    expect(all.identityProviders.find((p) => p.id === b.id)).toMatchObject({
      type: 6,
      options: { isCreationAllowed: false },
    });
    const ids = async (filter: object) =>
      (await settings.getActiveIdentityProviders(filter)).identityProviders
        .map((p) => p.id)
        .filter((i) => [a.id, b.id].includes(i));
    expect(await ids({ creationAllowed: true })).toEqual([a.id]);
    expect(await ids({ creationAllowed: false })).toEqual([b.id]);
    expect(await ids({ autoCreation: true })).toEqual([a.id]);
    expect(await ids({ autoLinking: true })).toEqual([a.id]);
    expect(await ids({ autoLinking: false })).toEqual([b.id]);
    expect(await ids({ linkingAllowed: true })).toEqual([a.id, b.id]);

    // An org with a policy of its own answers its own list; another org's callers may not read it.
    const org = await orgWithOwner(server(), 'Active org');
    const mgmt = managementV1(server().baseUrl, org.owner, org.orgId);
    const own = await mgmt.addGoogleProvider({
      name: '',
      clientId: 'g',
      clientSecret: 's',
      scopes: [],
      providerOptions: OPTIONS,
    });
    await mgmt.addCustomLoginPolicy(EXTERNAL_LOGIN_POLICY_V1);
    await mgmt.addIDPToLoginPolicy({ idpId: own.id, ownerType: 2 });
    const asOwner = client(SettingsService, 'connect-h1', server().baseUrl, org.owner);
    const orgList = await asOwner.getActiveIdentityProviders(byOrg(org.orgId));
    expect(orgList.identityProviders.map((p) => [p.id, p.type])).toEqual([[own.id, 10]]);
    expect(Number(orgList.details?.totalResult)).toBe(1);
    const stranger = await orgWithOwner(server(), 'Active stranger');
    expect(
      await codeOf(
        client(SettingsService, 'grpc', server().baseUrl, stranger.owner).getActiveIdentityProviders(byOrg(org.orgId)),
      ),
    ).toBe(Code.NotFound);
    await admin().removeIDPFromLoginPolicy({ idpId: a.id });
    await admin().removeIDPFromLoginPolicy({ idpId: b.id });
  });
});

describe('zitadel.idp.v2 GetIDPByID', () => {
  it('answers a provider to who may read its owner’s providers, without secrets; others get NOT_FOUND', async () => {
    const instanceIdp = await admin().addGenericOIDCProvider(oidc('v2 instance'));
    const org = await orgWithOwner(server(), 'v2 org');
    const orgIdp = await managementV1(server().baseUrl, org.owner, org.orgId).addGenericOAuthProvider({
      name: 'v2 org oauth',
      clientId: 'c',
      clientSecret: 'oauth-v2-secret',
      authorizationEndpoint: 'https://o.example.com/a',
      tokenEndpoint: 'https://o.example.com/t',
      userEndpoint: 'https://o.example.com/u',
      scopes: [],
      idAttribute: 'id',
      providerOptions: OPTIONS,
      usePkce: true,
    });
    const asAdmin = client(IdentityProviderService, 'grpc', server().baseUrl, server().adminPat);
    const got = await asAdmin.getIDPByID({ id: instanceIdp.id });
    expect(got.idp).toMatchObject({
      id: instanceIdp.id,
      name: 'v2 instance',
      state: 1,
      type: 1,
      config: { config: { case: 'oidc', value: { issuer: 'https://issuer.example.com', clientId: 'client' } } },
    });
    const asOwner = client(IdentityProviderService, 'connect-h1', server().baseUrl, org.owner);
    const orgGot = await asOwner.getIDPByID({ id: orgIdp.id });
    expect(orgGot.idp).toMatchObject({ type: 4, details: { resourceOwner: org.orgId } });
    expect(JSON.stringify(orgGot.idp, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(
      'oauth-v2-secret',
    );
    // The org owner has no iam.idp.read: the instance's provider is not found for it.
    expect(await codeOf(asOwner.getIDPByID({ id: instanceIdp.id }))).toBe(Code.NotFound);
    const stranger = await orgWithOwner(server(), 'v2 stranger');
    expect(
      await codeOf(
        client(IdentityProviderService, 'grpc', server().baseUrl, stranger.owner).getIDPByID({ id: orgIdp.id }),
      ),
    ).toBe(Code.NotFound);
    const rest = await fetch(`${server().baseUrl}/v2/idps/${orgIdp.id}`, {
      headers: { authorization: `Bearer ${org.owner}` },
    });
    expect(rest.status).toBe(200);
    expect((await rest.json()).idp.config.oauth.clientId).toBe('c');
  });
});
