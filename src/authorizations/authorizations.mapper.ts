import { create } from '@bufbuild/protobuf';
import {
  AuthorizationSchema,
  State,
  type Authorization,
  type AuthorizationsSearchFilter,
} from '@zitadel/proto/zitadel/authorization/v2beta/authorization_pb.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { textMatch, ts } from '../platform/rpc/proto-mapping.js';
import type { AuthorizationFilter, AuthorizationSort, AuthorizationView } from './authorizations.service.js';
import type { AuthorizationState } from './user-grant.entity.js';

const STATE_NUMBER: Record<AuthorizationState, State> = { active: State.ACTIVE, inactive: State.INACTIVE };

/** zitadel.authorization.v2beta.AuthorizationFieldName; unspecified sorts by creation date (the contract's default). */
const SORT: Record<number, AuthorizationSort> = {
  0: 'creationDate',
  1: 'creationDate',
  2: 'changeDate',
  3: 'id',
  4: 'userId',
  5: 'projectId',
  6: 'orgId',
  7: 'userOrgId',
};
export const authorizationSort = (n: number | undefined): AuthorizationSort => SORT[n ?? 0] ?? 'creationDate';

export function authorizationFilter(f: AuthorizationsSearchFilter, field: string): AuthorizationFilter {
  const q = f.filter;
  switch (q.case) {
    case 'authorizationIds':
      return { kind: 'ids', ids: q.value.ids };
    case 'organizationId':
      return { kind: 'org', id: q.value.id };
    case 'state':
      // The contract refuses STATE_UNSPECIFIED already.
      return { kind: 'state', state: q.value.state === State.INACTIVE ? 'inactive' : 'active' };
    case 'userId':
      return { kind: 'user', id: q.value.id };
    case 'userOrganizationId':
      return { kind: 'userOrg', id: q.value.id };
    case 'userPreferredLoginName':
      return { kind: 'loginName', match: textMatch(q.value.method), value: q.value.loginName };
    case 'userDisplayName':
      return { kind: 'displayName', match: textMatch(q.value.method), value: q.value.displayName };
    case 'projectId':
      return { kind: 'project', id: q.value.id };
    case 'projectName':
      return { kind: 'projectName', match: textMatch(q.value.method), value: q.value.name };
    case 'roleKey':
      return { kind: 'roleKey', match: textMatch(q.value.method), value: q.value.key };
    case 'projectGrantId':
      return { kind: 'projectGrant', id: q.value.id };
    default:
      throw invalidField('UGRANT-qu3ry', field, 'one filter must be set');
  }
}

export function authorizationV2beta(a: AuthorizationView): Authorization {
  return create(AuthorizationSchema, {
    id: a.id,
    projectId: a.projectId,
    projectName: a.projectName,
    projectOrganizationId: a.projectOrgId,
    projectGrantId: a.projectGrantId ?? undefined,
    grantedOrganizationId: a.grantedOrgId ?? undefined,
    organizationId: a.orgId,
    creationDate: ts(a.createdAt),
    changeDate: ts(a.changedAt),
    state: STATE_NUMBER[a.state],
    user: {
      id: a.user.id,
      preferredLoginName: a.user.preferredLoginName,
      displayName: a.user.displayName,
      avatarUrl: '',
      organizationId: a.user.organizationId,
    },
    roles: a.roleKeys,
  });
}
