import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OrgQueries, type OrgRef } from '../orgs/orgs.queries.js';
import { IdpLinkQueries } from '../idps/links.queries.js';
import { IdpLinksService, type NewUserLinks } from '../idps/links.service.js';
import { Transactions } from '../platform/database/transactions.js';
import { invalidField } from '../platform/errors/domain-error.js';
import type { WrittenEvent } from '../platform/events/event-store.js';
import { IdGenerator } from '../platform/ids/id-generator.js';
import type { Caller } from '../platform/rpc/call-context.js';
import type { Permission } from '../platform/authz/permissions.js';
import { Policies } from '../settings/policies.queries.js';
import { insertPersonalAccessToken } from './credentials/machine-credentials.service.js';
import { PasswordsService, type NewPassword } from './credentials/passwords.service.js';
import { MfaService } from './mfa/mfa.service.js';
import { PasswordHasher } from './passwords.js';
import { passwordProblems } from '../settings/password-policy.js';
import { PersonalAccessToken } from './personal-access-token.entity.js';
import { UserCodes } from './user-codes.store.js';
import { UserMetadata } from './user-metadata.entity.js';
import { UserContacts } from './user-contacts.service.js';
import { UserStore, type UserEventInput } from './users.store.js';
import { User, type AccessTokenType } from './user.entity.js';
import * as errors from './users.errors.js';
import {
  needsUnitOfWork,
  newHumanUsername,
  nextState,
  pickChanged,
  TRANSITION_EVENTS,
  usernameDomain,
  usernameScope,
  verificationOf,
} from './user-rules.js';

/** How a new email or phone number is confirmed. */
export type Verification =
  | { readonly kind: 'verified' }
  | { readonly kind: 'return' }
  | { readonly kind: 'send'; readonly urlTemplate?: string };

export interface ProfileInput {
  readonly givenName: string;
  readonly familyName: string;
  readonly nickName?: string;
  readonly displayName?: string;
  readonly preferredLanguage?: string;
  readonly gender?: number;
}

/** A new human user, as the user and org-admin APIs describe one. */
export interface NewHumanUser extends ProfileInput {
  readonly userId?: string;
  readonly username?: string;
  readonly email: string;
  readonly emailVerified: boolean;
  /**
   * Create the user INITIAL (v1's AddHumanUser, where ZITADEL adds an initialization code): it
   * becomes active once it verifies its email or sets a password. v2 creates humans active.
   */
  readonly initial?: boolean;
  /** Return the verification code instead of sending it. */
  readonly returnEmailCode: boolean;
  readonly emailUrlTemplate?: string;
  readonly password?: { readonly value: string; readonly changeRequired: boolean };
  readonly hashedPassword?: { readonly hash: string; readonly changeRequired: boolean };
  readonly phone?: string;
  readonly phoneVerification?: Verification;
  /** Kept for the org-admin API, which only knows verified or not. */
  readonly phoneVerified?: boolean;
  readonly metadata?: readonly { key: string; value: Uint8Array }[];
  /** A TOTP secret imported from another system (base32). */
  readonly totpSecret?: string;
  /** Upstream identities linked to the new user in its creating transaction. */
  readonly idpLinks?: NewUserLinks;
  /** Where in the request this user came from, to name fields in errors (e.g. `admins[0].human`). */
  readonly fieldPath: string;
}

export interface NewMachineUser {
  readonly userId?: string;
  readonly username: string;
  readonly name: string;
  readonly description?: string;
  /** Bearer (opaque) unless asked otherwise. */
  readonly accessTokenType?: AccessTokenType;
}

export interface CreatedHuman {
  readonly userId: string;
  readonly emailCode?: string;
  readonly phoneCode?: string;
  readonly event: WrittenEvent;
}

export interface HumanChanges {
  readonly username?: string;
  readonly profile?: Partial<ProfileInput>;
  readonly email?: { readonly email: string; readonly verification: Verification };
  readonly phone?: { readonly phone: string; readonly verification: Verification };
  readonly password?: NewPassword;
}

