import type { MessageInitShape } from '@bufbuild/protobuf';
import type {
  EmailSchema,
  HumanSchema,
  MachineSchema,
  PhoneSchema,
  ProfileSchema,
  SearchQuery,
  UserSchema,
} from '@zitadel/proto/zitadel/user_pb.js';
import { ts } from '../platform/rpc/proto-mapping.js';
import { objectDetailsV1 } from '../settings/settings-v1.mapper.js';
import type { UserState } from './user.entity.js';
import type { UserFilter, UserView } from './user-queries.js';
import { type StatesByNumber, userFilter } from './users.mapper.js';

// zitadel.user.v1 (management and auth APIs) <- the users context's UserView. v1 numbers its
// states differently from v2 (SUSPEND = 5 sits before INITIAL = 6) and names the profile's
// given/family name first/last name; everything else is the same user.

/** zitadel.user.v1.UserState numbers. */
const STATE_V1: Readonly<Record<UserState, number>> = { active: 1, inactive: 2, locked: 4, initial: 6 };

/** v1's StateQuery numbers; SUSPEND (5) has no Portcullis state and matches nothing. */
const STATE_BY_NUMBER_V1: StatesByNumber = { 1: 'active', 2: 'inactive', 3: 'deleted', 4: 'locked', 6: 'initial' };

export function userStateV1(state: UserState): number {
  return STATE_V1[state];
}

/** The object details of a user as v1 shows them (creation, last change, owning org). */
export function userDetailsV1(u: UserView) {
  return objectDetailsV1({
    sequence: u.sequence,
    creationDate: u.createdAt,
    changeDate: u.changedAt,
    resourceOwner: u.resourceOwner,
  });
}

export function profileV1(u: UserView): MessageInitShape<typeof ProfileSchema> {
  return {
    firstName: u.givenName ?? '',
    lastName: u.familyName ?? '',
    nickName: u.nickName ?? '',
    displayName: u.displayName ?? '',
    preferredLanguage: u.preferredLanguage ?? '',
    gender: u.gender,
    avatarUrl: '',
  };
}

export function emailV1(u: UserView): MessageInitShape<typeof EmailSchema> {
  return { email: u.email ?? '', isEmailVerified: u.emailVerified };
}

export function phoneV1(u: UserView): MessageInitShape<typeof PhoneSchema> {
  return { phone: u.phone ?? '', isPhoneVerified: u.phoneVerified };
}

export function humanV1(u: UserView): MessageInitShape<typeof HumanSchema> {
  return {
    profile: profileV1(u),
    email: emailV1(u),
    phone: phoneV1(u),
    passwordChanged: ts(u.passwordChangedAt ?? undefined),
  };
}

/** Machine users issue opaque (bearer) access tokens: ACCESS_TOKEN_TYPE_BEARER is 0. */
export function machineV1(u: UserView): MessageInitShape<typeof MachineSchema> {
  return { name: u.machineName ?? '', description: u.machineDescription ?? '', hasSecret: u.hasSecret };
}

export function userV1(u: UserView): MessageInitShape<typeof UserSchema> {
  return {
    id: u.id,
    details: userDetailsV1(u),
    state: STATE_V1[u.state],
    userName: u.username,
    loginNames: u.loginNames,
    preferredLoginName: u.preferredLoginName,
    type: u.type === 'human' ? { case: 'human', value: humanV1(u) } : { case: 'machine', value: machineV1(u) },
  };
}

/** ListUsers' v1 SearchQuery -> UserFilter; the cases and fields are v2's, the states v1's. */
export function userFilterV1(q: SearchQuery, field: string): UserFilter {
  return userFilter(q, field, STATE_BY_NUMBER_V1);
}
