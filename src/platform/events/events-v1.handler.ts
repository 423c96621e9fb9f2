import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { ServiceImpl } from '@connectrpc/connect';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb.js';
import { AuthService } from '@zitadel/proto/zitadel/auth_pb.js';
import { ManagementService } from '@zitadel/proto/zitadel/management_pb.js';
import { assertMatchesAnnotations } from '../rpc/annotated-access.js';
import { authenticatedCallerOf } from '../rpc/call-context.js';
import { RpcRegistry, type AccessTable } from '../rpc/registry.js';
import { v1OrgOf } from '../rpc/v1-org.js';
import { localizedType } from './event-names.js';
import { EventReads } from './event-reads.js';
import { changeV1, eventV1 } from './events-v1.mapper.js';

/** ZITADEL's v1 permissions (the descriptors' auth options, checked at boot). */
export const EVENTS_ADMIN_ACCESS: AccessTable<typeof AdminService> = {
  listEvents: { permission: 'events.read' },
  listEventTypes: { permission: 'events.read' },
  listAggregateTypes: { permission: 'events.read' },
};
export const CHANGES_MANAGEMENT_ACCESS: AccessTable<typeof ManagementService> = {
  listUserChanges: { permission: 'user.read' },
  listOrgChanges: { permission: 'org.read' },
  listProjectChanges: { permission: 'project.read' },
  listAppChanges: { permission: 'project.app.read' },
  listProjectGrantChanges: { permission: 'project.grant.read' },
};
export const CHANGES_AUTH_ACCESS: AccessTable<typeof AuthService> = {
  listMyUserChanges: 'authenticated',
};

type ChangeQueryLike = { sequence: bigint; limit: number; asc: boolean } | undefined;
const changeQuery = (q: ChangeQueryLike) => ({
  sequence: q?.sequence ?? 0n,
  limit: q?.limit ?? 0,
  asc: q?.asc ?? false,
});

/** Transport edge of the audit trail: admin ListEvents & co, and the v1 change lists. */
@Injectable()
export class EventsV1Handler implements OnModuleInit {
  constructor(
    private readonly reads: EventReads,
    private readonly registry: RpcRegistry,
  ) {}

  onModuleInit(): void {
    assertMatchesAnnotations(AdminService, EVENTS_ADMIN_ACCESS);
    assertMatchesAnnotations(ManagementService, CHANGES_MANAGEMENT_ACCESS);
    assertMatchesAnnotations(AuthService, CHANGES_AUTH_ACCESS);
    this.registry.register({ service: AdminService, impl: this.admin, access: EVENTS_ADMIN_ACCESS });
    this.registry.register({ service: ManagementService, impl: this.management, access: CHANGES_MANAGEMENT_ACCESS });
    this.registry.register({ service: AuthService, impl: this.auth, access: CHANGES_AUTH_ACCESS });
  }

  readonly admin: Partial<ServiceImpl<typeof AdminService>> = {
    listEvents: async (req, ctx) => {
      const range = req.creationDateFilter.case === 'range' ? req.creationDateFilter.value : undefined;
      const from = req.creationDateFilter.case === 'from' ? req.creationDateFilter.value : req.creationDate;
      const events = await this.reads.listEvents(
        authenticatedCallerOf(ctx),
        {
          aggregateTypes: req.aggregateTypes,
          aggregateId: req.aggregateId || undefined,
          eventTypes: req.eventTypes,
          creator: req.editorUserId || undefined,
          resourceOwner: req.resourceOwner || undefined,
          sequenceAfter: req.sequence,
          // A range replaces `from` (and the deprecated creation_date), as in ZITADEL.
          createdAfter: !range && from ? timestampDate(from) : undefined,
          createdSince: range?.since ? timestampDate(range.since) : undefined,
          createdUntil: range?.until ? timestampDate(range.until) : undefined,
        },
        { asc: req.asc, limit: req.limit },
      );
      return { events: events.map(eventV1) };
    },
    listEventTypes: async (_req, ctx) => ({
      eventTypes: (await this.reads.eventTypes(authenticatedCallerOf(ctx))).map((type) => ({
        type,
        localized: localizedType('EventTypes', type),
      })),
    }),
    listAggregateTypes: async (_req, ctx) => ({
      aggregateTypes: (await this.reads.aggregateTypes(authenticatedCallerOf(ctx))).map((type) => ({
        type,
        localized: localizedType('AggregateTypes', type),
      })),
    }),
  };

  readonly management: Partial<ServiceImpl<typeof ManagementService>> = {
    listUserChanges: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const events = await this.reads.changes(
        caller,
        orgId,
        { kind: 'user', userId: req.userId },
        changeQuery(req.query),
      );
      return { result: events.map(changeV1) };
    },
    listOrgChanges: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      return {
        result: (await this.reads.changes(caller, orgId, { kind: 'org' }, changeQuery(req.query))).map(changeV1),
      };
    },
    listProjectChanges: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const subject = { kind: 'project' as const, projectId: req.projectId };
      return { result: (await this.reads.changes(caller, orgId, subject, changeQuery(req.query))).map(changeV1) };
    },
    listAppChanges: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const subject = { kind: 'app' as const, projectId: req.projectId, appId: req.appId };
      return { result: (await this.reads.changes(caller, orgId, subject, changeQuery(req.query))).map(changeV1) };
    },
    // As ZITADEL: the project's events in the org whose payload names the grant.
    listProjectGrantChanges: async (req, ctx) => {
      const { caller, orgId } = v1OrgOf(ctx);
      const subject = { kind: 'grant' as const, projectId: req.projectId, grantId: req.grantId };
      return { result: (await this.reads.changes(caller, orgId, subject, changeQuery(req.query))).map(changeV1) };
    },
  };

  readonly auth: Partial<ServiceImpl<typeof AuthService>> = {
    listMyUserChanges: async (req, ctx) => ({
      result: (await this.reads.myChanges(authenticatedCallerOf(ctx), changeQuery(req.query))).map(changeV1),
    }),
  };
}
