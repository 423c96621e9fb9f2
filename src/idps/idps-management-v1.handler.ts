import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { v1OrgOf } from '../platform/rpc/v1-org.js';
import { IdpTemplatesService } from './idp-templates.service.js';
import { LoginPolicyIdpsService } from './login-policy-idps.service.js';
import {
  MANAGEMENT_LEGACY_NAMES,
  legacyMethodsV1,
  loginPolicyMethodsV1,
  templateAccessV1,
  templateMethodsV1,
} from './idp-templates-v1.js';

const READ = { permission: 'org.idp.read' } as const;
const WRITE = { permission: 'org.idp.write' } as const;

/** ZITADEL's permissions for an org's providers (the descriptors' auth options). */
export const MANAGEMENT_IDP_ACCESS: AccessTable<typeof ManagementService> = {
  listOrgIDPs: READ,
  getOrgIDPByID: READ,
  addOrgOIDCIDP: WRITE,
  addOrgJWTIDP: WRITE,
  updateOrgIDP: WRITE,
  deactivateOrgIDP: WRITE,
  reactivateOrgIDP: WRITE,
  removeOrgIDP: WRITE,
  updateOrgIDPOIDCConfig: WRITE,
  updateOrgIDPJWTConfig: WRITE,
  ...templateAccessV1(READ, WRITE),
  listLoginPolicyIDPs: { permission: 'policy.read' },
  addIDPToLoginPolicy: { permission: 'policy.write' },
  removeIDPFromLoginPolicy: { permission: 'policy.write' },
};

/** Transport edge of zitadel.admin.v1.ManagementService's identity providers: the instance's templates. */
@Injectable()
export class IdpsManagementV1Handler implements OnModuleInit {
  constructor(
    private readonly templates: IdpTemplatesService,
    private readonly loginPolicies: LoginPolicyIdpsService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(ManagementService, MANAGEMENT_IDP_ACCESS);
    this.registry.register({ service: ManagementService, impl: this.impl, access: MANAGEMENT_IDP_ACCESS });
  }

  private readonly scopeOf = (ctx: HandlerContext) => {
    const { caller, orgId } = v1OrgOf(ctx);
    return { caller, scope: { level: 'org', orgId } as const };
  };

  readonly impl: Partial<ServiceImpl<typeof ManagementService>> = {
    ...templateMethodsV1(this.templates, this.scopeOf),
    ...loginPolicyMethodsV1(this.loginPolicies, this.scopeOf),
    ...legacyMethodsV1(this.templates, this.scopeOf, MANAGEMENT_LEGACY_NAMES),
  };
}
