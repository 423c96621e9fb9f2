import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { authorize } from '../platform/authz/authorize.js';
import { hasPermission, type Permission } from '../platform/authz/permissions.js';
import type { DomainError } from '../platform/errors/domain-error.js';
import { EventStore, type WrittenEvent } from '../platform/events/event-store.js';
import { creatorOf, type Caller } from '../platform/rpc/call-context.js';
import { OrgQueries } from '../orgs/orgs.queries.js';
import { MembershipCommands } from '../platform/authz/membership-commands.js';
import { rowOf } from '../platform/database/entity-row.js';
import { isUniqueViolation } from '../platform/database/pg-errors.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { Policies } from '../settings/policies.queries.js';
import { PersonalAccessToken } from './personal-access-token.entity.js';
import { User } from './user.entity.js';
import * as errors from './users.errors.js';

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

const USERNAME_LOCK = 'username';

/**
 * Loading a user for a caller and writing users' rows and events, shared by every group of user
 * methods: a user the caller may not read answers exactly like a missing one.
 */
@Injectable()
export class UserStore {
  constructor(
    private readonly events: EventStore,
    private readonly policies: Policies,
    private readonly orgs: OrgQueries,
    private readonly members: MembershipCommands,
  ) {}

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
    if (!user) throw errors.userNotFound();
    this.check(caller, user, permission, options.self ?? false);
    return user;
  }

  /** Throws unless the caller may act on the user with the permission. */
  check(caller: Caller, user: Pick<User, 'id' | 'resourceOwner'>, permission: Permission, self: boolean): void {
    if (self && caller.principal?.userId === user.id) return;
    authorize(caller, permission, { orgId: user.resourceOwner }, errors.userNotFound, 'user.read');
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

  /** The user, locked, when the caller may change it (or it is the caller) and it is a human. */
  async loadHuman(tx: EntityManager, caller: Caller, userId: string): Promise<User> {
    const user = await this.load(tx, caller, userId, 'user.write', { lock: true, self: true });
    if (user.type !== 'human') throw errors.notHuman();
    return user;
  }

  /** The user's last change, when something beyond this service appended to it. */
  async latest(
    tx: EntityManager,
    caller: Caller,
    user: Pick<User, 'id' | 'resourceOwner'>,
  ): Promise<WrittenEvent | undefined> {
    const [row] = await tx.query('SELECT sequence, changed_at FROM users WHERE instance_id = $1 AND id = $2', [
      caller.instance.id,
      user.id,
    ]);
    return row
      ? {
          aggregateId: user.id,
          sequence: BigInt(row.sequence),
          createdAt: row.changed_at,
          resourceOwner: user.resourceOwner,
        }
      : undefined;
  }

  /** Usernames are unique per org or per instance, as the org's domain settings say. */
  async checkUsernameFree(
    tx: EntityManager,
    caller: Caller,
    orgId: string,
    username: string,
    field: string,
    exceptUserId?: string,
  ): Promise<void> {
    const perOrg = await this.lockUsername(tx, caller, orgId, username, field);
    const [row] = await tx.query(`SELECT ${usernameTakenSql(1)} AS taken`, [
      caller.instance.id,
      username,
      orgId,
      exceptUserId ?? '',
      perOrg,
    ]);
    if (row.taken) throw errors.usernameTaken(username);
  }

  /**
   * Serialises the writers of one username for the rest of the transaction, and answers its
   * scope (read in the transaction unless the caller already has it). A unique index cannot do
   * this job: whether two equal usernames clash depends on the domain settings of the org the
   * new one goes to. The lock is its own statement, so the next statement's snapshot sees every
   * writer of the name that held it before.
   */
  async lockUsername(
    tx: EntityManager,
    caller: Caller,
    orgId: string,
    username: string,
    field: string,
    perOrg?: boolean,
  ): Promise<boolean> {
    if (!username) throw invalidField('USER-uN0n3', field, 'a username or email is required');
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `${caller.instance.id}/${USERNAME_LOCK}/${username.toLowerCase()}`,
    ]);
    return perOrg ?? (await this.policies.domainSettings(caller.instance.id, orgId)).userLoginMustBeDomain;
  }

  /**
   * A new user and its first events in one statement, into an active org of the caller's
   * instance and under a free username (see lockUsername); otherwise the facts read in the same
   * snapshot say why. A taken id fails on the primary key.
   */
  async insert(
    tx: EntityManager,
    caller: Caller,
    user: User,
    usernameField: string,
    events: readonly UserEventInput[],
    perOrg?: boolean,
  ): Promise<WrittenEvent> {
    const scope = await this.lockUsername(tx, caller, user.resourceOwner, user.username, usernameField, perOrg);
    // The org is read and held (FOR SHARE) so it stays active until the user is in.
    const orgState = await this.orgs.stateForNewMember(tx, caller.instance.id, user.resourceOwner);
    if (orgState === null) throw errors.orgNotFoundForUser('organization');
    if (orgState !== 'active') throw errors.orgNotUsable();
    const { columns, values } = rowOf(tx, user, ['sequence', 'changedAt']);
    const n = values.length;
    const taken = usernameTakenSql(n + 1);
    const params = [...values, caller.instance.id, user.username, user.resourceOwner, '', scope];
    const sql = `INSERT INTO users (${columns.join(', ')}, sequence, changed_at)
      SELECT ${values.map((_, i) => `$${i + 1}`).join(', ')}, prior.n + ${events.length}, prior.at FROM prior
       WHERE NOT ${taken}
      RETURNING true AS inserted`;
    const { written } = await this.events
      .insertWithFirstEvents(
        tx,
        { sql, params },
        caller.instance.id,
        creatorOf(caller),
        events.map((e) => ({
          aggregateType: 'user',
          aggregateId: user.id,
          resourceOwner: user.resourceOwner,
          type: e.type,
          payload: e.payload,
        })),
      )
      .catch((err: unknown) => {
        // No savepoint: a taken id ends the unit of work, so nothing runs on the failed transaction.
        throw isUniqueViolation(err, 'users_pkey') ? errors.userIdTaken() : err;
      });
    if (written) return written;
    throw errors.usernameTaken(user.username);
  }

  /** Locks an active or initial user after too many failed checks; whether it was locked now. */
  async lockAfterFailedChecks(tx: EntityManager, instanceId: string, userId: string): Promise<boolean> {
    const result = await tx
      .createQueryBuilder()
      .update(User)
      .set({ state: 'locked' })
      .where(`instance_id = :i AND id = :id AND state IN ('active', 'initial')`, { i: instanceId, id: userId })
      .execute();
    return !!result.affected;
  }

  /** Replaces the password hash unless it changed meanwhile (a new password's hash stays); whether it did. */
  async replacePasswordHash(
    tx: EntityManager,
    instanceId: string,
    userId: string,
    oldHash: string | null,
    newHash: string,
  ): Promise<boolean> {
    const { affected } = await tx
      .createQueryBuilder()
      .update(User)
      .set({ passwordHash: newHash })
      .where('instance_id = :i AND id = :id AND password_hash = :old', { i: instanceId, id: userId, old: oldHash })
      .execute();
    return !!affected;
  }

  /** Whether the user exists in the instance, whatever its org. */
  /** The user's id and org, its row locked for the transaction when asked; no permission check. */
  async owner(
    db: EntityManager,
    instanceId: string,
    userId: string,
    lock: boolean,
  ): Promise<{ id: string; resourceOwner: string } | undefined> {
    const rows: { id: string; resource_owner: string }[] = await db.query(
      `SELECT id, resource_owner FROM users WHERE instance_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
      [instanceId, userId],
    );
    return rows[0] && { id: rows[0].id, resourceOwner: rows[0].resource_owner };
  }

  async exists(db: EntityManager, instanceId: string, userId: string): Promise<boolean> {
    const rows = await db.query('SELECT 1 FROM users WHERE instance_id = $1 AND id = $2', [instanceId, userId]);
    return rows.length > 0;
  }

  /** Removes an org's users with their memberships and tokens (the org is being deleted). */
  async removeAllOfOrg(tx: EntityManager, instanceId: string, orgId: string): Promise<void> {
    const rows: { id: string }[] = await tx.query(
      'SELECT id FROM users WHERE instance_id = $1 AND resource_owner = $2',
      [instanceId, orgId],
    );
    await this.members.removeOfUsers(
      tx,
      instanceId,
      rows.map((r) => r.id),
    );
    await tx.delete(PersonalAccessToken, { instanceId, resourceOwner: orgId });
    await tx.delete(User, { instanceId, resourceOwner: orgId });
  }
}

/**
 * Whether another user holds the username where it must be unique: the instance, or the org
 * when its domain settings make login names domains. Its parameters, from `$first` on: the
 * instance, the username, the org, the id to leave out ('' for none), usernames unique per org.
 */
function usernameTakenSql(first: number): string {
  const [instance, username, org, except, perOrg] = [0, 1, 2, 3, 4].map((i) => `$${first + i}`);
  return `EXISTS (SELECT 1 FROM users WHERE instance_id = ${instance} AND lower(username) = lower(${username}) AND id <> ${except}
                    AND (NOT ${perOrg}::boolean OR resource_owner = ${org}))`;
}
