import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { WebKeyService } from '@zitadel/proto/zitadel/webkey/v2beta/webkey_service_pb.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { WEBKEY_V2_ACCESS, webKeyMethods } from './webkeys.handler.js';
import { webKeyV2beta } from './webkeys.mapper.js';
import { WebKeysService } from './webkeys.service.js';

/** The same permissions as v2: the beta differs only in its package and REST paths (`/v2beta/web_keys`). */
export const WEBKEY_V2BETA_ACCESS: AccessTable<typeof WebKeyService> = WEBKEY_V2_ACCESS;

/** Transport edge of zitadel.webkey.v2beta.WebKeyService. */
@Injectable()
export class WebKeysV2betaHandler implements OnModuleInit {
  constructor(
    private readonly webKeys: WebKeysService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register({ service: WebKeyService, impl: this.v2beta, access: WEBKEY_V2BETA_ACCESS });
  }

  readonly v2beta: Partial<ServiceImpl<typeof WebKeyService>> = webKeyMethods(this.webKeys, webKeyV2beta);
}
