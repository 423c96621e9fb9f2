import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventStore, type WrittenEvent } from '../platform/events/event-store.js';
import { creatorOf, type Caller } from '../platform/rpc/call-context.js';
import { Project, ProjectGrant, ProjectRole } from './project.entity.js';

/**
 * Rows of an UPDATE/DELETE … RETURNING: TypeORM answers those as `[rows, affected count]`
 * (an INSERT or SELECT as the rows alone).
 */
export async function returning<Row>(db: EntityManager, sql: string, params: unknown[]): Promise<Row[]> {
  const result: unknown = await db.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number')
    return result[0] as Row[];
  return result as Row[];
}

/** One audit event of a project's aggregate (the project, its roles and its grants). */
export interface ProjectEvent {
  readonly type: string;
  readonly payload?: Record<string, unknown>;
}

/**
 * Row access for projects, their roles and grants. Every query filters on the instance. Other
 * modules (apps, authorizations) use the finders to check that a project, grant or role exists
 * and which org owns it; they pass their own transaction (or `Transactions.reader`).
 */
@Injectable()
export class ProjectStore {
  constructor(private readonly events: EventStore) {}

  findProject(db: EntityManager, instanceId: string, projectId: string): Promise<Project | null> {
    return db.findOneBy(Project, { instanceId, id: projectId });
  }

  /** Whether the org owns the project or holds an active grant of it. */
  async orgHasAccess(db: EntityManager, instanceId: string, projectId: string, orgId: string): Promise<boolean> {
    const rows: unknown[] = await db.query(
      `SELECT 1 FROM projects p WHERE p.instance_id = $1 AND p.id = $2 AND (p.resource_owner = $3 OR EXISTS (
         SELECT 1 FROM project_grants g WHERE g.instance_id = p.instance_id AND g.project_id = p.id AND g.granted_org_id = $3 AND g.state = 'active'))`,
      [instanceId, projectId, orgId],
    );
    return rows.length > 0;
  }

  /** The project row, locked for the rest of the transaction (writers to one project queue). */
  lockProject(tx: EntityManager, instanceId: string, projectId: string): Promise<Project | null> {
    return tx
      .getRepository(Project)
      .createQueryBuilder('p')
      .setLock('pessimistic_write')
      .where('p.instance_id = :instanceId AND p.id = :projectId', { instanceId, projectId })
      .getOne();
  }

  /** The grant of a project to an org (the v2beta API keys grants by project and granted org). */
  findGrant(
    db: EntityManager,
    instanceId: string,
    projectId: string,
    grantedOrgId: string,
  ): Promise<ProjectGrant | null> {
    return db.findOneBy(ProjectGrant, { instanceId, projectId, grantedOrgId });
  }

  findGrantById(db: EntityManager, instanceId: string, grantId: string): Promise<ProjectGrant | null> {
    return db.findOneBy(ProjectGrant, { instanceId, id: grantId });
  }

  /** What the grants among `grantIds` cover (their project and granted org), by grant id; a missing grant is absent. */
  async grantScopes(
    db: EntityManager,
    instanceId: string,
    grantIds: readonly string[],
  ): Promise<Map<string, { projectId: string; grantedOrgId: string }>> {
    const rows: { id: string; project_id: string; granted_org_id: string }[] = await db.query(
      'SELECT id, project_id, granted_org_id FROM project_grants WHERE instance_id = $1 AND id = ANY($2)',
      [instanceId, [...new Set(grantIds)]],
    );
    return new Map(rows.map((r) => [r.id, { projectId: r.project_id, grantedOrgId: r.granted_org_id }]));
  }

  /** Every grant of a project, ordered by granted org. */
  grantsOf(db: EntityManager, instanceId: string, projectId: string): Promise<ProjectGrant[]> {
    return db.find(ProjectGrant, { where: { instanceId, projectId }, order: { grantedOrgId: 'ASC' } });
  }

  findRole(db: EntityManager, instanceId: string, projectId: string, key: string): Promise<ProjectRole | null> {
    return db.findOneBy(ProjectRole, { instanceId, projectId, key });
  }

  /** Every role key of the project. */
  async roleKeys(db: EntityManager, instanceId: string, projectId: string): Promise<string[]> {
    const rows: { key: string }[] = await db.query(
      'SELECT key FROM project_roles WHERE instance_id = $1 AND project_id = $2 ORDER BY key',
      [instanceId, projectId],
    );
    return rows.map((r) => r.key);
  }

  /** The keys among `keys` that are not roles of the project, in the order given. */
  async missingRoleKeys(
    db: EntityManager,
    instanceId: string,
    projectId: string,
    keys: readonly string[],
  ): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows: { key: string }[] = await db.query(
      'SELECT key FROM project_roles WHERE instance_id = $1 AND project_id = $2 AND key = ANY($3)',
      [instanceId, projectId, [...keys]],
    );
    const known = new Set(rows.map((r) => r.key));
    return [...new Set(keys.filter((k) => !known.has(k)))];
  }

  /**
   * Appends events to the project's aggregate (its roles and grants are part of it, as in ZITADEL)
   * and returns the last one. `touch` moves the project row's sequence and change date along.
   */
  async push(
    tx: EntityManager,
    caller: Caller,
    project: Pick<Project, 'id' | 'resourceOwner'>,
    events: readonly ProjectEvent[],
    touch = false,
  ): Promise<WrittenEvent> {
    const written = await this.events.push(
      tx,
      caller.instance.id,
      creatorOf(caller),
      events.map((e) => ({
        aggregateType: 'project',
        aggregateId: project.id,
        resourceOwner: project.resourceOwner,
        ...e,
      })),
    );
    const last = written[written.length - 1];
    if (touch) {
      await tx.update(
        Project,
        { instanceId: caller.instance.id, id: project.id },
        { sequence: last.sequence.toString(), changedAt: last.createdAt },
      );
    }
    return last;
  }
}
