import type { MessageInitShape } from '@bufbuild/protobuf';
import type { UserGrantQuery, UserGrantSchema } from '@zitadel/proto/zitadel/user_pb.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { textMatch } from '../platform/rpc/proto-mapping.js';
import { objectDetailsV1 } from '../settings/settings-v1.mapper.js';
import type { AuthorizationFilter, AuthorizationView } from './authorizations.service.js';

// zitadel.user.v1.UserGrant (management v1) <- AuthorizationView. As in ZITADEL, `org*` is the
// org the grant belongs to and `grantedOrg*` the org of the user holding it.

/** USER_GRANT_STATE_ACTIVE 1, INACTIVE 2. */
const STATE_V1 = { active: 1, inactive: 2 } as const;
/** zitadel.user.v1.Type: HUMAN 1, MACHINE 2. */
const TYPE_V1 = { human: 1, machine: 2 } as const;

export function userGrantV1(g: AuthorizationView): MessageInitShape<typeof UserGrantSchema> {
  return {
    id: g.id,
    details: objectDetailsV1({
      sequence: g.sequence,
      creationDate: g.createdAt,
      changeDate: g.changedAt,
      resourceOwner: g.orgId,
    }),
    roleKeys: g.roleKeys,
    state: STATE_V1[g.state],
    userId: g.user.id,
    userName: g.userDetail.username,
    firstName: g.userDetail.givenName,
    lastName: g.userDetail.familyName,
    email: g.userDetail.email,
    displayName: g.user.displayName,
    preferredLoginName: g.user.preferredLoginName,
    userType: TYPE_V1[g.userDetail.type],
    orgId: g.orgId,
    orgName: g.org.name,
    orgDomain: g.org.domain,
    projectId: g.projectId,
    projectName: g.projectName,
    projectGrantId: g.projectGrantId ?? '',
    grantedOrgId: g.user.organizationId,
    grantedOrgName: g.userDetail.orgName,
    avatarUrl: '',
  };
}

/**
 * The org-context part of ListUserGrants: the org's own grants, or with `with_granted` also those
 * other orgs gave on its projects (through project grants), as ZITADEL's query. The caller's
 * visibility still applies. Returns the remaining queries' filters beside it.
 */
export function userGrantFiltersV1(orgId: string, queries: readonly UserGrantQuery[]): AuthorizationFilter[] {
  const withGranted = queries.some((q) => q.query.case === 'withGrantedQuery' && q.query.value.withGranted);
  const scope: AuthorizationFilter = withGranted ? { kind: 'orgOrProjectOrg', id: orgId } : { kind: 'org', id: orgId };
  return [scope, ...queries.flatMap((q, i) => userGrantFilterV1(q, `queries[${i}]`))];
}

function userGrantFilterV1(q: UserGrantQuery, field: string): AuthorizationFilter[] {
  const { query } = q;
  const text = (kind: Extract<AuthorizationFilter, { match: unknown }>['kind'], value: string, method: number) => [
    { kind, match: textMatch(method), value } as AuthorizationFilter,
  ];
  switch (query.case) {
    case 'projectIdQuery':
      return [{ kind: 'project', id: query.value.projectId }];
    case 'userIdQuery':
      return [{ kind: 'user', id: query.value.userId }];
    case 'withGrantedQuery':
      return [];
    case 'roleKeyQuery':
      return text('roleKey', query.value.roleKey, query.value.method);
    case 'projectGrantIdQuery':
      return [{ kind: 'projectGrant', id: query.value.projectGrantId }];
    case 'userNameQuery':
      return text('username', query.value.userName, query.value.method);
    case 'firstNameQuery':
      return text('givenName', query.value.firstName, query.value.method);
    case 'lastNameQuery':
      return text('familyName', query.value.lastName, query.value.method);
    case 'emailQuery':
      return text('email', query.value.email, query.value.method);
    case 'orgNameQuery':
      return text('orgName', query.value.orgName, query.value.method);
    case 'orgDomainQuery':
      return text('orgDomain', query.value.orgDomain, query.value.method);
    case 'projectNameQuery':
      return text('projectName', query.value.projectName, query.value.method);
    case 'displayNameQuery':
      return text('displayName', query.value.displayName, query.value.method);
    case 'userTypeQuery':
      if (query.value.type !== 1 && query.value.type !== 2)
        throw invalidField('UGRANT-v1typ', `${field}.user_type_query.type`, 'must be TYPE_HUMAN or TYPE_MACHINE');
      return [{ kind: 'userType', type: query.value.type === 1 ? 'human' : 'machine' }];
    default:
      throw invalidField('UGRANT-v1qry', field, 'one query must be set');
  }
}
