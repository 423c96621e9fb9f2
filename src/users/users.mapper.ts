import { create } from '@bufbuild/protobuf';
import { UserSchema, type User as UserMessage } from '@zitadel/proto/zitadel/user/v2/user_pb.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { detailsV2, textMatch, ts } from '../platform/rpc/proto-mapping.js';
import type { UserState } from './user.entity.js';
import type { UserFilter, UserSort, UserTextField, UserView } from './users.queries.js';
import type { OrgRef } from '../orgs/orgs.queries.js';
import type { NewHumanUser, Verification } from './users.service.js';

/** zitadel.user.v2.UserState numbers. */
const STATE_NUMBER: Record<UserState, number> = { active: 1, inactive: 2, locked: 4, initial: 5 };
export type StatesByNumber = Readonly<Record<number, UserState | 'deleted'>>;
const STATE_BY_NUMBER: StatesByNumber = {
  1: 'active',
  2: 'inactive',
  3: 'deleted',
  4: 'locked',
  5: 'initial',
};

const SORT_BY_NUMBER: Record<number, UserSort> = {
  0: 'unspecified',
  1: 'username',
  2: 'givenName',
  3: 'familyName',
  4: 'nickName',
  5: 'displayName',
  6: 'email',
  7: 'state',
  8: 'type',
  9: 'creationDate',
};

export function userSort(n: number): UserSort {
  return SORT_BY_NUMBER[n] ?? 'unspecified';
}

export function userDetails(u: UserView) {
  return detailsV2({
    sequence: u.sequence,
    changeDate: u.changedAt,
    resourceOwner: u.resourceOwner,
    creationDate: u.createdAt,
  });
}

export function userMessage(u: UserView): UserMessage {
  return create(UserSchema, {
    userId: u.id,
    details: userDetails(u),
    state: STATE_NUMBER[u.state],
    username: u.username,
    loginNames: u.loginNames,
    preferredLoginName: u.preferredLoginName,
    type:
      u.type === 'human'
        ? {
            case: 'human',
            value: {
              userId: u.id,
              state: STATE_NUMBER[u.state],
              username: u.username,
              loginNames: u.loginNames,
              preferredLoginName: u.preferredLoginName,
              profile: {
                givenName: u.givenName ?? '',
                familyName: u.familyName ?? '',
                nickName: u.nickName ?? undefined,
                displayName: u.displayName ?? undefined,
                preferredLanguage: u.preferredLanguage ?? undefined,
                gender: u.gender,
              },
              email: { email: u.email ?? '', isVerified: u.emailVerified },
              phone: { phone: u.phone ?? '', isVerified: u.phoneVerified },
              passwordChangeRequired: u.passwordChangeRequired,
              passwordChanged: ts(u.passwordChangedAt ?? undefined),
              mfaInitSkipped: ts(u.mfaInitSkippedAt ?? undefined),
            },
          }
        : {
            case: 'machine',
            value: { name: u.machineName ?? '', description: u.machineDescription ?? '', hasSecret: u.hasSecret },
          },
  });
}

/** The oneof as protobuf-es gives it (its messages differ per request, the cases do not). */
type VerificationCase = { case: string | undefined; value?: unknown };

/** The `verification` oneof of email, phone and invite requests; unset means "send". */
export function verification(v: VerificationCase): Verification {
  switch (v.case) {
    case 'isVerified':
      return v.value === true ? { kind: 'verified' } : { kind: 'send' };
    case 'returnCode':
      return { kind: 'return' };
    case 'sendCode':
      return { kind: 'send', urlTemplate: (v.value as { urlTemplate?: string }).urlTemplate || undefined };
    default:
      return { kind: 'send' };
  }
}

/** The shape user.v2's AddHumanUserRequest, CreateUserRequest.Human and the org admin share. */
export interface HumanRequest {
  userId?: string;
  username?: string;
  profile?: {
    givenName: string;
    familyName: string;
    nickName?: string;
    displayName?: string;
    preferredLanguage?: string;
    gender?: number;
  };
  email?: { email: string; verification: VerificationCase };
  phone?: { phone: string; verification: VerificationCase };
  passwordType: { case: string | undefined; value?: unknown };
  metadata: { key: string; value: Uint8Array }[];
  idpLinks: { idpId: string; userId: string; userName: string }[];
  totpSecret?: string;
}

