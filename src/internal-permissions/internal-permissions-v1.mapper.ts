import { create } from '@bufbuild/protobuf';
import { MemberSchema, type Member, type SearchQuery } from '@zitadel/proto/zitadel/member_pb.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { detailsV1, textMatch } from '../platform/rpc/proto-mapping.js';
import type { AdminFilter, AdministratorView } from './internal-permissions.service.js';

// zitadel.member.v1 <-> administrators (ZITADEL's members) of one resource.

/** v1 SearchQuery; an empty one is refused naming it. */
export function memberQueryV1(q: SearchQuery, field: string): AdminFilter {
  const c = q.query;
  switch (c.case) {
    case 'firstNameQuery':
      return { kind: 'firstName', match: textMatch(c.value.method), value: c.value.firstName };
    case 'lastNameQuery':
      return { kind: 'lastName', match: textMatch(c.value.method), value: c.value.lastName };
    case 'emailQuery':
      return { kind: 'email', match: textMatch(c.value.method), value: c.value.email };
    case 'userIdQuery':
      return { kind: 'userIds', ids: [c.value.userId] };
    default:
      throw invalidField('IPERM-q1v1', field, 'one query must be set');
  }
}

/** The org owning the membership's resource (the instance for instance members). */
function ownerOf(a: AdministratorView, instanceId: string): string {
  if (a.level === 'org') return a.resourceId;
  if (a.project) return a.project.orgId;
  if (a.projectGrant) return a.projectGrant.orgId;
  return instanceId;
}

export function memberV1(a: AdministratorView, instanceId: string): Member {
  return create(MemberSchema, {
    userId: a.user.id,
    roles: a.roles,
    preferredLoginName: a.user.preferredLoginName,
    displayName: a.user.displayName,
    email: a.contact.email,
    firstName: a.contact.firstName,
    lastName: a.contact.lastName,
    userType: a.contact.type === 'human' ? 1 : 2,
    userResourceOwner: a.user.organizationId,
    details: detailsV1({
      sequence: 0n,
      creationDate: a.createdAt,
      changeDate: a.changedAt,
      resourceOwner: ownerOf(a, instanceId),
    }),
  });
}
