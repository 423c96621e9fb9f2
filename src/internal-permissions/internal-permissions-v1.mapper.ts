import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { MemberSchema, type Member, type SearchQuery } from '@zitadel/proto/zitadel/member_pb.js';
import type { MembershipQuery, MembershipSchema } from '@zitadel/proto/zitadel/user_pb.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { detailsV1, textMatch } from '../platform/rpc/proto-mapping.js';
import { objectDetailsV1 } from '../platform/rpc/v1-mapping.js';
import type { AdminFilter, AdministratorView } from './internal-permissions.service.js';

// zitadel.user.v1.Membership (a user's roles on one resource, v1's word for an administrator).

/**
 * v1's MembershipQuery -> the resource filter, as ZITADEL maps it for ListMyMemberships and
 * ListUserMemberships alike: an `iam` query selects instance memberships whatever its flag says,
 * and a query with nothing set is refused naming it.
 */
export function membershipFilterV1(q: MembershipQuery, field: string): AdminFilter {
  switch (q.query.case) {
    case 'orgQuery':
      return { kind: 'resource', level: 'org', id: q.query.value.orgId };
    case 'projectQuery':
      return { kind: 'resource', level: 'project', id: q.query.value.projectId };
    case 'projectGrantQuery':
      return { kind: 'resource', level: 'project_grant', id: q.query.value.projectGrantId };
    case 'iamQuery':
      return { kind: 'resource', level: 'instance' };
    default:
      throw invalidField('MEMB-v1qry', field, 'one query must be set');
  }
}

/**
 * ZITADEL names the resource (the org, the project, the granted project, or the instance) as
 * the membership's display name; its resource owner is the org that holds the resource.
 */
export function membershipV1(m: AdministratorView, instance: { id: string; name: string }) {
  const resource = ((): { owner: string; name: string; type: MessageInitShape<typeof MembershipSchema>['type'] } => {
    if (m.org) return { owner: m.resourceId, name: m.org.name, type: { case: 'orgId', value: m.resourceId } };
    if (m.project)
      return { owner: m.project.orgId, name: m.project.name, type: { case: 'projectId', value: m.resourceId } };
    if (m.projectGrant)
      return {
        owner: m.projectGrant.orgId,
        name: m.projectGrant.projectName,
        type: { case: 'projectGrantId', value: m.resourceId },
      };
    return { owner: instance.id, name: instance.name, type: { case: 'iam', value: true } };
  })();
  return {
    userId: m.user.id,
    details: objectDetailsV1({
      sequence: 0n,
      creationDate: m.createdAt,
      changeDate: m.changedAt,
      resourceOwner: resource.owner,
    }),
    roles: m.roles,
    displayName: resource.name,
    type: resource.type,
  } satisfies MessageInitShape<typeof MembershipSchema>;
}

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
