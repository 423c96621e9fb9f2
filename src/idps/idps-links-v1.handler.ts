import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { AuthService } from '@zitadel/proto/zitadel/auth_pb.js';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { page } from '../platform/database/list-query.js';
import type { WrittenEvent } from '../platform/events/event-store.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { authenticatedCallerOf } from '../platform/rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { eventDetailsV1, listDetailsV1 } from '../platform/rpc/v1-mapping.js';
import { v1OrgOf } from '../platform/rpc/v1-org.js';
import { idpUserLinkV1 } from './links.mapper.js';
import { IdpLinksService } from './links.service.js';

/** ZITADEL's v1 permissions (the descriptors' `zitadel.v1.auth_option`, checked at boot). */
export const IDP_LINKS_MANAGEMENT_V1_ACCESS: AccessTable<typeof ManagementService> = {
  listHumanLinkedIDPs: { permission: 'user.read' },
  removeHumanLinkedIDP: { permission: 'user.write' },
};

/** The caller's own links: any signed-in user. */
export const IDP_LINKS_AUTH_V1_ACCESS: AccessTable<typeof AuthService> = {
  listMyLinkedIDPs: 'authenticated',
  removeMyLinkedIDP: 'authenticated',
};

const changed = (e: WrittenEvent) => ({ details: eventDetailsV1(e) });

/**
 * Transport edge of the v1 link methods: management's on a user of the org context
 * (`x-zitadel-orgid`), auth's on the caller's own user, through the same service as v2.
 */
@Injectable()
export class IdpLinksV1Handler implements OnModuleInit {
  constructor(
    private readonly links: IdpLinksService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(ManagementService, IDP_LINKS_MANAGEMENT_V1_ACCESS);
    assertMatchesAnnotations(AuthService, IDP_LINKS_AUTH_V1_ACCESS);
    this.registry.register({
      service: ManagementService,
      impl: this.management,
      access: IDP_LINKS_MANAGEMENT_V1_ACCESS,
    });
    this.registry.register({ service: AuthService, impl: this.auth, access: IDP_LINKS_AUTH_V1_ACCESS });
  }

  readonly management: Partial<ServiceImpl<typeof ManagementService>> = {
    listHumanLinkedIDPs: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const listed = await this.links.list(caller, req.userId, page(req.query, 'query'), { orgId });
      return { details: listDetailsV1(listed.total), result: listed.items.map(idpUserLinkV1) };
    },
    removeHumanLinkedIDP: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      return changed(await this.links.remove(caller, req.userId, req.idpId, req.linkedUserId, { orgId }));
    },
  };

  readonly auth: Partial<ServiceImpl<typeof AuthService>> = {
    listMyLinkedIDPs: async (req, ctx) => {
      const caller = authenticatedCallerOf(ctx);
      const listed = await this.links.list(caller, caller.principal.userId, page(req.query, 'query'));
      return { details: listDetailsV1(listed.total), result: listed.items.map(idpUserLinkV1) };
    },
    removeMyLinkedIDP: async (req, ctx) => {
      const caller = authenticatedCallerOf(ctx);
      return changed(await this.links.remove(caller, caller.principal.userId, req.idpId, req.linkedUserId));
    },
  };
}
