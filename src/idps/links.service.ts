import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { authorize } from '../platform/authz/authorize.js';
import { hasPermission, type Permission } from '../platform/authz/permissions.js';
import { Transactions } from '../platform/database/transactions.js';
import type { Page } from '../platform/database/list-query.js';
import type { DomainError } from '../platform/errors/domain-error.js';
import type { WrittenEvent } from '../platform/events/event-store.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { IdpStore } from './idps.store.js';
import { IdpLinkUsers, type LinkEvent, type LinkOwner } from './link-users.js';
import * as errors from './links.errors.js';
import { IdpLinkQueries, type IdpLinkView } from './links.queries.js';
import { IdpLinkStore } from './links.store.js';

/** An identity at an upstream provider: the provider, the id it gives the user, and its name there. */
export interface UpstreamIdentity {
  readonly idpId: string;
  readonly userId: string;
  readonly userName: string;
}

/** A new user's links as its creation request names them. */
export interface NewUserLinks {
  readonly identities: readonly UpstreamIdentity[];
  /** The request field of the i-th identity's provider id (v2: `idp_links[i].idp_id`; v1 import: `idps[i].config_id`). */
  readonly idpIdField: (i: number) => string;
  /**
   * v1's ImportHumanUser links as a creation through the provider, so the provider must allow
   * creation (ZITADEL's addUserIDPLink with linkToExistingUser false); v2 only needs it to exist.
   */
  readonly asCreation?: boolean;
}

/** ZITADEL's event types of a user's links (repository/user: `user.human.externalidp.*`). */
export const LINK_ADDED = 'user.human.externalidp.added';
export const LINK_REMOVED = 'user.human.externalidp.removed';
export const LINK_CASCADE_REMOVED = 'user.human.externalidp.cascade.removed';

/** Where a v1 management call looks for the user: only in its org context. */
export interface LinkScope {
  readonly orgId?: string;
}

/**
 * Links from upstream identities to users: added by an administrator, listed and removed by one
 * or by the user itself, each change an event on the user. Unlike ZITADEL, a user may not add a
 * link to itself: upstream ids are often public (a GitHub account's number), and a self-made link
 * to someone else's upstream identity would sign that person into the linker's account. A person
 * links an identity they proved through a sign-in intent, which the login client adds for them.
 */
@Injectable()
export class IdpLinksService {
  constructor(
    private readonly tx: Transactions,
    private readonly store: IdpLinkStore,
    private readonly queries: IdpLinkQueries,
    private readonly idps: IdpStore,
    private readonly users: IdpLinkUsers,
  ) {}

  /** ZITADEL's AddUserIDPLink: user.write on the user's org (the user itself is not enough, see above). */
  async add(caller: Caller, userId: string, identity: UpstreamIdentity, scope: LinkScope = {}): Promise<WrittenEvent> {
    return this.tx.run(async (tx) => {
      const selfOnly = caller.principal?.userId === userId;
      const user = await this.owner(
        tx,
        caller,
        userId,
        scope,
        'user.write',
        selfOnly ? errors.selfLinkDenied : errors.userNotFound,
        false,
      );
      const event = await this.link(tx, caller.instance.id, user, identity, 'idp_link.idp_id', false);
      return this.users.directory().push(tx, caller, user, [event]);
    });
  }

  /**
   * A new user's links, in its creating transaction (AddHumanUser, CreateUser): the creation
   * checked the caller's permission on the org. Answers the events for the user's history.
   */
  async linkNewUser(
    tx: EntityManager,
    instanceId: string,
    user: LinkOwner,
    links: NewUserLinks,
    fieldPrefix = '',
  ): Promise<LinkEvent[]> {
    const events: LinkEvent[] = [];
    for (const [i, identity] of links.identities.entries()) {
      const field = `${fieldPrefix}${links.idpIdField(i)}`;
      events.push(await this.link(tx, instanceId, user, identity, field, links.asCreation ?? false));
    }
    return events;
  }