/** A new username's scope and the org that has verified its domain, if any (UsersService.holdRename). */
interface RenameScope {
  readonly perOrg: boolean;
  readonly domain?: string;
  readonly verifier?: string;
}

/**
 * Commands on users: create, change, state transitions, delete, contact verification,
 * metadata. Every command checks the caller on the user's org and writes its events in the
 * same transaction.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly tx: Transactions,
    private readonly ids: IdGenerator,
    private readonly store: UserStore,
    private readonly codes: UserCodes,
    private readonly policies: Policies,
    private readonly hasher: PasswordHasher,
    private readonly passwords: PasswordsService,
    private readonly mfa: MfaService,
    private readonly contacts: UserContacts,
    private readonly orgs: OrgQueries,
    private readonly idpLinks: IdpLinksService,
    private readonly idpLinkQueries: IdpLinkQueries,
  ) {}

  // ---- creation ------------------------------------------------------------------------------

  /** `tx` may be outside a transaction only when the human `needsUnitOfWork` nothing more than its insert. */
  async addHuman(tx: EntityManager, caller: Caller, orgId: string, input: NewHumanUser): Promise<CreatedHuman> {
    if (!tx.queryRunner?.isTransactionActive && needsUnitOfWork(input))
      throw new Error('a human with more than its first events is created in a transaction');
    const path = input.fieldPath ? `${input.fieldPath}.` : '';
    if (!input.givenName.trim()) throw invalidField('USER-g1vn0', `${path}profile.given_name`, 'must not be blank');
    if (!input.familyName.trim()) throw invalidField('USER-f4mn0', `${path}profile.family_name`, 'must not be blank');
    if (!input.email.trim()) throw invalidField('USER-3m4l0', `${path}email.email`, 'is required');
    let passwordHash: string | null = null;
    if (input.password) {
      await this.checkComplexity(caller, orgId, input.password.value, `${path}password.password`);
      passwordHash = await this.hasher.hash(input.password.value);
    } else if (input.hashedPassword) {
      passwordHash = this.hasher.importHash(input.hashedPassword.hash, `${path}hashed_password.hash`);
    }
    const userId = input.userId || this.ids.next();
    const username = newHumanUsername(input);
    const emailVerified = input.emailVerified;
    const phoneVerification =
      input.phoneVerification ?? (input.phoneVerified ? { kind: 'verified' } : { kind: 'send' });
    const now = new Date();
    const user: User = tx.create(User, {
      instanceId: caller.instance.id,
      id: userId,
      resourceOwner: orgId,
      type: 'human',
      // ZITADEL's v2 API creates humans active, with or without a password or a verified email
      // (passkey-only sign-ups, invitations); INITIAL belongs to v1's initial-code flow.
      state: input.initial ? 'initial' : 'active',
      username,
      passwordHash,
      passwordChangeRequired: input.password?.changeRequired ?? input.hashedPassword?.changeRequired ?? false,
      passwordChangedAt: passwordHash ? now : null,
      givenName: input.givenName.trim(),
      familyName: input.familyName.trim(),
      nickName: input.nickName || null,
      displayName: input.displayName || `${input.givenName.trim()} ${input.familyName.trim()}`,
      preferredLanguage: input.preferredLanguage || null,
      gender: input.gender ?? 0,
      email: input.email.trim(),
      emailVerified,
      phone: input.phone || null,
      phoneVerified: !!input.phone && phoneVerification.kind === 'verified',
      createdAt: now,
      changedAt: now,
      sequence: '0',
    });
    const created: UserEventInput[] = [
      {
        type: 'user.human.added',
        payload: { username, email: user.email, givenName: user.givenName, familyName: user.familyName },
      },
    ];
    if (emailVerified) created.push({ type: 'user.human.email.verified', payload: { email: user.email } });
    if (user.phoneVerified) created.push({ type: 'user.human.phone.verified', payload: { phone: user.phone } });
    if (passwordHash)
      created.push({ type: 'user.human.password.changed', payload: { changeRequired: user.passwordChangeRequired } });
    // ZITADEL's AddHuman, ImportHuman, RegisterHuman and IdP sign-ups all run userValidateDomain (COMMAND-SFd21).
    const claimedDomain = usernameDomain(username);
    if (claimedDomain) await this.orgs.holdUsernameDomain(tx, caller.instance.id, claimedDomain, 'use');
    let event = await this.store.insert(tx, caller, user, `${path}username`, created, claimedDomain);
    const events: UserEventInput[] = [];
    for (const m of input.metadata ?? []) {
      await tx.insert(UserMetadata, {
        instanceId: caller.instance.id,
        userId,
        key: m.key,
        value: Buffer.from(m.value),
        createdAt: now,
        changedAt: now,
      });
      events.push({ type: 'user.metadata.set', payload: { key: m.key } });
    }
    if (input.idpLinks?.identities.length)
      events.push(...(await this.idpLinks.linkNewUser(tx, caller.instance.id, user, input.idpLinks, path)));
    // ZITADEL's v1 AddHuman sends an initialization code instead of the email code when the user
    // starts INITIAL: redeeming it verifies the email and sets the first password. A user that
    // already has a password keeps the email code, which activates it too (verifyEmail).
    const emailCode = emailVerified
      ? undefined
      : await this.contacts.issueCode(
          tx,
          caller,
          user,
          input.initial && !passwordHash ? 'initialization' : 'email',
          verificationOf(false, input.returnEmailCode, input.emailUrlTemplate),
          events,
        );
    const phoneCode =
      user.phone && !user.phoneVerified
        ? await this.contacts.issueCode(tx, caller, user, 'phone', phoneVerification, events)
        : undefined;
    if (events.length) event = await this.store.push(tx, caller, user, events);
    if (input.totpSecret) {
      await this.mfa.importTotp(tx, caller, user, input.totpSecret, `${path}totp_secret`);
      event = (await this.store.latest(tx, caller, user)) ?? event;
    }
    return { userId, emailCode, phoneCode, event };
  }

  async addMachine(tx: EntityManager, caller: Caller, orgId: string, input: NewMachineUser): Promise<string> {
    return (await this.insertMachine(tx, caller, orgId, input)).userId;
  }

  private async insertMachine(
    db: EntityManager,
    caller: Caller,
    orgId: string,
    input: NewMachineUser,
  ): Promise<{ userId: string; event: WrittenEvent }> {
    const userId = input.userId || this.ids.next();
    const now = new Date();
    const user = db.create(User, {
      instanceId: caller.instance.id,
      id: userId,
      resourceOwner: orgId,
      type: 'machine',
      state: 'active',
      username: input.username.trim(),
      machineName: input.name,
      machineDescription: input.description || null,
      machineAccessTokenType: input.accessTokenType ?? 'bearer',
      createdAt: now,
      changedAt: now,
      sequence: '0',
    });
    // No domain check: ZITADEL's AddMachineCommand does not run userValidateDomain.
    const event = await this.store.insert(db, caller, user, 'username', [
      {
        type: 'user.machine.added',
        payload: { username: user.username, name: input.name, accessTokenType: user.machineAccessTokenType },
      },
    ]);
    return { userId, event };
  }

  /** A human in the org the reference names (AddHumanUser's `organization`). */
  async createHumanIn(caller: Caller, org: OrgRef, input: NewHumanUser): Promise<CreatedHuman> {
    const orgId = await this.orgs.idOf(caller.instance.id, org);
    if (orgId === undefined) throw errors.orgNotFoundForUser('organization.org_domain');
    return this.createHuman(caller, orgId, input);
  }

  /**
   * CreateUser/AddHumanUser: the caller's permission on the org, then one statement (the org's
   * state and username scope, the row and its first events; see UserStore.insert) unless the user
   * needs more, which then shares a transaction with it.
   */
  async createHuman(
    caller: Caller,
    orgId: string,
    input: NewHumanUser,
    andThen?: (tx: EntityManager, created: CreatedHuman) => Promise<void>,
  ): Promise<CreatedHuman> {
    this.checkOrgPermission(caller, orgId);
    if (!andThen && !needsUnitOfWork(input)) return this.addHuman(this.tx.reader, caller, orgId, input);
    return this.tx.run(async (tx) => {
      const created = await this.addHuman(tx, caller, orgId, input);
      // More work on the new user in the same unit of work (v1's import with a passkey link).
      if (andThen) await andThen(tx, created);
      return created;
    });
  }

  /**
   * In a unit of work, though it is one statement: a machine's creation drops this process's read
   * caches when it commits (Transactions.onCommit), which only a unit of work does.
   */
  async createMachine(
    caller: Caller,
    orgId: string,
    input: NewMachineUser,
  ): Promise<{ userId: string; event: WrittenEvent }> {
    if (!input.username.trim()) throw invalidField('USER-uN0n3', 'username', 'is required for machine users');
    if (!input.name.trim()) throw invalidField('USER-m4chn', 'machine.name', 'must not be blank');
    this.checkOrgPermission(caller, orgId);
    return this.tx.run((tx) => this.insertMachine(tx, caller, orgId, input));
  }

  // ---- changes -------------------------------------------------------------------------------

  async updateHuman(
    caller: Caller,
    userId: string,
    changes: HumanChanges,
  ): Promise<{ event: WrittenEvent; emailCode?: string; phoneCode?: string }> {
    return this.tx.run(async (tx) => {
      const scope = await this.holdRename(tx, caller, userId, changes.username);
      const user = await this.store.load(tx, caller, userId, 'user.write', { lock: true, self: true });
      if (user.type !== 'human') throw errors.notHuman();
      // First: a wrong reset code commits its counted try alone (FailAfterCommit), before any other change is written.
      const passwordEvent = changes.password
        ? await this.passwords.set(caller, user.id, changes.password, tx)
        : undefined;
      const events: UserEventInput[] = [];
      const updates: Partial<User> = {};
      if (changes.username !== undefined && changes.username.trim() !== user.username)
        this.rename(user, changes.username, scope, updates, events);
      if (changes.profile) {
        const profile = pickChanged(user, changes.profile);
        if (profile.givenName !== undefined && !(profile.givenName ?? '').trim())
          throw invalidField('USER-g1vn0', 'profile.given_name', 'must not be blank');
        if (profile.familyName !== undefined && !(profile.familyName ?? '').trim())
          throw invalidField('USER-f4mn0', 'profile.family_name', 'must not be blank');
        if (Object.keys(profile).length) {
          Object.assign(updates, profile);
          events.push({ type: 'user.human.profile.changed', payload: profile });
        }
      }
      let emailCode: string | undefined;
      let phoneCode: string | undefined;
      if (changes.email)
        emailCode = await this.contacts.changeEmail(
          tx,
          caller,
          user,
          changes.email.email,
          changes.email.verification,
          updates,
          events,
        );
      if (changes.phone)
        phoneCode = await this.contacts.changePhone(
          tx,
          caller,
          user,
          changes.phone.phone,
          changes.phone.verification,
          updates,
          events,
        );
      if (!events.length && !changes.password) throw errors.nothingChanged();
      if (Object.keys(updates).length) await this.store.update(tx, caller, user.id, updates);
      const event = events.length ? await this.store.push(tx, caller, user, events) : passwordEvent!;
      return { event, emailCode, phoneCode };
    });
  }

  async updateMachine(
    caller: Caller,
    userId: string,
    changes: { username?: string; name?: string; description?: string; accessTokenType?: AccessTokenType },
  ): Promise<WrittenEvent> {
    return this.tx.run(async (tx) => {
      const scope = await this.holdRename(tx, caller, userId, changes.username);
      const user = await this.store.load(tx, caller, userId, 'user.write', { lock: true });
      if (user.type !== 'machine') throw errors.notMachine();
      const events: UserEventInput[] = [];
      const updates: Partial<User> = {};
      if (changes.username !== undefined && changes.username.trim() !== user.username)
        this.rename(user, changes.username, scope, updates, events);
      const machine: Partial<User> = {};
      if (changes.name !== undefined && changes.name !== user.machineName) machine.machineName = changes.name;
      if (changes.description !== undefined && changes.description !== user.machineDescription)
        machine.machineDescription = changes.description;
      if (changes.accessTokenType !== undefined && changes.accessTokenType !== user.machineAccessTokenType)
        machine.machineAccessTokenType = changes.accessTokenType;
      if (Object.keys(machine).length) {
        Object.assign(updates, machine);
        events.push({
          type: 'user.machine.changed',
          payload: {
            name: machine.machineName,
            description: machine.machineDescription,
            accessTokenType: machine.machineAccessTokenType,
          },
        });
      }
      if (!events.length) throw errors.nothingChanged();
      await this.store.update(tx, caller, user.id, updates);
      return this.store.push(tx, caller, user, events);
    });
  }

  /** ZITADEL's user state machine. */
  async transition(
    caller: Caller,
    userId: string,
    action: 'deactivate' | 'reactivate' | 'lock' | 'unlock',
  ): Promise<WrittenEvent> {
    return this.tx.run(async (tx) => {
      const user = await this.store.load(tx, caller, userId, 'user.write', { lock: true });
      const next = nextState(user.state, action);
      await tx.update(User, { instanceId: caller.instance.id, id: user.id }, { state: next });
      return this.store.push(tx, caller, user, [{ type: TRANSITION_EVENTS[action] }]);
    });
  }

  /**
   * ZITADEL's RemoveHumanAvatar: Portcullis stores no avatars, but as ZITADEL does for a human
   * without one, the removal is still recorded (`user.human.avatar.removed`, empty store key) and
   * answered with details; a machine or a missing user is not found. Users may remove their own.
   */
  async removeAvatar(caller: Caller, userId: string): Promise<WrittenEvent> {
    return this.tx.run(async (tx) => {
      const user = await this.store.load(tx, caller, userId, 'user.write', { lock: true, self: true });
      if (user.type !== 'human') throw errors.userNotFound();
      return this.store.push(tx, caller, user, [{ type: 'user.human.avatar.removed', payload: { storeKey: '' } }]);
    });
  }

  /**
   * Removes the user with everything it owns; users may delete themselves. `selfPermission`: what
   * the user must hold on its own org for that (v1 auth's RemoveMyUser: user.self.delete, as its
   * descriptor says; v2 DeleteUser asks for nothing).
   */
  async delete(caller: Caller, userId: string, selfPermission?: Permission): Promise<WrittenEvent> {
    return this.tx.run(async (tx) => {
      const user = await this.store.load(tx, caller, userId, 'user.delete', { lock: true, self: true });
      if (selfPermission) this.store.requireOnOrg(caller, user, selfPermission, errors.selfRemovalDenied);
      const event = await this.store.push(tx, caller, user, [
        { type: 'user.removed', payload: { username: user.username } },
      ]);
      await tx.query('DELETE FROM memberships WHERE instance_id = $1 AND user_id = $2', [caller.instance.id, user.id]);
      await tx.delete(PersonalAccessToken, { instanceId: caller.instance.id, userId: user.id });
      await tx.delete(User, { instanceId: caller.instance.id, id: user.id }); // codes, metadata, credentials cascade
      return event;
    });
  }

  // ---- email and phone -----------------------------------------------------------------------

  /** SendEmailCode (a new code) and ResendEmailCode (only while one is pending). */
  async sendEmailCode(
    caller: Caller,
    userId: string,
    verification: Verification,
    mustBePending: boolean,
  ): Promise<{ event: WrittenEvent; code?: string }> {
    return this.tx.run(async (tx) => {
      const user = await this.store.loadHuman(tx, caller, userId);
      this.contacts.requireContactProof(caller, user, 'email', verification);
      if (user.emailVerified) throw errors.emailAlreadyVerified();
      if (mustBePending && !(await this.codes.pending(tx, caller.instance.id, user.id, 'email')))
        throw errors.noEmailCode();
      return this.contacts.issueCodeAlone(tx, caller, user, 'email', verification);
    });
  }

  async verifyEmail(caller: Caller, userId: string, code: string): Promise<WrittenEvent> {
    return this.tx.run(async (tx) => {
      const user = await this.store.loadHuman(tx, caller, userId);
      if (user.emailVerified) throw errors.emailAlreadyVerified();
      await this.codes.consume(tx, caller, user, 'email', code, 'verification_code');
      const updates: Partial<User> = {
        emailVerified: true,
        ...(user.state === 'initial' ? { state: 'active' as const } : {}),
      };
      await tx.update(User, { instanceId: caller.instance.id, id: user.id }, updates);
      return this.store.push(tx, caller, user, [{ type: 'user.human.email.verified', payload: { email: user.email } }]);
    });
  }

  // ---- invite codes --------------------------------------------------------------------------

  /**
   * An invite lets a user who has no way to sign in yet set one up. ZITADEL's rule: refused only
   * once the user has a password, a passkey or an IdP link; a verified email does not count.
   */
  async createInviteCode(
    caller: Caller,
    userId: string,
    verification: Verification,
  ): Promise<{ event: WrittenEvent; code?: string }> {
    return this.issueInviteCode(caller, userId, verification, false);
  }

  /**
   * ResendInviteCode: a new code sent the way the pending one was. ZITADEL (COMMAND-Wr3gq,
   * FailedPrecondition) resends only a code that was sent: none pending, or one returned to the
   * caller that created it, leaves nothing to resend.
   */
  async resendInviteCode(caller: Caller, userId: string): Promise<{ event: WrittenEvent }> {
    return this.issueInviteCode(caller, userId, { kind: 'send' }, true);
  }

  private issueInviteCode(
    caller: Caller,
    userId: string,
    verification: Verification,
    resend: boolean,
  ): Promise<{ event: WrittenEvent; code?: string }> {
    return this.tx.run(async (tx) => {
      const user = await this.store.load(tx, caller, userId, 'user.write', { lock: true, secrets: true });
      if (user.type !== 'human') throw errors.notHuman();
      if (
        user.passwordHash ||
        (await this.mfa.hasPasskey(tx, caller.instance.id, user.id)) ||
        (await this.idpLinkQueries.hasAny(tx, caller.instance.id, user.id))
      )
        throw errors.alreadyInitialised();
      if (resend && !(await this.codes.pendingSent(tx, caller.instance.id, user.id, 'invite')))
        throw errors.noInviteCode();
      return this.contacts.issueCodeAlone(tx, caller, user, 'invite', verification);
    });
  }

  /**
   * v1's ResendHumanInitialization (ZITADEL's ResendInitialMail): a new initialization code for a
   * user still INITIAL, after switching to `email` when one is given, in the same change.
   */
  async resendInitialization(caller: Caller, userId: string, email?: string): Promise<{ event: WrittenEvent }> {
    return this.tx.run(async (tx) => {
      const user = await this.store.load(tx, caller, userId, 'user.write', { lock: true });
      if (user.type !== 'human') throw errors.notHuman();
      if (user.state !== 'initial') throw errors.alreadyInitialised();
      const events: UserEventInput[] = [];
      const address = email?.trim();
      if (address && address !== user.email) {
        await tx.update(
          User,
          { instanceId: caller.instance.id, id: user.id },
          { email: address, emailVerified: false },
        );
        await this.codes.discard(tx, caller.instance.id, user.id, 'email');
        events.push({ type: 'user.human.email.changed', payload: { email: address } });
      }
      const addressed = address ? { ...user, email: address } : user;
      await this.contacts.issueCode(tx, caller, addressed, 'initialization', { kind: 'send' }, events);
      return { event: await this.store.push(tx, caller, user, events) };
    });
  }

  /** Verifying the invite code proves the email address. */
  async verifyInviteCode(caller: Caller, userId: string, code: string): Promise<WrittenEvent> {
    return this.tx.run(async (tx) => {
      const user = await this.store.load(tx, caller, userId, 'user.write', { lock: true, self: true });
      if (user.type !== 'human') throw errors.notHuman();
      await this.codes.consume(tx, caller, user, 'invite', code, 'verification_code');
      await tx.update(
        User,
        { instanceId: caller.instance.id, id: user.id },
        { emailVerified: true, state: user.state === 'initial' ? 'active' : user.state },
      );
      return this.store.push(tx, caller, user, [
        { type: 'user.human.invite.code.verified' },
        { type: 'user.human.email.verified', payload: { email: user.email } },
      ]);
    });
  }

  // ---- kept for the foundation (bootstrap, orgs) ---------------------------------------------

  /** Creates a PAT for a machine user; the token is returned once and stored only as a hash. */
  async addPersonalAccessToken(
    tx: EntityManager,
    caller: Caller,
    user: { id: string; resourceOwner: string },
    expiresAt: Date,
  ): Promise<{ id: string; token: string }> {
    const { id, token } = await insertPersonalAccessToken(
      tx,
      this.ids,
      caller.instance.id,
      user,
      expiresAt,
      new Date(),
    );
    await this.store.push(tx, caller, user, [
      { type: 'user.personal.access.token.added', payload: { tokenId: id, expiration: expiresAt.toISOString() } },
    ]);
    return { id, token };
  }

  // ---- internals -----------------------------------------------------------------------------

  private checkOrgPermission(caller: Caller, orgId: string): void {
    this.store.check(caller, { id: '', resourceOwner: orgId }, 'user.write', false);
  }

  /**
   * What a new username depends on, held before the user's row is locked (the order a domain
   * policy change and a domain verification lock them in): the domain it ends in against a claim
   * of it (OrgQueries.holdUsernameDomain), whether the org's usernames are unique per org
   * (holdUsernameScope) and which org has verified that domain.
   */
  private async holdRename(
    tx: EntityManager,
    caller: Caller,
    userId: string,
    username: string | undefined,
  ): Promise<RenameScope> {
    if (username === undefined) return { perOrg: false };
    const domain = usernameDomain(username.trim());
    if (domain !== undefined) await this.orgs.holdUsernameDomain(tx, caller.instance.id, domain, 'use');
    const perOrg = !!(await this.store.holdUsernameScope(tx, caller, userId));
    if (perOrg || domain === undefined) return { perOrg };
    return { perOrg, domain, verifier: await this.orgs.verifierOfUsernameDomain(tx, caller.instance.id, domain) };
  }

  /**
   * A new username, unique in the scope of the org's domain policy. An instance-wide one may not
   * end in a domain another org has verified: ZITADEL's ChangeUsername and v2 changeUsername run
   * userValidateDomain (COMMAND-SFd21) for humans and machines alike.
   */
  private rename(user: User, username: string, scope: RenameScope, updates: Partial<User>, events: UserEventInput[]) {
    updates.username = username.trim();
    if (!updates.username) throw invalidField('USER-uN0n3', 'username', 'a username or email is required');
    if (scope.domain !== undefined && scope.verifier !== undefined && scope.verifier !== user.resourceOwner)
      throw errors.domainNotAllowedAsUsername('username', scope.domain);
    updates.usernameScope = usernameScope(user.resourceOwner, scope.perOrg);
    events.push({ type: 'user.username.changed', payload: { username: updates.username } });
  }

  private async checkComplexity(caller: Caller, orgId: string, password: string, field: string): Promise<void> {
    const problems = passwordProblems(password, await this.policies.passwordComplexity(caller.instance.id, orgId));
    if (problems.length) throw errors.passwordTooWeak(field, problems);
  }
}
