// The project lists several screens read.
import { call, listQuery } from '../api.js';

/** @param {string} orgId @param {number} page @param {number} size */
export const listProjects = (orgId, page, size) =>
  call('zitadel.project.v2beta.ProjectService/ListProjects', {
    pagination: listQuery(page, size),
    sortingColumn: 'PROJECT_FIELD_NAME_NAME',
    filters: [{ projectOrganizationIdFilter: { id: orgId } }],
  });

/** @param {string} projectId */
export const listRoles = (projectId) =>
  call('zitadel.project.v2beta.ProjectService/ListProjectRoles', { projectId, pagination: listQuery(0, 200) });
