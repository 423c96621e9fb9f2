import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isUniqueViolation, underSavepoint } from '../database/pg-errors.js';
import { AlreadyExists, InvalidArgument, NotFound } from '../errors/domain-error.js';
import { EventStore, type WrittenEvent } from '../events/event-store.js';
import { creatorOf, type Caller } from '../rpc/call-context.js';
import { Membership } from './membership.entity.js';
import { ROLES_BY_LEVEL, type MembershipLevel } from './permissions.js';

/** Which membership: a user on one resource of one level. */
export interface MembershipRef {
  readonly userId: string;
  readonly level: MembershipLevel;
  readonly resourceId: string;
  /** The org owning the resource (the instance id for instance memberships). */
  readonly resourceOwner: string;
  /** For project grant memberships: the granted project, whose aggregate records their events (as ZITADEL's). */
  readonly projectId?: string;
}

export interface GrantMembership extends MembershipRef {
  readonly roles: readonly string[];
}

/** A membership as written: its row's dates and the event that recorded the change. */
export interface MembershipChange {
  readonly createdAt: Date;
  readonly changedAt: Date;
  readonly event: WrittenEvent;
}

/** Aggregate and event-type prefix of each level's member events (ZITADEL's names). */
const EVENTS: Record<MembershipLevel, { aggregateType: string; prefix: string }> = {
  instance: { aggregateType: 'instance', prefix: 'instance.member' },
  org: { aggregateType: 'org', prefix: 'org.member' },
  project: { aggregateType: 'project', prefix: 'project.member' },
  project_grant: { aggregateType: 'project', prefix: 'project.grant.member' },
};

export const membershipExists = () =>
  AlreadyExists('MEMB-3x1st', 'the user is already an administrator of this resource');
export const membershipNotFound = () => NotFound('MEMB-n0tfd', 'the user is no administrator of this resource');

/** Adds, changes and removes administrators (members) with roles on the instance, an org, a project or a project grant. */
@Injectable()
export class MembershipCommands {
  constructor(private readonly events: EventStore) {}

  /** Adds the membership, or replaces the roles of an existing one. */
  async grant(tx: EntityManager, caller: Caller, grant: GrantMembership, field = 'roles'): Promise<void> {
    checkRoles(grant, field);
    const now = new Date();
    await tx
      .createQueryBuilder()
      .insert()
      .into(Membership)
      .values(row(caller, grant, now))
      .orUpdate(['roles', 'changed_at'], ['instance_id', 'user_id', 'level', 'resource_id'])
      .execute();
    await this.push(tx, caller, grant, 'added', { roles: grant.roles });
  }

  /** Adds a new membership; one that exists already is refused (ALREADY_EXISTS). */
  async add(tx: EntityManager, caller: Caller, grant: GrantMembership, field = 'roles'): Promise<MembershipChange> {
    checkRoles(grant, field);
    const now = new Date();
    await underSavepoint(
      tx,
      () => tx.insert(Membership, row(caller, grant, now)),
      (err) => (isUniqueViolation(err, 'memberships_pkey') ? membershipExists() : err),
    );
    return {
      createdAt: now,
      changedAt: now,
      event: await this.push(tx, caller, grant, 'added', { roles: grant.roles }),
    };
  }

  /** Replaces the roles of an existing membership (NOT_FOUND when there is none). */
  async change(tx: EntityManager, caller: Caller, grant: GrantMembership, field = 'roles'): Promise<MembershipChange> {
    checkRoles(grant, field);
    const now = new Date();
    // TypeORM answers an UPDATE ... RETURNING as [rows, affected count].
    const [updated] = (await tx.query(
      `UPDATE memberships SET roles = $5, changed_at = $6
        WHERE instance_id = $1 AND user_id = $2 AND level = $3 AND resource_id = $4 RETURNING created_at`,
      [caller.instance.id, grant.userId, grant.level, grant.resourceId, [...grant.roles], now],
    )) as [{ created_at: Date }[], number];
    if (!updated.length) throw membershipNotFound();
    return {
      createdAt: updated[0].created_at,
      changedAt: now,
      event: await this.push(tx, caller, grant, 'changed', { roles: grant.roles }),
    };
  }

  /** Removes the membership; undefined when there was none (removing is idempotent). */
  async remove(tx: EntityManager, caller: Caller, ref: MembershipRef): Promise<WrittenEvent | undefined> {
    const result = await tx.delete(Membership, {
      instanceId: caller.instance.id,
      userId: ref.userId,
      level: ref.level,
      resourceId: ref.resourceId,
    });
    if (!result.affected) return undefined;
    return this.push(tx, caller, ref, 'removed', {});
  }

  /**
   * Drops, without events of their own, the memberships on an org's resources (the org's removal
   * event stands for them).
   */
  async removeOwnedBy(tx: EntityManager, instanceId: string, resourceOwner: string): Promise<void> {
    await tx.query('DELETE FROM memberships WHERE instance_id = $1 AND resource_owner = $2', [
      instanceId,
      resourceOwner,
    ]);
  }

  /**
   * Drops, without events of their own, the memberships on these resources of one level (they are
   * being removed: the resource's removal event stands for them).
   */
  async removeOnResources(
    tx: EntityManager,
    instanceId: string,
    level: MembershipLevel,
    resourceIds: readonly string[],
  ): Promise<void> {
    if (!resourceIds.length) return;
    await tx.query('DELETE FROM memberships WHERE instance_id = $1 AND level = $2 AND resource_id = ANY($3)', [
      instanceId,
      level,
      [...resourceIds],
    ]);
  }

  /** Drops, without events of their own, the memberships the users hold (they are being removed with their org). */
  async removeOfUsers(tx: EntityManager, instanceId: string, userIds: readonly string[]): Promise<void> {
    if (!userIds.length) return;
    await tx.query('DELETE FROM memberships WHERE instance_id = $1 AND user_id = ANY($2)', [instanceId, [...userIds]]);
  }

  private async push(
    tx: EntityManager,
    caller: Caller,
    ref: MembershipRef,
    what: 'added' | 'changed' | 'removed',
    payload: Record<string, unknown>,
  ): Promise<WrittenEvent> {
    const { aggregateType, prefix } = EVENTS[ref.level];
    const onProject = ref.level === 'project_grant';
    if (onProject && !ref.projectId) throw new Error('a project grant membership needs its projectId');
    const [written] = await this.events.push(tx, caller.instance.id, creatorOf(caller), [
      {
        aggregateType,
        aggregateId: onProject ? ref.projectId! : ref.resourceId,
        type: `${prefix}.${what}`,
        payload: { userId: ref.userId, ...(onProject ? { grantId: ref.resourceId } : {}), ...payload },
        resourceOwner: ref.resourceOwner,
      },
    ]);
    return written;
  }
}

function row(caller: Caller, grant: GrantMembership, now: Date): Membership {
  const { userId, level, resourceId, resourceOwner, roles } = grant;
  return {
    instanceId: caller.instance.id,
    userId,
    level,
    resourceId,
    resourceOwner,
    roles: [...roles],
    createdAt: now,
    changedAt: now,
  };
}

function checkRoles(grant: GrantMembership, field: string): void {
  const allowed = ROLES_BY_LEVEL[grant.level];
  const unknown = grant.roles.filter((r) => !allowed.includes(r));
  if (unknown.length || grant.roles.length === 0) {
    throw InvalidArgument('MEMB-r0l3s', `roles must be ${grant.level} roles (${allowed.join(', ')})`, [
      { field, description: unknown.length ? `unknown roles: ${unknown.join(', ')}` : 'at least one role is required' },
    ]);
  }
}
