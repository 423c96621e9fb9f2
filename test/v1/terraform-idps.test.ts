import { Code } from '@connectrpc/connect';
import { AutoLinkingOption, IDPOwnerType, ProviderType } from '@zitadel/node/dist/api/generated/zitadel/idp.js';
import { OrganizationService } from '@zitadel/proto/zitadel/org/v2/org_service_pb.js';
import { client } from '../support/clients.js';
import { serverForFile } from '../support/test-server.js';
import { adminV1, managementV1, v1Code } from '../support/v1-clients.js';

// Replays of the v1 calls ZITADEL's Terraform provider makes for its identity provider resources
// (zitadel/idp_*/funcs.go and zitadel/org_idp_*/funcs.go): create with Add<Kind>Provider and keep
// the id, read with GetProviderByID into the state (the secret stays the configuration's, it is
// never read back), update with Update<Kind>Provider sending every field again, delete with
// DeleteProvider, and a read after it finds NOT_FOUND (the provider then drops the resource).
// Org resources run with the org in x-zitadel-orgid.

const server = serverForFile();

const OPTIONS = {
  isLinkingAllowed: true,
  isCreationAllowed: true,
  isAutoCreation: false,
  isAutoUpdate: false,
  autoLinking: AutoLinkingOption.AUTO_LINKING_OPTION_USERNAME,
};

describe('Terraform identity provider resources', () => {
  it('zitadel_idp_github: AddGitHubProvider, GetProviderByID, UpdateGitHubProvider, DeleteProvider', async () => {
    const admin = adminV1(server().baseUrl, server().adminPat);
    const resource = { name: 'GitHub', clientId: 'tf-gh', clientSecret: 'tf-gh-secret', scopes: ['read:user'] };
    const { id } = await admin.addGitHubProvider({ ...resource, providerOptions: OPTIONS });
    const read = async () => {
      const { idp } = await admin.getProviderByID({ id });
      return {
        name: idp!.name,
        client_id: idp!.config!.github!.clientId,
        scopes: idp!.config!.github!.scopes,
        is_linking_allowed: idp!.config!.options!.isLinkingAllowed,
        auto_linking: idp!.config!.options!.autoLinking,
      };
    };
    expect(await read()).toEqual({
      name: 'GitHub',
      client_id: 'tf-gh',
      scopes: ['read:user'],
      is_linking_allowed: true,
      auto_linking: AutoLinkingOption.AUTO_LINKING_OPTION_USERNAME,
    });
    await admin.updateGitHubProvider({
      id,
      ...resource,
      scopes: ['read:user', 'user:email'],
      providerOptions: OPTIONS,
    });
    expect((await read()).scopes).toEqual(['read:user', 'user:email']);
    // Re-applying unchanged configuration is answered OK (ZITADEL pushes nothing).
    await admin.updateGitHubProvider({
      id,
      ...resource,
      scopes: ['read:user', 'user:email'],
      providerOptions: OPTIONS,
    });
    await admin.deleteProvider({ id });
    expect(await v1Code(admin.getProviderByID({ id }))).toBe(Code.NotFound);
  });

  it('zitadel_org_idp_oidc: AddGenericOIDCProvider in the org, GetProviderByID, UpdateGenericOIDCProvider, DeleteProvider', async () => {
    const orgId = (
      await client(OrganizationService, 'grpc', server().baseUrl, server().adminPat).addOrganization({
        name: `Terraform IdP org ${Date.now()}`,
      })
    ).organizationId;
    const mgmt = managementV1(server().baseUrl, server().adminPat, orgId);
    const resource = {
      name: 'Org OIDC',
      issuer: 'https://issuer.example.com',
      clientId: 'tf-oidc',
      clientSecret: 'tf-oidc-secret',
      scopes: ['openid', 'profile'],
      isIdTokenMapping: true,
      usePkce: false,
    };
    const { id } = await mgmt.addGenericOIDCProvider({ ...resource, providerOptions: OPTIONS });
    const { idp } = await mgmt.getProviderByID({ id });
    expect(idp).toMatchObject({
      owner: IDPOwnerType.IDP_OWNER_TYPE_ORG,
      type: ProviderType.PROVIDER_TYPE_OIDC,
      details: { resourceOwner: orgId },
      config: { oidc: { issuer: resource.issuer, clientId: 'tf-oidc', isIdTokenMapping: true } },
    });
    await mgmt.updateGenericOIDCProvider({ id, ...resource, usePkce: true, providerOptions: OPTIONS });
    expect((await mgmt.getProviderByID({ id })).idp?.config?.oidc?.usePkce).toBe(true);
    await mgmt.deleteProvider({ id });
    expect(await v1Code(mgmt.getProviderByID({ id }))).toBe(Code.NotFound);
  });
});
