import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventStore } from '../platform/events/event-store.js';
import { creatorOf, type Caller } from '../platform/rpc/call-context.js';
import type { ProjectGrant } from './project.entity.js';
import { returning } from './projects.store.js';

/** The aggregate of an authorization's events (ZITADEL's user grant). */
const AUTHORIZATION_AGGREGATE = 'usergrant';

interface AuthorizationRow {
  id: string;
  user_id: string;
  project_id: string;
  project_grant_id: string | null;
  resource_owner: string;
  role_keys: string[];
}

const RETURNING = 'RETURNING id, user_id, project_id, project_grant_id, resource_owner, role_keys';

/** What the authorizations module records of an authorization on its events. */
const about = (r: AuthorizationRow) => ({
  userId: r.user_id,
  projectId: r.project_id,
  projectGrantId: r.project_grant_id ?? undefined,
});

/**
 * What hangs off a project beyond its own tables: administrators (memberships on the project and
 * on its grants) and authorizations (user grants, the `user_grants` table of the authorizations
 * module). Called inside the project command's transaction, so the project change and its
 * cascades commit together. Apps, roles and grants go by their foreign keys' cascades.
 *
 * The authorizations table belongs to another module whose migration may not have run in every
 * database this code meets, hence the `to_regclass` guard.
 */
@Injectable()
export class ProjectDependents {
  constructor(private readonly events: EventStore) {}

  /** Before the project row goes: its memberships, and events for its authorizations. */
  async removeProject(
    tx: EntityManager,
    caller: Caller,
    projectId: string,
    grants: readonly Pick<ProjectGrant, 'id'>[],
  ): Promise<void> {
    await tx.query(
      `DELETE FROM memberships WHERE instance_id = $1
         AND ((level = 'project' AND resource_id = $2) OR (level = 'project_grant' AND resource_id = ANY($3)))`,
      [caller.instance.id, projectId, grants.map((g) => g.id)],
    );
    await this.removeAuthorizations(tx, caller, 'project_id = $2', projectId);
  }

  /** Before a grant goes: the memberships on it and the authorizations given through it. */
  async removeGrant(tx: EntityManager, caller: Caller, grant: Pick<ProjectGrant, 'id'>): Promise<void> {
    await tx.query(`DELETE FROM memberships WHERE instance_id = $1 AND level = 'project_grant' AND resource_id = $2`, [
      caller.instance.id,
      grant.id,
    ]);
    await this.removeAuthorizations(tx, caller, 'project_grant_id = $2', grant.id);
  }

  /** A role left the project: no authorization on the project keeps it. */
  async removeRoleFromAuthorizations(tx: EntityManager, caller: Caller, projectId: string, key: string): Promise<void> {
    await this.dropRoles(tx, caller, 'project_id = $2', projectId, [key]);
  }

  /** Roles left a grant: the authorizations given through the grant lose them. */
  async removeRolesFromGrantAuthorizations(
    tx: EntityManager,
    caller: Caller,
    grant: Pick<ProjectGrant, 'id'>,
    keys: readonly string[],
  ): Promise<void> {
    if (keys.length) await this.dropRoles(tx, caller, 'project_grant_id = $2', grant.id, keys);
  }

  private async hasAuthorizations(tx: EntityManager): Promise<boolean> {
    const [row] = await tx.query(`SELECT to_regclass('user_grants') IS NOT NULL AS present`);
    return row.present === true;
  }

  private async removeAuthorizations(tx: EntityManager, caller: Caller, where: string, value: string): Promise<void> {
    if (!(await this.hasAuthorizations(tx))) return;
    const removed = await returning<AuthorizationRow>(
      tx,
      `DELETE FROM user_grants WHERE instance_id = $1 AND ${where} ${RETURNING}`,
      [caller.instance.id, value],
    );
    await this.push(
      tx,
      caller,
      removed.map((r) => ({ row: r, type: 'user.grant.cascade.removed', payload: about(r) })),
    );
  }

  private async dropRoles(
    tx: EntityManager,
    caller: Caller,
    where: string,
    value: string,
    keys: readonly string[],
  ): Promise<void> {
    if (!(await this.hasAuthorizations(tx))) return;
    const changed = await returning<AuthorizationRow>(
      tx,
      `UPDATE user_grants SET role_keys = ARRAY(SELECT k FROM unnest(role_keys) AS k WHERE k <> ALL($3)), changed_at = now()
        WHERE instance_id = $1 AND ${where} AND role_keys && $3
        ${RETURNING}`,
      [caller.instance.id, value, [...keys]],
    );
    await this.push(
      tx,
      caller,
      changed.map((r) => ({
        row: r,
        type: 'user.grant.cascade.changed',
        payload: { ...about(r), roleKeys: r.role_keys },
      })),
    );
  }

  /** One event per authorization on its own aggregate; rows still there move their sequence along. */
  private async push(
    tx: EntityManager,
    caller: Caller,
    changes: { row: AuthorizationRow; type: string; payload: Record<string, unknown> }[],
  ): Promise<void> {
    if (!changes.length) return;
    const written = await this.events.push(
      tx,
      caller.instance.id,
      creatorOf(caller),
      changes.map((c) => ({
        aggregateType: AUTHORIZATION_AGGREGATE,
        aggregateId: c.row.id,
        resourceOwner: c.row.resource_owner,
        type: c.type,
        payload: c.payload,
      })),
    );
    for (const w of written) {
      await tx.query('UPDATE user_grants SET sequence = $3 WHERE instance_id = $1 AND id = $2', [
        caller.instance.id,
        w.aggregateId,
        w.sequence.toString(),
      ]);
    }
  }
}
