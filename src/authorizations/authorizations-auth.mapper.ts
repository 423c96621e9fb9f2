import type { MessageInitShape } from '@bufbuild/protobuf';
import type { UserGrantSchema } from '@zitadel/proto/zitadel/auth_pb.js';
import { objectDetailsV1 } from '../platform/rpc/v1-mapping.js';
import type { AuthorizationView } from './authorizations.service.js';

/** zitadel.user.v1.Type and UserGrantState numbers. */
const USER_TYPE_V1 = { human: 1, machine: 2 } as const;
const GRANT_STATE_V1 = { active: 1, inactive: 2 } as const;

/** zitadel.auth.v1.UserGrant: an authorization with its org and project named (`roles` repeats the keys). */
export function myUserGrantV1(a: AuthorizationView): MessageInitShape<typeof UserGrantSchema> {
  return {
    orgId: a.orgId,
    orgName: a.org.name,
    orgDomain: a.org.domain,
    projectId: a.projectId,
    projectName: a.projectName,
    projectGrantId: a.projectGrantId ?? '',
    userId: a.user.id,
    userType: USER_TYPE_V1[a.userDetail.type],
    grantId: a.id,
    roles: a.roleKeys,
    roleKeys: a.roleKeys,
    state: GRANT_STATE_V1[a.state],
    details: objectDetailsV1({
      sequence: 0n,
      creationDate: a.createdAt,
      changeDate: a.changedAt,
      resourceOwner: a.orgId,
    }),
  };
}
