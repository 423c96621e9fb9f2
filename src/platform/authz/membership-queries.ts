import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
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
  constructor(private readonly dataSource: DataSource) {}

  /**
   * A user's memberships, read on every request so changes apply at once. Project grant
   * memberships carry their grant's project and granted org (what they cover); one whose grant
   * is gone is left out.
   */
  async grantsOf(instanceId: string, userId: string): Promise<MembershipGrant[]> {
    const rows: GrantRow[] = await this.dataSource.query(
      `SELECT m.level, m.resource_id, m.resource_owner, m.roles, pg.project_id AS grant_project_id, pg.granted_org_id
         FROM memberships m
         LEFT JOIN project_grants pg ON m.level = 'project_grant' AND pg.instance_id = m.instance_id AND pg.id = m.resource_id
        WHERE m.instance_id = $1 AND m.user_id = $2 AND (m.level <> 'project_grant' OR pg.id IS NOT NULL)`,
      [instanceId, userId],
    );
    return rows.map((m) => ({
      level: m.level,
      resourceId: m.resource_id,
      resourceOwner: m.resource_owner,
      roles: m.roles,
      ...(m.level === 'project_grant' && m.grant_project_id && m.granted_org_id
        ? { projectGrant: { projectId: m.grant_project_id, grantedOrgId: m.granted_org_id } }
        : {}),
    }));
  }
}
