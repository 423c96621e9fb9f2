import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { IdentityProviderService } from '@zitadel/proto/zitadel/idp/v2/idp_service_pb.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { detailsV2 } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import type { IdpTemplate } from './idp-config.js';
import { IdpTemplatesService } from './idp-templates.service.js';
import { configOneof, kindNumber, optionsMessage, stateNumber, templateChange } from './idps.mapper.js';

/**
 * ZITADEL's GetIDPByID asks `idp.read` on the provider's owner (the instance for the instance's
 * providers, the org for an org's), checked by the service once the provider is loaded.
 */
export const IDP_V2_ACCESS: AccessTable<typeof IdentityProviderService> = {
  getIDPByID: 'authenticated',
};

function idpV2(t: IdpTemplate) {
  return {
    id: t.id,
    details: detailsV2(templateChange(t)),
    state: stateNumber(t),
    name: t.name,
    type: kindNumber(t.config.kind),
    config: { options: optionsMessage(t.options), config: configOneof(t.config, false) },
  };
}

/** Transport edge of zitadel.idp.v2.IdentityProviderService. */
@Injectable()
export class IdpsHandler implements OnModuleInit {
  constructor(
    private readonly templates: IdpTemplatesService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(IdentityProviderService, IDP_V2_ACCESS);
    this.registry.register({ service: IdentityProviderService, impl: this.impl, access: IDP_V2_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof IdentityProviderService>> = {
    getIDPByID: async (req, ctx) => ({ idp: idpV2(await this.templates.getAny(authenticatedCallerOf(ctx), req.id)) }),
  };
}