  /**
   * The user's links when the caller may read the user (user.read on its org) or is the user;
   * an empty list otherwise, as ZITADEL's IDPUserLinks filters out the links it may not show.
   */
  async list(
    caller: Caller,
    userId: string,
    page: Page,
    scope: LinkScope = {},
  ): Promise<{ items: IdpLinkView[]; total: bigint }> {
    const db = this.tx.reader;
    const user = await this.users.directory().find(db, caller.instance.id, userId, false);
    if (!user || (scope.orgId && user.resourceOwner !== scope.orgId) || !this.mayRead(caller, user))
      return { items: [], total: 0n };
    return this.queries.ofUser(db, caller.instance.id, user.id, page);
  }

  /** ZITADEL's RemoveUserIDPLink: a missing link is NOT_FOUND; user.write on the user's org, or the user itself. */
  async remove(
    caller: Caller,
    userId: string,
    idpId: string,
    externalUserId: string,
    scope: LinkScope = {},
  ): Promise<WrittenEvent> {
    return this.tx.run(async (tx) => {
      const user = await this.owner(tx, caller, userId, scope, 'user.write', errors.linkNotFound);
      if (!(await this.store.remove(tx, caller.instance.id, user.id, idpId, externalUserId)))
        throw errors.linkNotFound();
      return this.users
        .directory()
        .push(tx, caller, user, [{ type: LINK_REMOVED, payload: { idpConfigId: idpId, userId: externalUserId } }]);
    });
  }

  /**
   * For a provider being deleted, in the deleting transaction: removes its links and records
   * ZITADEL's `user.human.externalidp.cascade.removed` on each user (the foreign key would remove
   * the rows too, but silently).
   */
  async removeAllOfProvider(tx: EntityManager, caller: Caller, idpId: string): Promise<void> {
    const removed = await this.store.removeAllOfProvider(tx, caller.instance.id, idpId);
    const directory = this.users.directory();
    for (const link of removed) {
      const user = await directory.find(tx, caller.instance.id, link.userId, true);
      if (!user) continue;
      await directory.push(tx, caller, user, [
        { type: LINK_CASCADE_REMOVED, payload: { idpConfigId: idpId, userId: link.externalUserId } },
      ]);
    }
  }

  /** The user, locked, when the caller may change it; `notFound` when it is missing or hidden. */
  private async owner(
    tx: EntityManager,
    caller: Caller,
    userId: string,
    scope: LinkScope,
    permission: Permission,
    notFound: () => DomainError,
    selfAllowed = true,
  ): Promise<LinkOwner> {
    const user = await this.users.directory().find(tx, caller.instance.id, userId, true);
    if (!user || (scope.orgId && user.resourceOwner !== scope.orgId)) throw notFound();
    if (!selfAllowed || caller.principal?.userId !== user.id)
      authorize(caller, permission, { orgId: user.resourceOwner }, notFound, 'user.read');
    return user;
  }

  private mayRead(caller: Caller, user: LinkOwner): boolean {
    if (caller.system || caller.principal?.userId === user.id) return true;
    return (
      !!caller.principal &&
      hasPermission(caller.principal.grants, caller.instance.id, 'user.read', { orgId: user.resourceOwner })
    );
  }

  /**
   * ZITADEL's addLink: the provider must exist (active or not) on the user's org or the instance;
   * `asCreation`, it must also allow creating users. `field` names the provider id in the request.
   */
  private async link(
    tx: EntityManager,
    instanceId: string,
    user: LinkOwner,
    identity: UpstreamIdentity,
    field: string,
    asCreation: boolean,
  ): Promise<LinkEvent> {
    const provider = await this.idps.get(tx, instanceId, identity.idpId);
    const orgId = provider?.template.orgId;
    if (!provider || (orgId !== null && orgId !== user.resourceOwner)) throw errors.providerNotFound(field);
    if (asCreation && !provider.template.options.isCreationAllowed) throw errors.creationNotAllowed(field);
    const inserted = await this.store.insert(tx, {
      instanceId,
      idpId: identity.idpId,
      externalUserId: identity.userId,
      externalUserName: identity.userName,
      userId: user.id,
      createdAt: new Date(),
    });
    if (!inserted) throw errors.linkTaken();
    return {
      type: LINK_ADDED,
      payload: { idpConfigId: identity.idpId, userId: identity.userId, displayName: identity.userName },
    };
  }
}
