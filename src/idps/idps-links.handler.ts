import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
import { page } from '../platform/database/list-query.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { detailsV2, listDetailsV2 } from '../platform/rpc/proto-mapping.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import type { WrittenEvent } from '../platform/events/event-store.js';
import { idpLinkV2, upstreamIdentity } from './links.mapper.js';
import { IdpLinksService } from './links.service.js';

/**
 * `authenticated` as the descriptors say: the service lets a user manage its own links and
 * needs user.write (user.read to list) on the user's org for anyone else's.
 */
export const IDP_LINKS_V2_ACCESS: AccessTable<typeof UserService> = {
  addIDPLink: 'authenticated',
  listIDPLinks: 'authenticated',
  removeIDPLink: 'authenticated',
};

const changed = (e: WrittenEvent) =>
  detailsV2({ sequence: e.sequence, changeDate: e.createdAt, resourceOwner: e.resourceOwner });

/**
 * Transport edge of zitadel.user.v2.UserService's link methods. UserService is served in parts;
 * the registry merges this one with the users context's (and v2beta's AddIDPLink is bridged).
 */
@Injectable()
export class IdpLinksHandler implements OnModuleInit {
  constructor(
    private readonly links: IdpLinksService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(UserService, IDP_LINKS_V2_ACCESS);
    this.registry.register({ service: UserService, impl: this.impl, access: IDP_LINKS_V2_ACCESS });
  }

  readonly impl: Partial<ServiceImpl<typeof UserService>> = {
    addIDPLink: async (req, ctx) => ({
      details: changed(
        await this.links.add(authenticatedCallerOf(ctx), req.userId, upstreamIdentity(req.idpLink, 'idp_link')),
      ),
    }),
    listIDPLinks: async (req, ctx) => {
      const listed = await this.links.list(authenticatedCallerOf(ctx), req.userId, page(req.query, 'query'));
      return { details: listDetailsV2(listed.total), result: listed.items.map(idpLinkV2) };
    },
    removeIDPLink: async (req, ctx) => ({
      details: changed(await this.links.remove(authenticatedCallerOf(ctx), req.userId, req.idpId, req.linkedUserId)),
    }),
  };
}
