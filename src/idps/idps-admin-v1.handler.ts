import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { IdpTemplatesService } from './idp-templates.service.js';
import { LoginPolicyIdpsService } from './login-policy-idps.service.js';
import {
  ADMIN_LEGACY_NAMES,
  legacyMethodsV1,
  loginPolicyMethodsV1,
  templateAccessV1,
  templateMethodsV1,
} from './idp-templates-v1.js';

const READ = { permission: 'iam.idp.read' } as const;
const WRITE = { permission: 'iam.idp.write' } as const;

/** ZITADEL's permissions for the instance's providers (the descriptors' auth options). */
export const ADMIN_IDP_ACCESS: AccessTable<typeof AdminService> = {
  listIDPs: READ,
  getIDPByID: READ,
  addOIDCIDP: WRITE,
  addJWTIDP: WRITE,
  updateIDP: WRITE,
  deactivateIDP: WRITE,
  reactivateIDP: WRITE,
  removeIDP: WRITE,
  updateIDPOIDCConfig: WRITE,
  updateIDPJWTConfig: WRITE,
  ...templateAccessV1(READ, WRITE),
  listLoginPolicyIDPs: { permission: 'iam.policy.read' },
  addIDPToLoginPolicy: { permission: 'iam.policy.write' },
  removeIDPFromLoginPolicy: { permission: 'iam.policy.write' },
};

/**
 * Transport edge of zitadel.admin.v1.AdminService's identity providers: the instance's templates
 * and the providers on the instance's default login policy.
 */
@Injectable()
export class IdpsAdminV1Handler implements OnModuleInit {
  constructor(
    private readonly templates: IdpTemplatesService,
    private readonly loginPolicies: LoginPolicyIdpsService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(AdminService, ADMIN_IDP_ACCESS);
    this.registry.register({ service: AdminService, impl: this.impl, access: ADMIN_IDP_ACCESS });
  }

  private readonly scopeOf = (ctx: HandlerContext) => ({
    caller: authenticatedCallerOf(ctx),
    scope: { level: 'instance' } as const,
  });

  readonly impl: Partial<ServiceImpl<typeof AdminService>> = {
    ...templateMethodsV1(this.templates, this.scopeOf),
    ...loginPolicyMethodsV1(this.loginPolicies, this.scopeOf),
    ...legacyMethodsV1(this.templates, this.scopeOf, ADMIN_LEGACY_NAMES),
  };
}
