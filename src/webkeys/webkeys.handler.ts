import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { WebKeyService } from '@zitadel/proto/zitadel/webkey/v2/webkey_service_pb.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { ts } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { webKeyConfig, webKeyV2 } from './webkeys.mapper.js';
import { WebKeysService } from './webkeys.service.js';

/** ZITADEL's permissions for web keys: instance-level only. */
export const WEBKEY_V2_ACCESS: AccessTable<typeof WebKeyService> = {
  createWebKey: { permission: 'iam.web_key.write' },
  activateWebKey: { permission: 'iam.web_key.write' },
  deleteWebKey: { permission: 'iam.web_key.delete' },
  listWebKeys: { permission: 'iam.web_key.read' },
};

/** Transport edge of zitadel.webkey.v2.WebKeyService. */
@Injectable()
export class WebKeysHandler implements OnModuleInit {
  constructor(
    private readonly webKeys: WebKeysService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register({ service: WebKeyService, impl: this.v2, access: WEBKEY_V2_ACCESS });
  }

  readonly v2: Partial<ServiceImpl<typeof WebKeyService>> = {
    createWebKey: async (req, ctx) => {
      const created = await this.webKeys.create(authenticatedCallerOf(ctx), webKeyConfig(req.key));
      return { id: created.id, creationDate: ts(created.creationDate) };
    },
    activateWebKey: async (req, ctx) => ({
      changeDate: ts(await this.webKeys.activate(authenticatedCallerOf(ctx), req.id)),
    }),
    deleteWebKey: async (req, ctx) => ({
      deletionDate: ts(await this.webKeys.delete(authenticatedCallerOf(ctx), req.id)),
    }),
    listWebKeys: async (_req, ctx) => ({
      webKeys: (await this.webKeys.list(authenticatedCallerOf(ctx))).map(webKeyV2),
    }),
  };
}
