import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { authorize } from '../platform/authz/authorize.js';
import { hasPermission, type Permission } from '../platform/authz/permissions.js';
import type { DomainError } from '../platform/errors/domain-error.js';
import { EventStore, type WrittenEvent } from '../platform/events/event-store.js';
import { creatorOf, type Caller } from '../platform/rpc/call-context.js';
import { User } from './user.entity.js';
import { userNotFound } from './users.errors.js';

export interface LoadOptions {
  /** Lock the row for the rest of the transaction (commands). */
  readonly lock?: boolean;
  /** Whether the user may do this to themselves without the permission (ZITADEL's self-management). */
  readonly self?: boolean;
  /** Also select the secret columns (password hash, code hashes). */
  readonly secrets?: boolean;
}

/** Changes to a user: what an event payload says (never a secret). */
export interface UserEventInput {
  readonly type: string;
  readonly payload?: Record<string, unknown>;
}

const SECRET_COLUMNS = ['passwordHash'] as const;

/**
 * Loading a user for a caller and recording its changes, shared by every group of user methods:
 * a user the caller may not read answers exactly like a missing one.
 */
@Injectable()
export class UserStore {
  constructor(private readonly events: EventStore) {}

  async load(
    db: EntityManager,
    caller: Caller,
    userId: string,
    permission: Permission,
    options: LoadOptions = {},
  ): Promise<User> {
    const query = db
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.instance_id = :i AND u.id = :id', { i: caller.instance.id, id: userId });
    if (options.secrets) for (const column of SECRET_COLUMNS) query.addSelect(`u.${column}`);
    if (options.lock) query.setLock('pessimistic_write');
    const user = await query.getOne();
    if (!user) throw userNotFound();
    this.check(caller, user, permission, options.self ?? false);
    return user;
  }

  /** Throws unless the caller may act on the user with the permission. */
  check(caller: Caller, user: Pick<User, 'id' | 'resourceOwner'>, permission: Permission, self: boolean): void {
    if (self && caller.principal?.userId === user.id) return;
    authorize(caller, permission, { orgId: user.resourceOwner }, userNotFound, 'user.read');
  }

  /**
   * For a step that needs the permission even where loading the user let the user act on itself:
   * the caller already sees the user, so the refusal is `denied` (PERMISSION_DENIED), not not-found.
   */
  requireOnOrg(
    caller: Caller,
    user: Pick<User, 'resourceOwner'>,
    permission: Permission,
    denied: () => DomainError,
  ): void {
    if (caller.system) return;
    if (
      caller.principal &&
      hasPermission(caller.principal.grants, caller.instance.id, permission, { orgId: user.resourceOwner })
    )
      return;
    throw denied();
  }

  /** Appends the user's events and moves its row's sequence and change date to the last one. */
  async push(
    tx: EntityManager,
    caller: Caller,
    user: Pick<User, 'id' | 'resourceOwner'>,
    events: readonly UserEventInput[],
  ): Promise<WrittenEvent> {
    const written = await this.events.push(
      tx,
      caller.instance.id,
      creatorOf(caller),
      events.map((e) => ({
        aggregateType: 'user',
        aggregateId: user.id,
        resourceOwner: user.resourceOwner,
        type: e.type,
        payload: e.payload,
      })),
    );
    const last = written[written.length - 1];
    await tx.update(
      User,
      { instanceId: caller.instance.id, id: user.id },
      { sequence: last.sequence.toString(), changedAt: last.createdAt },
    );
    return last;
  }
}
