import type { User, UserState } from './user.entity.js';
import * as errors from './users.errors.js';
import type { NewHumanUser, ProfileInput, Verification } from './users.service.js';

// Pure rules of user commands: which profile fields change, ZITADEL's state transitions, and how
// a contact's verification is asked for.

/** The event each state transition writes. */
export const TRANSITION_EVENTS = {
  deactivate: 'user.deactivated',
  reactivate: 'user.reactivated',
  lock: 'user.locked',
  unlock: 'user.unlocked',
} as const;

/** A contact set verified, with its code returned, or with a code sent (optionally to a URL template). */
export function verificationOf(verified: boolean, returnCode: boolean, urlTemplate?: string): Verification {
  return verified ? { kind: 'verified' } : returnCode ? { kind: 'return' } : { kind: 'send', urlTemplate };
}

/** The profile fields that differ from the stored user. */
export function pickChanged(user: User, profile: Partial<ProfileInput>): Partial<User> {
  const changed: Partial<User> = {};
  for (const key of ['givenName', 'familyName', 'nickName', 'displayName', 'preferredLanguage', 'gender'] as const) {
    const value = profile[key];
    if (value !== undefined && value !== user[key]) (changed as Record<string, unknown>)[key] = value;
  }
  return changed;
}

/**
 * Whether a human created through v1 (AddHumanUser, ImportHumanUser) starts INITIAL, ZITADEL's
 * state with an initialization code (AddHuman's shouldAddInitCode, ImportHuman's IsInitialState):
 * a user created with an external login link never does; any other does unless its email is
 * verified and it has a way to sign in (a password, an imported hash or a passkey registration).
 */
export function startsInitialV1(human: { emailVerified: boolean; canSignIn: boolean; linked: boolean }): boolean {
  return !human.linked && (!human.emailVerified || !human.canSignIn);
}

/**
 * The scope a username is unique in, ZITADEL's username unique constraint: the instance ('') or,
 * when the org's domain policy makes login names domains, the org (its id; never empty).
 */
export function usernameScope(orgId: string, perOrg: boolean): string {
  return perOrg ? orgId : '';
}

/** A new human's username: without one given, its email stands in (ZITADEL's AddHuman and registerHuman). */
export function newHumanUsername(input: Pick<NewHumanUser, 'username' | 'email'>): string {
  return (input.username || input.email).trim();
}

/**
 * Whether creating the human writes more than its row and first events (metadata, IdP links,
 * codes, a TOTP secret), which then need a transaction, or has a username ending in a domain,
 * whose claim it takes turns with (OrgQueries.holdUsernameDomain) in one; without them the one
 * insert statement is atomic on its own.
 */
export function needsUnitOfWork(input: NewHumanUser): boolean {
  const phoneVerified =
    input.phoneVerification?.kind === 'verified' || (!input.phoneVerification && !!input.phoneVerified);
  return (
    usernameDomain(newHumanUsername(input)) !== undefined ||
    !!input.metadata?.length ||
    !!input.idpLinks?.identities.length ||
    !input.emailVerified ||
    (!!input.phone && !phoneVerified) ||
    !!input.totpSecret
  );
}

/** ZITADEL's transitions and the errors for illegal ones. */
export function nextState(state: UserState, action: 'deactivate' | 'reactivate' | 'lock' | 'unlock'): UserState {
  switch (action) {
    case 'deactivate':
      if (state === 'initial') throw errors.cannotDeactivateInitial();
      if (state === 'inactive') throw errors.alreadyInactive();
      return 'inactive';
    case 'reactivate':
      if (state !== 'inactive') throw errors.notInactive();
      return 'active';
    case 'lock':
      if (state !== 'active' && state !== 'initial') throw errors.shouldBeActiveOrInitial();
      return 'locked';
    case 'unlock':
      if (state !== 'locked') throw errors.notLocked();
      return 'active';
  }
}

/**
 * The domain a username claims to belong to: what follows its last `@` (ZITADEL's
 * userValidateDomain, strings.LastIndex), lower case as org domains are stored; none without
 * an `@` or with nothing after it.
 */
export function usernameDomain(username: string): string | undefined {
  const domain = username.slice(username.lastIndexOf('@') + 1).toLowerCase();
  return username.includes('@') && domain ? domain : undefined;
}
