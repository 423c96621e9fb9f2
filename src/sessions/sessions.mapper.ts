import { create } from '@bufbuild/protobuf';
import type { Duration } from '@bufbuild/protobuf/wkt';
import { UserVerificationRequirement, type RequestChallenges } from '@zitadel/proto/zitadel/session/v2/challenge_pb.js';
import {
  SessionSchema,
  UserAgent_HeaderValuesSchema,
  type SearchQuery,
  type Session as SessionMessage,
  type UserAgent,
} from '@zitadel/proto/zitadel/session/v2/session_pb.js';
import type { Checks } from '@zitadel/proto/zitadel/session/v2/session_service_pb.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { ts } from '../platform/rpc/proto-mapping.js';
import type { SessionFilter, SessionView } from './sessions.queries.js';
import type { UserVerification } from './session.entity.js';
import type { ChallengeRequests, SessionChecks, UserAgentInput } from './sessions.service.js';

export function checksOf(checks: Checks | undefined): SessionChecks {
  if (!checks) return {};
  const user = checks.user?.search;
  return {
    user:
      user?.case === 'userId'
        ? { kind: 'id', id: user.value }
        : user?.case === 'loginName'
          ? { kind: 'loginName', loginName: user.value }
          : undefined,
    password: checks.password?.password,
    webAuthn: checks.webAuthN?.credentialAssertionData,
    idpIntent: checks.idpIntent && { id: checks.idpIntent.idpIntentId, token: checks.idpIntent.idpIntentToken },
    totp: checks.totp?.code,
    otpSms: checks.otpSms?.code,
    otpEmail: checks.otpEmail?.code,
  };
}

const USER_VERIFICATION: Record<number, UserVerification> = {
  [UserVerificationRequirement.REQUIRED]: 'required',
  [UserVerificationRequirement.PREFERRED]: 'preferred',
  [UserVerificationRequirement.DISCOURAGED]: 'discouraged',
};

export function challengesOf(challenges: RequestChallenges | undefined): ChallengeRequests {
  if (!challenges) return {};
  const { webAuthN, otpSms, otpEmail } = challenges;
  return {
    webAuthn: webAuthN && {
      domain: webAuthN.domain,
      userVerification: USER_VERIFICATION[webAuthN.userVerificationRequirement] ?? 'required',
    },
    otpSms: otpSms && { returnCode: otpSms.returnCode },
    // ZITADEL: with no delivery type, the code is sent.
    otpEmail:
      otpEmail &&
      (otpEmail.deliveryType.case === 'returnCode'
        ? { kind: 'return' }
        : {
            kind: 'send',
            urlTemplate:
              otpEmail.deliveryType.case === 'sendCode' ? otpEmail.deliveryType.value.urlTemplate : undefined,
          }),
  };
}

export function userAgentOf(userAgent: UserAgent | undefined): UserAgentInput | undefined {
  if (!userAgent) return undefined;
  return {
    fingerprintId: userAgent.fingerprintId,
    ip: userAgent.ip,
    description: userAgent.description,
    header: Object.fromEntries(Object.entries(userAgent.header).map(([name, v]) => [name, v.values])),
  };
}

/** A google.protobuf.Duration (already checked to be positive by the contract) in milliseconds. */
export function lifetimeMs(lifetime: Duration | undefined, field = 'lifetime'): number | undefined {
  if (!lifetime) return undefined;
  const ms = Number(lifetime.seconds) * 1000 + Math.floor(lifetime.nanos / 1e6);
  if (!Number.isSafeInteger(ms) || ms > 100 * 365 * 24 * 3600 * 1000)
    throw invalidField('SESSION-l1f3t', field, 'is too long');
  return ms > 0 ? ms : undefined;
}

/** zitadel.v1.TimestampQueryMethod, by number. */
const TIMESTAMP_OPERATORS = ['=', '>', '>=', '<', '<='] as const;

export function filterOf(query: SearchQuery, field: string): SessionFilter {
  const q = query.query;
  switch (q.case) {
    case 'idsQuery':
      return { kind: 'ids', ids: q.value.ids };
    case 'userIdQuery':
      return { kind: 'user', userId: q.value.id };
    case 'creationDateQuery': {
      const operator = TIMESTAMP_OPERATORS[q.value.method];
      if (!q.value.creationDate || !operator)
        throw invalidField(
          'SESSION-cr34t',
          `${field}.creation_date_query`,
          'needs a creation_date and a defined method',
        );
      return {
        kind: 'creationDate',
        operator,
        at: new Date(Number(q.value.creationDate.seconds) * 1000 + Math.floor(q.value.creationDate.nanos / 1e6)),
      };
    }
    case 'creatorQuery':
      return { kind: 'creator', creator: q.value.id };
    case 'userAgentQuery':
      return { kind: 'userAgent', fingerprintId: q.value.fingerprintId };
    default:
      throw invalidField('SESSION-qu3ry', field, 'one query must be set');
  }
}

export function sessionV2(s: SessionView): SessionMessage {
  return create(SessionSchema, {
    id: s.id,
    creationDate: ts(s.createdAt),
    changeDate: ts(s.changedAt),
    sequence: s.sequence,
    expirationDate: ts(s.expiresAt ?? undefined),
    metadata: s.metadata,
    factors: {
      user: s.user && {
        id: s.user.id,
        organizationId: s.user.organizationId,
        loginName: s.user.loginName,
        displayName: s.user.displayName,
        verifiedAt: ts(s.user.checkedAt),
      },
      password: s.passwordCheckedAt ? { verifiedAt: ts(s.passwordCheckedAt) } : undefined,
      webAuthN: s.webAuthn && { verifiedAt: ts(s.webAuthn.checkedAt), userVerified: s.webAuthn.userVerified },
      intent: s.intentCheckedAt ? { verifiedAt: ts(s.intentCheckedAt) } : undefined,
      totp: s.totpCheckedAt ? { verifiedAt: ts(s.totpCheckedAt) } : undefined,
      otpSms: s.otpSmsCheckedAt ? { verifiedAt: ts(s.otpSmsCheckedAt) } : undefined,
      otpEmail: s.otpEmailCheckedAt ? { verifiedAt: ts(s.otpEmailCheckedAt) } : undefined,
    },
    userAgent: s.userAgent && {
      fingerprintId: s.userAgent.fingerprintId,
      ip: s.userAgent.ip,
      description: s.userAgent.description,
      header: Object.fromEntries(
        Object.entries(s.userAgent.header).map(([name, values]) => [
          name,
          create(UserAgent_HeaderValuesSchema, { values }),
        ]),
      ),
    },
  });
}
