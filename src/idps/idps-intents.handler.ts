import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { wrongFlow } from './intents.errors.js';
import { retrievedV2, startedV2 } from './intents.mapper.js';
import { IntentsService } from './intents.service.js';

/**
 * ZITADEL's access: any authenticated caller (the login UI's service user, an app's backend)
 * may start an intent and, holding its token, read the result.
 */
export const INTENT_ACCESS: AccessTable<typeof UserService> = {
  startIdentityProviderIntent: 'authenticated',
  retrieveIdentityProviderIntent: 'authenticated',
};

/** The intent methods of zitadel.user.v2.UserService (v2beta through the bridge). */
@Injectable()
export class IdpIntentsHandler implements OnModuleInit {
  constructor(
    private readonly intents: IntentsService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(UserService, INTENT_ACCESS);
    this.registry.register({ service: UserService, impl: this.v2, access: INTENT_ACCESS });
  }

  readonly v2: Partial<ServiceImpl<typeof UserService>> = {
    startIdentityProviderIntent: async (req, ctx) => {
      const caller = authenticatedCallerOf(ctx);
      const content = req.content;
      if (content.case === 'urls') {
        const started = await this.intents.start(caller, req.idpId, {
          urls: { successUrl: content.value.successUrl, failureUrl: content.value.failureUrl },
        });
        return startedV2(started, caller.instance.id);
      }
      if (content.case === 'ldap') {
        const started = await this.intents.start(caller, req.idpId, {
          ldap: { username: content.value.username, password: content.value.password },
        });
        return startedV2(started, caller.instance.id);
      }
      throw wrongFlow('either urls or ldap is required');
    },
    retrieveIdentityProviderIntent: async (req, ctx) => {
      const caller = authenticatedCallerOf(ctx);
      return retrievedV2(await this.intents.retrieve(caller, req.idpIntentId, req.idpIntentToken));
    },
  };
}
