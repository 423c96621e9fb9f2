import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ChangeFeed } from '../cache/change-feed.js';
import type { ReadCache } from '../cache/read-cache.js';
import type { MembershipGrant, MembershipLevel } from './permissions.js';

interface MembershipRow {
  level: MembershipLevel;
  resource_id: string;
  resource_owner: string;
  roles: string[];
}

/** What a project grant covers: its project and the org it is granted to. */
export interface ProjectGrantScope {
  readonly projectId: string;
  readonly grantedOrgId: string;
}

/** The scopes of the project grants that exist among `grantIds`, by grant id (registered by projects). */
export type ProjectGrantScopes = (
  db: EntityManager,
  instanceId: string,
  grantIds: readonly string[],
) => Promise<ReadonlyMap<string, ProjectGrantScope>>;

@Injectable()
export class MembershipQueries {
  private readonly cache: ReadCache<readonly MembershipGrant[]>;
  private grantScopes?: ProjectGrantScopes;

  constructor(
    private readonly dataSource: DataSource,
    feed: ChangeFeed,
  ) {
    this.cache = feed.cache({ name: 'memberships' });
  }

  /** Projects, which owns project grants, tells what each one covers (the platform sits below it). */
  useProjectGrantScopes(scopes: ProjectGrantScopes): void {
    this.grantScopes = scopes;
  }

  /**
   * A user's memberships, cached until a membership or project grant of the instance changes
   * (see ChangeFeed). Project grant memberships carry their grant's project and granted org (what
   * they cover); one whose grant is gone is left out.
   */
  grantsOf(instanceId: string, userId: string): Promise<readonly MembershipGrant[]> {
    return this.cache.get(instanceId, userId, () => this.load(instanceId, userId));
  }

  private async load(instanceId: string, userId: string): Promise<readonly MembershipGrant[]> {
    const rows: MembershipRow[] = await this.dataSource.query(
      'SELECT level, resource_id, resource_owner, roles FROM memberships WHERE instance_id = $1 AND user_id = $2',
      [instanceId, userId],
    );
    const grantIds = rows.filter((m) => m.level === 'project_grant').map((m) => m.resource_id);
    const scopes =
      grantIds.length && this.grantScopes
        ? await this.grantScopes(this.dataSource.manager, instanceId, grantIds)
        : new Map<string, ProjectGrantScope>();
    return Object.freeze(
      rows.flatMap((m): MembershipGrant[] => {
        if (m.level !== 'project_grant')
          return [
            Object.freeze({
              level: m.level,
              resourceId: m.resource_id,
              resourceOwner: m.resource_owner,
              roles: m.roles,
            }),
          ];
        const scope = scopes.get(m.resource_id);
        if (!scope) return [];
        return [
          Object.freeze({
            level: m.level,
            resourceId: m.resource_id,
            resourceOwner: m.resource_owner,
            roles: m.roles,
            projectGrant: { projectId: scope.projectId, grantedOrgId: scope.grantedOrgId },
          }),
        ];
      }),
    );
  }
}
