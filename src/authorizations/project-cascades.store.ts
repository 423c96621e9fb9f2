import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventStore } from '../platform/events/event-store.js';
import { creatorOf, type Caller } from '../platform/rpc/call-context.js';
import type { ProjectDependent } from '../projects/project-lifecycle.js';
import { returning } from '../projects/projects.store.js';

/** The aggregate of an authorization's events (ZITADEL's user grant). */
const AGGREGATE = 'usergrant';

interface AuthorizationRow {
  id: string;
  user_id: string;
  project_id: string;
  project_grant_id: string | null;
  resource_owner: string;
  role_keys: string[];
}

const RETURNING = 'RETURNING id, user_id, project_id, project_grant_id, resource_owner, role_keys';

/** What an authorization's cascade events record of it. */
const about = (r: AuthorizationRow) => ({
  userId: r.user_id,
  projectId: r.project_id,
  projectGrantId: r.project_grant_id ?? undefined,
});

/**
 * The authorizations' part of removing a project, a grant or roles (registered with
 * ProjectLifecycle): the authorizations given on them go or lose the roles, each with a
 * `user.grant.cascade.*` event on its own aggregate, in the project command's transaction.
 */
@Injectable()
export class AuthorizationCascades implements ProjectDependent {
  constructor(private readonly events: EventStore) {}

  async projectRemoved(tx: EntityManager, caller: Caller, projectId: string): Promise<void> {
    await this.remove(tx, caller, 'project_id = $2', projectId);
  }

  async grantRemoved(tx: EntityManager, caller: Caller, grantId: string): Promise<void> {
    await this.remove(tx, caller, 'project_grant_id = $2', grantId);
  }

  async roleRemoved(tx: EntityManager, caller: Caller, projectId: string, key: string): Promise<void> {
    await this.dropRoles(tx, caller, 'project_id = $2', projectId, [key]);
  }

  async grantRolesRemoved(tx: EntityManager, caller: Caller, grantId: string, keys: readonly string[]): Promise<void> {
    await this.dropRoles(tx, caller, 'project_grant_id = $2', grantId, keys);
  }

  private async remove(tx: EntityManager, caller: Caller, where: string, value: string): Promise<void> {
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
        aggregateType: AGGREGATE,
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
