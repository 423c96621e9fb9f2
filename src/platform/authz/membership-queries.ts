import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChangeFeed } from '../cache/change-feed.js';
import type { ReadCache } from '../cache/read-cache.js';
import type { MembershipGrant, MembershipLevel } from './permissions.js';

interface GrantRow {
  level: MembershipLevel;
  resource_id: string;
  resource_owner: string;
  roles: string[];
  grant_project_id: string | null;
  granted_org_id: string | null;
}

@Injectable()
export class MembershipQueries {
  private readonly cache: ReadCache<readonly MembershipGrant[]>;

  constructor(
    private readonly dataSource: DataSource,
    feed: ChangeFeed,
  ) {
    this.cache = feed.cache({ name: 'memberships' });
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
    const rows: GrantRow[] = await this.dataSource.query(
      `SELECT m.level, m.resource_id, m.resource_owner, m.roles, pg.project_id AS grant_project_id, pg.granted_org_id
         FROM memberships m
         LEFT JOIN project_grants pg ON m.level = 'project_grant' AND pg.instance_id = m.instance_id AND pg.id = m.resource_id
        WHERE m.instance_id = $1 AND m.user_id = $2 AND (m.level <> 'project_grant' OR pg.id IS NOT NULL)`,
      [instanceId, userId],
    );
    return Object.freeze(
      rows.map((m) =>
        Object.freeze({
          level: m.level,
          resourceId: m.resource_id,
          resourceOwner: m.resource_owner,
          roles: m.roles,
          ...(m.level === 'project_grant' && m.grant_project_id && m.granted_org_id
            ? { projectGrant: { projectId: m.grant_project_id, grantedOrgId: m.granted_org_id } }
            : {}),
        }),
      ),
    );
  }
}
