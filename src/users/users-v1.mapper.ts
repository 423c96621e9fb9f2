import type { MessageInitShape } from '@bufbuild/protobuf';
import type {
  AddHumanUserRequest,
  ImportHumanUserRequest,
  UpdateHumanProfileRequest,
} from '@zitadel/proto/zitadel/management_pb.js';
import type {
  AuthFactorSchema,
  EmailSchema,
  HumanSchema,
  MachineSchema,
  PhoneSchema,
  ProfileSchema,
  SearchQuery,
  UserSchema,
  WebAuthNTokenSchema,
} from '@zitadel/proto/zitadel/user_pb.js';
import type { MetadataSchema } from '@zitadel/proto/zitadel/metadata_pb.js';
import type { TextMatch } from '../platform/database/list-query.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { ts } from '../platform/rpc/proto-mapping.js';
import type { FactorState } from './mfa/mfa.entity.js';
import type { AuthFactorView } from './mfa/mfa.service.js';
import type { PasskeyView } from './mfa/webauthn.service.js';
import { objectDetailsV1 } from '../settings/settings-v1.mapper.js';
import type { AccessTokenType, UserState } from './user.entity.js';
import { startsInitialV1 } from './user-rules.js';
import type { MetadataEntry, UserFilter, UserView } from './users.queries.js';
import { type StatesByNumber, userFilter } from './users.mapper.js';
import type { NewHumanUser, ProfileInput } from './users.service.js';

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

/** zitadel.user.v1.AccessTokenType: BEARER 0, JWT 1. */
const ACCESS_TOKEN_TYPES: readonly AccessTokenType[] = ['bearer', 'jwt'];

export function machineV1(u: UserView): MessageInitShape<typeof MachineSchema> {
  return {
    name: u.machineName ?? '',
    description: u.machineDescription ?? '',
    hasSecret: u.hasSecret,
    accessTokenType: ACCESS_TOKEN_TYPES.indexOf(u.machineAccessTokenType ?? 'bearer'),
  };
}

/** AddMachineUser's and UpdateMachine's `access_token_type`. */
export function accessTokenTypeFromV1(n: number): AccessTokenType {
  const type = ACCESS_TOKEN_TYPES[n];
  if (!type) throw invalidField('USER-v1att', 'access_token_type', 'must be ACCESS_TOKEN_TYPE_BEARER or _JWT');
  return type;
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

// ---- requests -------------------------------------------------------------------------------

type V1Profile = Pick<
  UpdateHumanProfileRequest,
  'firstName' | 'lastName' | 'nickName' | 'displayName' | 'preferredLanguage' | 'gender'
>;

/** v1 sends the whole profile: every field replaces the current one, as in ZITADEL. */
export function profileFromV1(p: V1Profile | undefined): ProfileInput {
  return {
    givenName: p?.firstName ?? '',
    familyName: p?.lastName ?? '',
    nickName: p?.nickName ?? '',
    displayName: p?.displayName ?? '',
    preferredLanguage: p?.preferredLanguage ?? '',
    gender: p?.gender ?? 0,
  };
}

/** What AddHumanUser and ImportHumanUser share: username, profile, email and phone. */
function humanFromV1(req: AddHumanUserRequest | ImportHumanUserRequest): NewHumanUser {
  return {
    ...profileFromV1(req.profile),
    username: req.userName,
    email: req.email?.email ?? '',
    emailVerified: req.email?.isEmailVerified ?? false,
    returnEmailCode: false,
    phone: req.phone?.phone || undefined,
    phoneVerified: req.phone?.isPhoneVerified ?? false,
    fieldPath: '',
  };
}

/**
 * AddHumanUser (v1): ZITADEL sets the initial password with a change required at first sign-in,
 * and sends an email verification code unless the address is marked verified. The user starts
 * INITIAL (ZITADEL's initialization code) unless it has both a verified email and a password.
 */
export function addHumanFromV1(req: AddHumanUserRequest): NewHumanUser {
  const human = humanFromV1(req);
  return {
    ...human,
    password: req.initialPassword ? { value: req.initialPassword, changeRequired: true } : undefined,
    initial: startsInitialV1({ emailVerified: human.emailVerified, canSignIn: !!req.initialPassword, linked: false }),
  };
}

/**
 * ImportHumanUser: a plain or an already hashed password (bcrypt, argon2 and the other encoded
 * formats the hasher imports), its change-required flag, and a TOTP secret (`otp_code`) to carry
 * the user's authenticator app over. INITIAL as AddHumanUser, where a requested passkey
 * registration counts as a way to sign in and idp links keep the user out of INITIAL.
 */
export function importHumanFromV1(req: ImportHumanUserRequest): NewHumanUser {
  if (req.password && req.hashedPassword?.value)
    throw invalidField('USER-v1pw2', 'hashed_password', 'give either password or hashed_password, not both');
  const changeRequired = req.passwordChangeRequired;
  const human = humanFromV1(req);
  return {
    ...human,
    password: req.password ? { value: req.password, changeRequired } : undefined,
    hashedPassword: req.hashedPassword?.value ? { hash: req.hashedPassword.value, changeRequired } : undefined,
    totpSecret: req.otpCode || undefined,
    initial: startsInitialV1({
      emailVerified: human.emailVerified,
      canSignIn: !!req.password || !!req.hashedPassword?.value || req.requestPasswordlessRegistration,
      linked: req.idps.length > 0,
    }),
    idpLinks: {
      identities: req.idps.map((l) => ({ idpId: l.configId, userId: l.externalUserId, userName: l.displayName })),
      idpIdField: (i) => `idps[${i}].config_id`,
      asCreation: true,
    },
  };
}

// ---- factors --------------------------------------------------------------------------------

/** zitadel.user.v1.AuthFactorState: NOT_READY 1, READY 2. */
const FACTOR_STATE_V1: Readonly<Record<FactorState, number>> = { pending: 1, ready: 2 };

export function authFactorV1(f: AuthFactorView): MessageInitShape<typeof AuthFactorSchema> {
  const state = FACTOR_STATE_V1[f.state];
  switch (f.kind) {
    case 'totp':
      return { state, type: { case: 'otp', value: {} } };
    case 'u2f':
      return { state, type: { case: 'u2f', value: { id: f.id ?? '', name: f.name ?? '' } } };
    case 'otpSms':
      return { state, type: { case: 'otpSms', value: {} } };
    case 'otpEmail':
      return { state, type: { case: 'otpEmail', value: {} } };
  }
}

export function webAuthNTokenV1(p: PasskeyView): MessageInitShape<typeof WebAuthNTokenSchema> {
  return { id: p.id, name: p.name, state: FACTOR_STATE_V1[p.state] };
}

/** A metadata key filter (v1's MetadataQuery.key_query). */
export interface MetadataKeyFilter {
  readonly match: TextMatch;
  readonly value: string;
}

/** Metadata rows carry no sequence of their own: their details are their creation and last change. */
export function metadataV1(m: MetadataEntry, resourceOwner: string): MessageInitShape<typeof MetadataSchema> {
  return {
    key: m.key,
    value: m.value,
    details: objectDetailsV1({ sequence: 0n, creationDate: m.createdAt, changeDate: m.changedAt, resourceOwner }),
  };
}
