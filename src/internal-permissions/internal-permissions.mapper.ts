import { create, type MessageInitShape } from '@bufbuild/protobuf';
import type { ResourceType } from '@zitadel/proto/zitadel/internal_permission/v2beta/internal_permission_service_pb.js';
import {
  AdministratorSchema,
  type Administrator,
  type AdministratorSearchFilter,
} from '@zitadel/proto/zitadel/internal_permission/v2beta/query_pb.js';
import { textMatch, ts } from '../platform/rpc/proto-mapping.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { resourceIdRequired, resourceRequired } from './internal-permissions.errors.js';
import type { AdminFilter, AdminResource, AdminSort, AdministratorView } from './internal-permissions.service.js';

export function adminResource(resource: ResourceType | undefined, field = 'resource'): AdminResource {
  const r = resource?.resource;
  switch (r?.case) {
    case 'instance':
      return { kind: 'instance' };
    case 'organizationId':
      if (!r.value) throw resourceIdRequired(`${field}.organization_id`);
      return { kind: 'org', orgId: r.value };
    case 'projectId':
      if (!r.value) throw resourceIdRequired(`${field}.project_id`);
      return { kind: 'project', projectId: r.value };
    case 'projectGrant':
      if (!r.value.projectId) throw resourceIdRequired(`${field}.project_grant.project_id`);
      if (!r.value.projectGrantId) throw resourceIdRequired(`${field}.project_grant.project_grant_id`);
      return { kind: 'projectGrant', projectId: r.value.projectId, projectGrantId: r.value.projectGrantId };
    default:
      throw resourceRequired(field);
  }
}

/** zitadel.internal_permission.v2beta.AdministratorFieldName; unspecified sorts by creation date (the contract's default). */
const SORT: Record<number, AdminSort> = { 0: 'creationDate', 1: 'userId', 2: 'creationDate', 3: 'changeDate' };
export const adminSort = (n: number | undefined): AdminSort => SORT[n ?? 0] ?? 'creationDate';

/** zitadel.filter.v2beta.TimestampFilterMethod, by number. */
const TIMESTAMP_OPERATORS = ['=', '>', '>=', '<', '<='] as const;

export function adminFilter(f: AdministratorSearchFilter, field: string): AdminFilter {
  const q = f.filter;
  switch (q.case) {
    case 'creationDate':
    case 'changeDate': {
      const operator = TIMESTAMP_OPERATORS[q.value.method];
      if (!q.value.timestamp || !operator)
        throw invalidField(
          'IPERM-t1m3f',
          `${field}.${q.case === 'creationDate' ? 'creation_date' : 'change_date'}`,
          'needs a timestamp and a defined method',
        );
      const at = new Date(Number(q.value.timestamp.seconds) * 1000 + Math.floor(q.value.timestamp.nanos / 1e6));
      return { kind: q.case, operator, at };
    }
    case 'inUserIdsFilter':
      return { kind: 'userIds', ids: q.value.ids };
    case 'userOrganizationId':
      return { kind: 'userOrg', orgId: q.value.id };
    case 'userPreferredLoginName':
      return { kind: 'loginName', match: textMatch(q.value.method), value: q.value.preferredLoginName };
    case 'userDisplayName':
      return { kind: 'displayName', match: textMatch(q.value.method), value: q.value.displayName };
    case 'resource': {
      const r = q.value.resource;
      switch (r.case) {
        case 'instance':
          return { kind: 'resource', level: 'instance' };
        case 'organizationId':
          return { kind: 'resource', level: 'org', id: r.value };
        case 'projectId':
          return { kind: 'resource', level: 'project', id: r.value };
        case 'projectGrantId':
          return { kind: 'resource', level: 'project_grant', id: r.value };
        default:
          throw resourceRequired(`${field}.resource`);
      }
    }
    case 'role':
      return { kind: 'role', role: q.value.roleKey };
    case 'and':
    case 'or':
      return {
        kind: q.case,
        filters: q.value.queries.map((sub, i) => adminFilter(sub, `${field}.${q.case}.queries[${i}]`)),
      };
    case 'not':
      if (!q.value.query) throw invalidField('IPERM-n0tqy', `${field}.not.query`, 'must be set');
      return { kind: 'not', filter: adminFilter(q.value.query, `${field}.not.query`) };
    default:
      throw invalidField('IPERM-qu3ry', field, 'one filter must be set');
  }
}

export function administratorV2beta(a: AdministratorView): Administrator {
  const resource = (): MessageInitShape<typeof AdministratorSchema>['resource'] => {
    switch (a.level) {
      case 'instance':
        return { case: 'instance', value: true };
      case 'org':
        return { case: 'organization', value: { id: a.resourceId, name: a.org?.name ?? '' } };
      case 'project':
        return {
          case: 'project',
          value: { id: a.resourceId, name: a.project?.name ?? '', organizationId: a.project?.orgId ?? '' },
        };
      case 'project_grant':
        return {
          case: 'projectGrant',
          value: {
            id: a.resourceId,
            projectId: a.projectGrant?.projectId ?? '',
            projectName: a.projectGrant?.projectName ?? '',
            organizationId: a.projectGrant?.orgId ?? '',
            grantedOrganizationId: a.projectGrant?.grantedOrgId ?? '',
          },
        };
    }
  };
  return create(AdministratorSchema, {
    creationDate: ts(a.createdAt),
    changeDate: ts(a.changedAt),
    user: {
      id: a.user.id,
      preferredLoginName: a.user.preferredLoginName,
      displayName: a.user.displayName,
      organizationId: a.user.organizationId,
    },
    resource: resource(),
    roles: a.roles,
  });
}
