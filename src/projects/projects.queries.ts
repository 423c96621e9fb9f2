import { joinOrg } from '../orgs/orgs.queries.js';
import { joinedTable, type JoinKey } from '../platform/database/joined-table.js';

/**
 * Joins a project into another context's list statement that filters or sorts on it (see
 * `joinedTable`). Its columns: `id`, `resource_owner` (the owning org), `name`, `state`, and the
 * settings `project_role_assertion`, `authorization_required`, `project_access_required`.
 */
export const joinProject = joinedTable('projects');

/**
 * Joins a project grant into another context's list statement that filters or sorts on it (see
 * `joinedTable`). Its columns: `id`, `project_id`, `resource_owner` (the project's org),
 * `granted_org_id`, `state`.
 */
export const joinProjectGrant = joinedTable('project_grants');

/**
 * Joins a project only when it and its org are active: an app of a deactivated project or org
 * serves no one. For the OIDC client and SAML service provider look-ups, which run on every client
 * authentication and so stay one statement (three round trips measured two to four times as long).
 * Its columns as `joinProject`'s; `alias` + `o` is its org.
 */
export function joinActiveProject(alias: string, on: JoinKey): string {
  const org = `${alias}o`;
  const project = joinProject(alias, on, { when: `${alias}.state = 'active'` });
  const itsOrg = joinOrg(
    org,
    { instanceId: `${alias}.instance_id`, id: `${alias}.resource_owner` },
    { when: `${org}.state = 'active'` },
  );
  return `${project} ${itsOrg}`;
}
