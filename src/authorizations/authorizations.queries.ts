import { Injectable } from '@nestjs/common';
import { Transactions } from '../platform/database/transactions.js';

/** Reading authorizations (user grants) for other contexts: token claims and assertions. */
@Injectable()
export class AuthorizationQueries {
  constructor(private readonly tx: Transactions) {}

  /** The user's active authorizations on these projects: each project's role keys and the granting org. */
  async activeGrants(
    instanceId: string,
    userId: string,
    projectIds: readonly string[],
  ): Promise<{ projectId: string; roleKeys: string[]; orgId: string }[]> {
    const rows: { project_id: string; role_keys: string[]; org_id: string }[] = await this.tx.reader.query(
      `SELECT project_id, role_keys, resource_owner AS org_id FROM user_grants
        WHERE instance_id = $1 AND user_id = $2 AND project_id = ANY($3) AND state = 'active'`,
      [instanceId, userId, projectIds],
    );
    return rows.map((r) => ({ projectId: r.project_id, roleKeys: r.role_keys, orgId: r.org_id }));
  }

  /**
   * Whether the user has an active authorization on the project, and the role keys of all of them
   * (each once, sorted), as a SAML assertion states them.
   */
  async activeRoleKeys(
    instanceId: string,
    userId: string,
    projectId: string,
  ): Promise<{ authorized: boolean; roleKeys: string[] }> {
    const [row]: { authorized: boolean; role_keys: string[] | null }[] = await this.tx.reader.query(
      `SELECT EXISTS (SELECT 1 FROM user_grants g
                       WHERE g.instance_id = $1 AND g.user_id = $2 AND g.project_id = $3
                         AND g.state = 'active') AS authorized,
              ARRAY(SELECT DISTINCT k FROM user_grants g, unnest(g.role_keys) k
                     WHERE g.instance_id = $1 AND g.user_id = $2 AND g.project_id = $3
                       AND g.state = 'active' ORDER BY k) AS role_keys`,
      [instanceId, userId, projectId],
    );
    return { authorized: row.authorized, roleKeys: row.role_keys ?? [] };
  }
}
