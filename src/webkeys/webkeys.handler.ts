import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { WebKeyService } from '@zitadel/proto/zitadel/webkey/v2/webkey_service_pb.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { ts } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import type { WebKey } from './web-key.entity.js';
import { webKeyConfig, webKeyV2, type KeyConfigOneof } from './webkeys.mapper.js';
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

  readonly v2: Partial<ServiceImpl<typeof WebKeyService>> = webKeyMethods(this.webKeys, webKeyV2);
}

/** The bodies of v2 and v2beta, which differ only in their package, REST paths and WebKey message. */
export function webKeyMethods<V>(webKeys: WebKeysService, view: (key: WebKey) => V) {
  return {
    createWebKey: async (req: { key: KeyConfigOneof }, ctx: HandlerContext) => {
      const created = await webKeys.create(authenticatedCallerOf(ctx), webKeyConfig(req.key));
      return { id: created.id, creationDate: ts(created.creationDate) };
    },
    activateWebKey: async (req: { id: string }, ctx: HandlerContext) => ({
      changeDate: ts(await webKeys.activate(authenticatedCallerOf(ctx), req.id)),
    }),
    deleteWebKey: async (req: { id: string }, ctx: HandlerContext) => ({
      deletionDate: ts(await webKeys.delete(authenticatedCallerOf(ctx), req.id)),
    }),
    listWebKeys: async (_req: unknown, ctx: HandlerContext) => ({
      webKeys: (await webKeys.list(authenticatedCallerOf(ctx))).map(view),
    }),
  };
}
