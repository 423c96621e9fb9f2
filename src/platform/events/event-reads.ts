import { Injectable } from '@nestjs/common';
import { authorize } from '../authz/authorize.js';
import type { Permission } from '../authz/permissions.js';
import type { AuthenticatedCaller, Caller } from '../rpc/call-context.js';
import { EventQueries, type EventFilter, type EventOrder, type EventRow } from './event-queries.js';
import { historyNotFound } from './events.errors.js';

/** ZITADEL caps ListEvents at 1000 events; 0 means the cap. */
export const MAX_EVENTS = 1000;

/** Whose history a change list shows, in the org the v1 call works in. */
export type HistorySubject =
  | { readonly kind: 'user'; readonly userId: string }
  | { readonly kind: 'org' }
  | { readonly kind: 'project'; readonly projectId: string }
  | { readonly kind: 'app'; readonly projectId: string; readonly appId: string }
  | { readonly kind: 'grant'; readonly projectId: string; readonly grantId: string };

/** The read permission each history needs on its org (and project), as ZITADEL's descriptors say. */
const PERMISSION: Record<HistorySubject['kind'], Permission> = {
  user: 'user.read',
  org: 'org.read',
  project: 'project.read',
  app: 'project.app.read',
  grant: 'project.grant.read',
};

export function limitOf(limit: number): number {
  return limit === 0 || limit > MAX_EVENTS ? MAX_EVENTS : limit;
}

/**
 * The audit trail made readable: the whole instance's events for those with events.read on the
 * instance, and the change history of one user, org, project or app for those who may read it.
 */
@Injectable()
export class EventReads {
  constructor(private readonly queries: EventQueries) {}

  listEvents(caller: Caller, filter: EventFilter, order: EventOrder): Promise<EventRow[]> {
    authorize(caller, 'events.read', { instance: true }, historyNotFound);
    return this.queries.list(caller.instance.id, filter, { ...order, limit: limitOf(order.limit) });
  }

  eventTypes(caller: Caller): Promise<string[]> {
    authorize(caller, 'events.read', { instance: true }, historyNotFound);
    return this.queries.eventTypes(caller.instance.id);
  }

  aggregateTypes(caller: Caller): Promise<string[]> {
    authorize(caller, 'events.read', { instance: true }, historyNotFound);
    return this.queries.aggregateTypes(caller.instance.id);
  }

  /**
   * One resource's changes in the org: only events that org owns count, so naming a resource of
   * another org finds nothing, and reading needs the permission on that org (or project).
   */
  changes(
    caller: Caller,
    orgId: string,
    subject: HistorySubject,
    query: { sequence: bigint; limit: number; asc: boolean },
  ): Promise<EventRow[]> {
    const projectId = 'projectId' in subject ? subject.projectId : undefined;
    authorize(caller, PERMISSION[subject.kind], { orgId, ...(projectId ? { projectId } : {}) }, historyNotFound);
    return this.history(caller, orgId, subject, query);
  }

  /** The caller's own changes (auth ListMyUserChanges): no permission beyond being the user. */
  myChanges(caller: AuthenticatedCaller, query: { sequence: bigint; limit: number; asc: boolean }) {
    return this.history(caller, caller.principal.orgId, { kind: 'user', userId: caller.principal.userId }, query);
  }

  private history(
    caller: Caller,
    orgId: string,
    subject: HistorySubject,
    query: { sequence: bigint; limit: number; asc: boolean },
  ): Promise<EventRow[]> {
    const aggregate: EventFilter =
      subject.kind === 'user'
        ? { aggregateTypes: ['user'], aggregateId: subject.userId }
        : subject.kind === 'org'
          ? { aggregateTypes: ['org'], aggregateId: orgId }
          : subject.kind === 'project'
            ? { aggregateTypes: ['project'], aggregateId: subject.projectId }
            : subject.kind === 'app'
              ? { aggregateTypes: ['project'], aggregateId: subject.projectId, appId: subject.appId }
              : { aggregateTypes: ['project'], aggregateId: subject.projectId, grantId: subject.grantId };
    return this.queries.list(
      caller.instance.id,
      { ...aggregate, resourceOwner: orgId, sequenceAfter: query.sequence },
      { asc: query.asc, limit: limitOf(query.limit) },
    );
  }
}
