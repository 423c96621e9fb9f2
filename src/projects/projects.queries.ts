import { joinedTable } from '../platform/database/joined-table.js';

/**
 * Joins a project into another context's list statement that filters or sorts on it (see
 * `joinedTable`). Its columns: `id`, `resource_owner` (the owning org), `name`, `state`.
 */
export const joinProject = joinedTable('projects');

/**
 * Joins a project grant into another context's list statement that filters or sorts on it (see
 * `joinedTable`). Its columns: `id`, `project_id`, `resource_owner` (the project's org),
 * `granted_org_id`, `state`.
 */
export const joinProjectGrant = joinedTable('project_grants');
