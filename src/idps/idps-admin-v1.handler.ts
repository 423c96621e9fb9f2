import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { IdpTemplatesService } from './idp-templates.service.js';
import { templateMethodsV1 } from './idp-templates-v1.js';

const READ = { permission: 'iam.idp.read' } as const;
const WRITE = { permission: 'iam.idp.write' } as const;

/** ZITADEL's permissions for the instance's providers (the descriptors' auth options). */
export const ADMIN_IDP_ACCESS: AccessTable<typeof AdminService> = {
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

/** Transport edge of zitadel.admin.v1.AdminService's identity providers: the instance's templates. */
@Injectable()
export class IdpsAdminV1Handler implements OnModuleInit {
  constructor(
    private readonly templates: IdpTemplatesService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(AdminService, ADMIN_IDP_ACCESS);
    this.registry.register({ service: AdminService, impl: this.impl, access: ADMIN_IDP_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof AdminService>> = templateMethodsV1(this.templates, (ctx) => ({
    caller: authenticatedCallerOf(ctx),
    scope: { level: 'instance' },
  }));
}