export function newHuman(req: HumanRequest, fieldPath: string): NewHumanUser {
  const password =
    req.passwordType.case === 'password'
      ? (req.passwordType.value as { password: string; changeRequired: boolean })
      : undefined;
  const hashed =
    req.passwordType.case === 'hashedPassword'
      ? (req.passwordType.value as { hash: string; changeRequired: boolean })
      : undefined;
  const email = req.email ? verification(req.email.verification) : ({ kind: 'send' } as Verification);
  return {
    userId: req.userId,
    username: req.username,
    givenName: req.profile?.givenName ?? '',
    familyName: req.profile?.familyName ?? '',
    nickName: req.profile?.nickName,
    displayName: req.profile?.displayName,
    preferredLanguage: req.profile?.preferredLanguage,
    gender: req.profile?.gender,
    email: req.email?.email ?? '',
    emailVerified: email.kind === 'verified',
    returnEmailCode: email.kind === 'return',
    emailUrlTemplate: email.kind === 'send' ? email.urlTemplate : undefined,
    password: password ? { value: password.password, changeRequired: password.changeRequired } : undefined,
    hashedPassword: hashed ? { hash: hashed.hash, changeRequired: hashed.changeRequired } : undefined,
    phone: req.phone?.phone || undefined,
    phoneVerification: req.phone?.phone ? verification(req.phone.verification) : undefined,
    metadata: req.metadata,
    totpSecret: req.totpSecret || undefined,
    idpLinks: {
      identities: req.idpLinks.map((l) => ({ idpId: l.idpId, userId: l.userId, userName: l.userName })),
      idpIdField: (i) => `idp_links[${i}].idp_id`,
    },
    fieldPath,
  };
}

type QueryCase = { case: string | undefined; value?: any };

/**
 * ListUsers' SearchQuery tree -> UserFilter, naming the bad query by its path. v1's tree has the
 * same cases and fields; only its state numbers differ, so the v1 edge passes its own table.
 */
export function userFilter(
  q: { query: QueryCase },
  field: string,
  states: StatesByNumber = STATE_BY_NUMBER,
): UserFilter {
  const { case: kind, value } = q.query;
  const text = (f: UserTextField, v: string): UserFilter => ({
    kind: 'text',
    field: f,
    match: textMatch(value.method),
    value: v,
  });
  switch (kind) {
    case 'userNameQuery':
      return text('username', value.userName);
    case 'firstNameQuery':
      return text('givenName', value.firstName);
    case 'lastNameQuery':
      return text('familyName', value.lastName);
    case 'nickNameQuery':
      return text('nickName', value.nickName);
    case 'displayNameQuery':
      return text('displayName', value.displayName);
    case 'emailQuery':
      return text('email', value.emailAddress);
    case 'phoneQuery':
      return text('phone', value.number);
    case 'loginNameQuery':
      return text('loginName', value.loginName);
    case 'stateQuery': {
      const state = states[value.state];
      if (!state) throw invalidField('USER-qst4t', `${field}.state_query.state`, 'must be a defined user state');
      return { kind: 'state', state };
    }
    case 'typeQuery':
      if (value.type !== 1 && value.type !== 2)
        throw invalidField('USER-qtyp3', `${field}.type_query.type`, 'must be TYPE_HUMAN or TYPE_MACHINE');
      return { kind: 'type', type: value.type === 1 ? 'human' : 'machine' };
    case 'inUserIdsQuery':
      return { kind: 'ids', ids: value.userIds };
    case 'inUserEmailsQuery':
      return { kind: 'emails', emails: value.userEmails };
    case 'organizationIdQuery':
      return { kind: 'org', orgId: value.organizationId };
    case 'andQuery':
    case 'orQuery':
      return {
        kind: kind === 'andQuery' ? 'and' : 'or',
        filters: value.queries.map((sq: { query: QueryCase }, i: number) =>
          userFilter(sq, `${field}.${kind === 'andQuery' ? 'and' : 'or'}_query.queries[${i}]`, states),
        ),
      };
    case 'notQuery':
      if (!value.query) throw invalidField('USER-qn0t1', `${field}.not_query.query`, 'is required');
      return { kind: 'not', filter: userFilter(value.query, `${field}.not_query.query`, states) };
    default:
      throw invalidField('USER-qu3ry', field, 'one query must be set');
  }
}

/** AddHumanUser's `organization`: by id or by one of the org's verified domains; none names the caller's. */
export function orgRef(org: { org: { case: string | undefined; value?: unknown } } | undefined): OrgRef | undefined {
  if (org?.org.case === 'orgId') return { id: org.org.value as string };
  if (org?.org.case === 'orgDomain') return { verifiedDomain: String(org.org.value).toLowerCase() };
  return undefined;
}
