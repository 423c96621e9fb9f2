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

/** The unique index of usernames in their scope (migration 1767000000011-username-scope). */
const USERNAME_INDEX = 'users_username_unique';

/** The org of the user `$2` of the instance `$1`, for OrgQueries.heldForUserSql. */
const ownerOfUserSql = '(SELECT resource_owner FROM users WHERE instance_id = $1 AND id = $2)';

/**
 * Loading a user for a caller and writing users' rows and events, shared by every group of user
 * methods: a user the caller may not read answers exactly like a missing one.
 */
@Injectable()
export class UserStore {
  constructor(
    private readonly events: EventStore,
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

  /**
   * Holds the user's org (FOR SHARE) before the user's row is locked, the order a domain policy
   * change locks them in, and answers whether its usernames are unique per org: a new username
   * of the user takes that scope. Undefined when the user is missing.
   */
  async holdUsernameScope(tx: EntityManager, caller: Caller, userId: string): Promise<boolean | undefined> {
    const [row] = await tx.query(this.orgs.heldForUserSql('$1', ownerOfUserSql), [caller.instance.id, userId]);
    return row?.usernames_per_org;
  }

  /** Writes changed columns of a user; a username another user holds in its scope is `usernameTaken`. */
  async update(tx: EntityManager, caller: Caller, userId: string, updates: Partial<User>): Promise<void> {
    await tx.update(User, { instanceId: caller.instance.id, id: userId }, updates).catch((err: unknown) => {
      throw isUniqueViolation(err, USERNAME_INDEX) ? errors.usernameTaken(updates.username ?? '') : err;
    });
  }

  /**
   * The orgs' users take the username scope of their orgs' new domain policy, and their usernames
   * change as ZITADEL's DomainPolicyUsernamesWriteModel.newUsername changes them, so that the
   * login names stay what they were: leaving per-org usernames appends `@<the org's primary
   * domain>`; entering them strips a trailing `@<a verified domain of the org>` (not a bare one).
   * Every user gets `user.username.changed`, as in ZITADEL. Two users the new scope gives one
   * username fail the change (ZITADEL's unique constraint does too).
   */
  async rescopeUsernames(tx: EntityManager, caller: Caller, orgIds: readonly string[], perOrg: boolean): Promise<void> {
    const instanceId = caller.instance.id;
    const orgs = perOrg
      ? await this.orgs.verifiedDomains(instanceId, orgIds, tx)
      : new Map([...(await this.orgs.summaries(instanceId, orgIds, tx))].map(([id, o]) => [id, [o.primaryDomain]]));
    for (const orgId of orgIds) {
      const suffixes = (orgs.get(orgId) ?? []).map((domain) => `@${domain}`);
      const renamed: { id: string; username: string }[] = await tx
        .query(
          perOrg
            ? `UPDATE users u SET username_scope = u.resource_owner,
                 username = COALESCE((SELECT left(u.username, length(u.username) - length(s)) FROM unnest($3::text[]) s
                                       WHERE length(u.username) > length(s) AND right(lower(u.username), length(s)) = s
                                       LIMIT 1), u.username)
                WHERE u.instance_id = $1 AND u.resource_owner = $2 RETURNING u.id, u.username`
            : `UPDATE users SET username_scope = '', username = username || COALESCE(($3::text[])[1], '')
                WHERE instance_id = $1 AND resource_owner = $2 RETURNING id, username`,
          [instanceId, orgId, suffixes],
        )
        .then(([rows]: [{ id: string; username: string }[], number]) => rows)
        .catch((err: unknown) => {
          throw isUniqueViolation(err, USERNAME_INDEX) ? errors.usernamesClash() : err;
        });
      for (const user of renamed) {
        await this.push(tx, caller, { id: user.id, resourceOwner: orgId }, [
          { type: 'user.username.changed', payload: { username: user.username } },
        ]);
      }
    }
  }

  /**
   * The users a domain that the org `orgId` verifies claims, locked: ZITADEL's
   * getClaimedUserIDsOfOrgDomain takes the users of other orgs whose preferred login name ends
   * with `@<domain>` (ignoring case). A user whose usernames are unique per org logs in as
   * `<username>@<its org's primary domain>`, which another org's domain never ends, so only users
   * of the instance-wide scope can match.
   */
  async claimableByDomain(tx: EntityManager, instanceId: string, orgId: string, domain: string): Promise<User[]> {
    const suffix = `@${domain.toLowerCase()}`;
    return tx
      .getRepository(User)
      .createQueryBuilder('u')
      .setLock('pessimistic_write')
      .where(
        `u.instance_id = :i AND u.resource_owner <> :o AND u.username_scope = '' AND right(lower(u.username), :n) = :suffix`,
        { i: instanceId, o: orgId, n: suffix.length, suffix },
      )
      .orderBy('u.id')
      .getMany();
  }

  /**
   * A new user and its first events in one statement, atomic without a transaction: the org is
   * read and held (FOR SHARE) in it, so it stays active and keeps its username scope until the
   * user is in; the username's unique index decides between concurrent writers of one name (the
   * later waits for the earlier and inserts nothing). A `claimedDomain` (the domain the username
   * ends in) that another org has verified refuses an instance-wide username
   * (`domainNotAllowedAsUsername`); its org domain rows are held too (domainHeldForUsernameSql).
   * Otherwise the facts read in the same snapshot say why. A taken id fails on the primary key.
   */
  async insert(
    db: EntityManager,
    caller: Caller,
    user: User,
    usernameField: string,
    events: readonly UserEventInput[],
    claimedDomain?: string,
  ): Promise<WrittenEvent> {
    if (!user.username) throw invalidField('USER-uN0n3', usernameField, 'a username or email is required');
    const { columns, values } = rowOf(db, user, ['sequence', 'changedAt', 'usernameScope']);
    const n = values.length;
    const [instance, org, domain] = [`$${n + 1}`, `$${n + 2}`, `$${n + 3}`];
    const domainRefused = `NOT org.usernames_per_org AND EXISTS (SELECT 1 FROM claim WHERE claim.is_verified AND claim.org_id <> ${org})`;
    const sql = `INSERT INTO users (${columns.join(', ')}, username_scope, sequence, changed_at)
      SELECT ${values.map((_, i) => `$${i + 1}`).join(', ')}, CASE WHEN org.usernames_per_org THEN ${org} ELSE '' END,
             prior.n + ${events.length}, prior.at
        FROM prior, org WHERE org.state = 'active' AND NOT (${domainRefused})
      ON CONFLICT (instance_id, username_scope, lower(username)) DO NOTHING
      RETURNING true AS inserted`;
    const { written, facts } = await this.events
      .insertWithFirstEvents(
        db,
        {
          with: `org AS (${this.orgs.heldForUserSql(instance, org)}),
                 claim AS (${this.orgs.domainHeldForUsernameSql(instance, `${domain}::text`)})`,
          sql,
          params: [...values, caller.instance.id, user.resourceOwner, claimedDomain ?? null],
          facts: `(SELECT state FROM org) AS org_state, (SELECT ${domainRefused} FROM org) AS domain_refused`,
        },
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
    if (facts.org_state === null) throw errors.orgNotFoundForUser('organization');
    if (facts.org_state !== 'active') throw errors.orgNotUsable();
    if (facts.domain_refused) throw errors.domainNotAllowedAsUsername(usernameField, claimedDomain ?? '');
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
