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

type TextKind = Extract<AuthorizationFilter, { match: unknown }>['kind'];

/** The text queries of UserGrantQuery: which filter each is, and the field holding its text. */
const TEXT_QUERIES: Readonly<Record<string, readonly [TextKind, string]>> = {
  roleKeyQuery: ['roleKey', 'roleKey'],
  userNameQuery: ['username', 'userName'],
  firstNameQuery: ['givenName', 'firstName'],
  lastNameQuery: ['familyName', 'lastName'],
  emailQuery: ['email', 'email'],
  orgNameQuery: ['orgName', 'orgName'],
  orgDomainQuery: ['orgDomain', 'orgDomain'],
  projectNameQuery: ['projectName', 'projectName'],
  displayNameQuery: ['displayName', 'displayName'],
};

function userGrantFilterV1(q: UserGrantQuery, field: string): AuthorizationFilter[] {
  const { query } = q;
  const text = query.case && TEXT_QUERIES[query.case];
  if (text) {
    const value = query.value as unknown as Record<string, string> & { method: number };
    return [{ kind: text[0], match: textMatch(value.method), value: value[text[1]] }];
  }
  switch (query.case) {
    case 'projectIdQuery':
      return [{ kind: 'project', id: query.value.projectId }];
    case 'userIdQuery':
      return [{ kind: 'user', id: query.value.userId }];
    case 'withGrantedQuery':
      return [];
    case 'projectGrantIdQuery':
      return [{ kind: 'projectGrant', id: query.value.projectGrantId }];
    case 'userTypeQuery':
      if (query.value.type !== 1 && query.value.type !== 2)
        throw invalidField('UGRANT-v1typ', `${field}.user_type_query.type`, 'must be TYPE_HUMAN or TYPE_MACHINE');
      return [{ kind: 'userType', type: query.value.type === 1 ? 'human' : 'machine' }];
    default:
      throw invalidField('UGRANT-v1qry', field, 'one query must be set');
  }
}
