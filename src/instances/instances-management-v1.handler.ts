import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { Config } from '../platform/config/config.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';

/** ZITADEL's v1 permissions (the descriptors' auth options, checked at boot). */
export const INSTANCE_MANAGEMENT_V1_ACCESS: AccessTable<typeof ManagementService> = {
  getOIDCInformation: 'authenticated',
  getIAM: 'authenticated',
};

/** Where OpenID Connect discovery lives under an issuer. */
export const DISCOVERY_PATH = '/.well-known/openid-configuration';

/** What management v1 tells about the caller's instance: its OpenID issuer and its orgs and project. */
@Injectable()
export class InstancesManagementV1Handler implements OnModuleInit {
  constructor(
    private readonly registry: RpcRegistry,
    private readonly config: Config,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(ManagementService, INSTANCE_MANAGEMENT_V1_ACCESS);
    this.registry.register({ service: ManagementService, impl: this.impl, access: INSTANCE_MANAGEMENT_V1_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof ManagementService>> = {
    // As ZITADEL: the issuer is the origin the request reached the instance at (the OpenID
    // provider answers each instance on its own domains), discovery under it.
    getOIDCInformation: async (_req, ctx) => {
      const caller = authenticatedCallerOf(ctx);
      const issuer = caller.origin ?? new URL(this.config.externalUrl).origin;
      return { issuer, discoveryEndpoint: issuer + DISCOVERY_PATH };
    },
    // As ZITADEL today: the global org is the default org. Portcullis has no IAM project (the
    // ZITADEL console's project), so its id is empty.
    getIAM: async (_req, ctx) => {
      const defaultOrgId = authenticatedCallerOf(ctx).instance.defaultOrgId ?? '';
      return { globalOrgId: defaultOrgId, iamProjectId: '', defaultOrgId };
    },
  };
}
