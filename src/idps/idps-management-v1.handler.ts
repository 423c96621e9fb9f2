import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { v1OrgOf } from '../platform/rpc/v1-org.js';
import { IdpTemplatesService } from './idp-templates.service.js';
import { templateMethodsV1 } from './idp-templates-v1.js';

const READ = { permission: 'org.idp.read' } as const;
const WRITE = { permission: 'org.idp.write' } as const;

/** ZITADEL's permissions for an org's providers (the descriptors' auth options). */
export const MANAGEMENT_IDP_ACCESS: AccessTable<typeof ManagementService> = {
  listProviders: READ,
  getProviderByID: READ,
  addGenericOAuthProvider: WRITE,
  updateGenericOAuthProvider: WRITE,
  addGenericOIDCProvider: WRITE,
  updateGenericOIDCProvider: WRITE,
  addJWTProvider: WRITE,
  updateJWTProvider: WRITE,
  addAzureADProvider: WRITE,
  updateAzureADProvider: WRITE,
  addGitHubProvider: WRITE,
  updateGitHubProvider: WRITE,
  addGitHubEnterpriseServerProvider: WRITE,
  updateGitHubEnterpriseServerProvider: WRITE,
  addGitLabProvider: WRITE,
  updateGitLabProvider: WRITE,
  addGitLabSelfHostedProvider: WRITE,
  updateGitLabSelfHostedProvider: WRITE,
  addGoogleProvider: WRITE,
  updateGoogleProvider: WRITE,
  addLDAPProvider: WRITE,
  updateLDAPProvider: WRITE,
  addAppleProvider: WRITE,
  updateAppleProvider: WRITE,
  addSAMLProvider: WRITE,
  updateSAMLProvider: WRITE,
  regenerateSAMLProviderCertificate: WRITE,
  deleteProvider: WRITE,
};

/** Transport edge of zitadel.admin.v1.ManagementService's identity providers: the instance's templates. */
@Injectable()
export class IdpsManagementV1Handler implements OnModuleInit {
  constructor(
    private readonly templates: IdpTemplatesService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(ManagementService, MANAGEMENT_IDP_ACCESS);
    this.registry.register({ service: ManagementService, impl: this.impl, access: MANAGEMENT_IDP_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof ManagementService>> = templateMethodsV1(this.templates, (ctx) => {
    const { caller, orgId } = v1OrgOf(ctx);
    return { caller, scope: { level: 'org', orgId } };
  });
}
