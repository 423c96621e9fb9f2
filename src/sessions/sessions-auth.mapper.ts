import type { MessageInitShape } from '@bufbuild/protobuf';
import { SessionState, type SessionSchema } from '@zitadel/proto/zitadel/user_pb.js';
import { objectDetailsV1 } from '../platform/rpc/v1-mapping.js';
import type { SessionView } from './sessions.queries.js';

/**
 * zitadel.user.v1.Session: a session of the user, active until it expires. ZITADEL's login v1
 * keys sessions by browser (agent); ours carry the user agent's fingerprint as the agent id.
 */
export function userSessionV1(s: SessionView, now = new Date()): MessageInitShape<typeof SessionSchema> {
  const active = s.expiresAt === null || s.expiresAt > now;
  return {
    sessionId: s.id,
    agentId: s.userAgent?.fingerprintId ?? '',
    authState: active ? SessionState.ACTIVE : SessionState.TERMINATED,
    userId: s.user?.id ?? '',
    userName: s.user?.loginName ?? '',
    loginName: s.user?.loginName ?? '',
    displayName: s.user?.displayName ?? '',
    details: objectDetailsV1({
      sequence: s.sequence,
      creationDate: s.createdAt,
      changeDate: s.changedAt,
      resourceOwner: s.user?.organizationId ?? '',
    }),
  };
}
