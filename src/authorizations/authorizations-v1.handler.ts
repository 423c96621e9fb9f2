import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { page } from '../platform/database/list-query.js';
import { listDetailsV1 } from '../platform/rpc/v1-mapping.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { v1OrgOf } from '../platform/rpc/v1-org.js';
import { RpcRegistry, type AccessTable } from '../platform/rpc/registry.js';
import { assertMatchesAnnotations } from '../platform/rpc/annotated-access.js';
import { objectDetailsV1 } from '../settings/settings-v1.mapper.js';
import { authorizationNotFound } from './authorizations.errors.js';
import { AuthorizationsService, type AuthorizationView } from './authorizations.service.js';
import { userGrantFiltersV1, userGrantV1 } from './authorizations-v1.mapper.js';

const READ = { permission: 'user.grant.read' } as const;
const WRITE = { permission: 'user.grant.write' } as const;
const DELETE = { permission: 'user.grant.delete' } as const;

/** ZITADEL's v1 permissions for user grants (checked against the descriptors at boot). */
export const USER_GRANTS_V1_ACCESS: AccessTable<typeof ManagementService> = {
  getUserGrantByID: READ,
  listUserGrants: READ,
  addUserGrant: WRITE,
  updateUserGrant: WRITE,
  deactivateUserGrant: WRITE,
  reactivateUserGrant: WRITE,
  removeUserGrant: DELETE,
  bulkRemoveUserGrant: DELETE,
};

/** A grant's details as they stand (read back after a change: the service answers only its date). */
const detailsOf = (g: AuthorizationView) =>
  objectDetailsV1({ sequence: g.sequence, creationDate: g.createdAt, changeDate: g.changedAt, resourceOwner: g.orgId });

/**
 * Transport edge of zitadel.management.v1's user grants on the authorizations service (the same
 * rules as AuthorizationService v2beta); v1 works on the grants of the org context only.
 */
@Injectable()
export class AuthorizationsV1Handler implements OnModuleInit {
  constructor(
    private readonly authorizations: AuthorizationsService,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(ManagementService, USER_GRANTS_V1_ACCESS);
    this.registry.register({ service: ManagementService, impl: this.impl, access: USER_GRANTS_V1_ACCESS });
  }

  /** The user's grant in the org context; any other answers NotFound. */
  private async grant(ctx: HandlerContext, userId: string, grantId: string) {
    const { caller, orgId } = v1OrgOf(ctx);
    const { items } = await this.authorizations.list(
      caller,
      [
        { kind: 'ids', ids: [grantId] },
        { kind: 'user', id: userId },
        { kind: 'org', id: orgId },
      ],
      'id',
      { offset: 0, limit: 1, asc: true },
    );
    if (!items.length) throw authorizationNotFound();
    return { caller, grant: items[0] };
  }

  /** Runs a change on a grant of the org context and answers the grant's details after it. */
  private async change(
    ctx: HandlerContext,
    userId: string,
    grantId: string,
    command: (caller: Caller, id: string) => Promise<unknown>,
  ) {
    const { caller } = await this.grant(ctx, userId, grantId);
    await command(caller, grantId);
    return { details: detailsOf((await this.grant(ctx, userId, grantId)).grant) };
  }

  readonly impl: Partial<ServiceImpl<typeof ManagementService>> = {
    getUserGrantByID: async (req, ctx) => ({
      userGrant: userGrantV1((await this.grant(ctx, req.userId, req.grantId)).grant),
    }),
    listUserGrants: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const listed = await this.authorizations.list(
        caller,
        userGrantFiltersV1(orgId, req.queries),
        'creationDate',
        page(req.query, 'query'),
      );
      return { details: listDetailsV1(listed.total), result: listed.items.map(userGrantV1) };
    },
    addUserGrant: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const created = await this.authorizations.create(caller, {
        userId: req.userId,
        projectId: req.projectId,
        orgId,
        roleKeys: req.roleKeys,
        projectGrantId: req.projectGrantId || undefined,
      });
      return { userGrantId: created.id, details: detailsOf((await this.grant(ctx, req.userId, created.id)).grant) };
    },
    updateUserGrant: async (req, ctx) =>
      this.change(ctx, req.userId, req.grantId, (caller, id) => this.authorizations.update(caller, id, req.roleKeys)),
    deactivateUserGrant: async (req, ctx) =>
      this.change(ctx, req.userId, req.grantId, (caller, id) => this.authorizations.setState(caller, id, 'inactive')),
    reactivateUserGrant: async (req, ctx) =>
      this.change(ctx, req.userId, req.grantId, (caller, id) => this.authorizations.setState(caller, id, 'active')),
    removeUserGrant: async (req, ctx) => {
      const { caller, grant } = await this.grant(ctx, req.userId, req.grantId);
      const removedAt = await this.authorizations.delete(caller, grant.id);
      return {
        details: objectDetailsV1({
          sequence: 0n,
          changeDate: removedAt ?? grant.changedAt,
          resourceOwner: grant.orgId,
        }),
      };
    },
    bulkRemoveUserGrant: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      // Only grants of the org context count; one outside it is not found, and nothing is removed.
      const { items } = await this.authorizations.list(
        caller,
        [
          { kind: 'ids', ids: req.grantId },
          { kind: 'org', id: orgId },
        ],
        'id',
        page({ limit: req.grantId.length || 1 }),
      );
      if (items.length !== new Set(req.grantId).size) throw authorizationNotFound();
      await this.authorizations.deleteAll(caller, req.grantId);
      return {};
    },
  };
}
