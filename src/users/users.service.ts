import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isUniqueViolation } from '../platform/database/pg-errors.js';
import { Transactions } from '../platform/database/transactions.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { EventStore, type WrittenEvent } from '../platform/events/event-store.js';
import { IdGenerator } from '../platform/ids/id-generator.js';
import { creatorOf, type Caller } from '../platform/rpc/call-context.js';
import type { Permission } from '../platform/authz/permissions.js';
import { Notifier, type NotificationTemplate } from '../notifications/notifier.js';
import { Policies } from '../settings/policies.js';
import { insertPersonalAccessToken } from './credentials/machine-credentials.service.js';
import { PasswordsService, type NewPassword } from './credentials/passwords.service.js';
import { MfaService } from './mfa/mfa.service.js';
import { PasswordHasher } from './passwords.js';
import { passwordProblems } from './password-policy.js';
import { PersonalAccessToken } from './personal-access-token.entity.js';
import { contactVerificationNeedsWrite } from './contact-verification.js';
import type { CodeKind } from './secret-codes.js';
import { UserCodes } from './user-codes.js';
import { UserMetadata } from './user-metadata.entity.js';
import { UserStore, type UserEventInput } from './user-store.js';
import { User, type AccessTokenType, type UserState } from './user.entity.js';
import * as errors from './users.errors.js';

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

const USERNAME_LOCK = 'username';

const TRANSITION_EVENTS = {
  deactivate: 'user.deactivated',
  reactivate: 'user.reactivated',
  lock: 'user.locked',
  unlock: 'user.unlocked',
} as const;

function verificationOf(verified: boolean, returnCode: boolean, urlTemplate?: string): Verification {
  return verified ? { kind: 'verified' } : returnCode ? { kind: 'return' } : { kind: 'send', urlTemplate };
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
    private readonly notifier: Notifier,
    private readonly policies: Policies,
    private readonly hasher: PasswordHasher,
    private readonly passwords: PasswordsService,
    private readonly mfa: MfaService,
    private readonly events: EventStore,
  ) {}

  // ---- creation ------------------------------------------------------------------------------

  /** `perOrg`: the org's username scope when the caller read it before the unit of work (from the cache). */
  async addHuman(
    tx: EntityManager,
    caller: Caller,
    orgId: string,
    input: NewHumanUser,
    perOrg?: boolean,
  ): Promise<CreatedHuman> {
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
    const username = (input.username || input.email).trim();
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
      state: 'active',
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
    let event = await this.insert(tx, caller, user, `${path}username`, created, perOrg);
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
    const emailCode = emailVerified
      ? undefined
      : await this.issueCode(
          tx,
          caller,
          user,
          'email',
          verificationOf(false, input.returnEmailCode, input.emailUrlTemplate),
          events,
        );
    const phoneCode =
      user.phone && !user.phoneVerified
        ? await this.issueCode(tx, caller, user, 'phone', phoneVerification, events)
        : undefined;
    if (events.length) event = await this.store.push(tx, caller, user, events);
    if (input.totpSecret) {
      await this.mfa.importTotp(tx, caller, user, input.totpSecret, `${path}totp_secret`);
      event = (await this.latest(tx, caller, user)) ?? event;
    }
    return { userId, emailCode, phoneCode, event };
  }

  async addMachine(
    tx: EntityManager,
    caller: Caller,
    orgId: string,
    input: NewMachineUser,
    perOrg?: boolean,
  ): Promise<string> {
    const userId = input.userId || this.ids.next();
    const now = new Date();
    const user = tx.create(User, {
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
    await this.insert(
      tx,
      caller,
      user,
      'username',
      [
        {
          type: 'user.machine.added',
          payload: { username: user.username, name: input.name, accessTokenType: user.machineAccessTokenType },
        },
      ],
      perOrg,
    );
    return userId;
  }

  /**
   * CreateUser/AddHumanUser: the caller's permission on the org, then one transaction (the org's
   * state is checked by the insert). The username scope is read before it, where the settings
   * cache may answer (inside a unit of work every read goes to the database).
   */
  async createHuman(
    caller: Caller,
    orgId: string,
    input: NewHumanUser,
    andThen?: (tx: EntityManager, created: CreatedHuman) => Promise<void>,
  ): Promise<CreatedHuman> {
    this.checkOrgPermission(caller, orgId);
    const perOrg = await this.usernamesPerOrg(caller, orgId);
    return this.tx.run(async (tx) => {
      const created = await this.addHuman(tx, caller, orgId, input, perOrg);
      // More work on the new user in the same unit of work (v1's import with a passkey link).
      if (andThen) await andThen(tx, created);
      return created;
    });
  }

  async createMachine(
    caller: Caller,
    orgId: string,
    input: NewMachineUser,
  ): Promise<{ userId: string; event: WrittenEvent }> {
    if (!input.username.trim()) throw invalidField('USER-uN0n3', 'username', 'is required for machine users');
    if (!input.name.trim()) throw invalidField('USER-m4chn', 'machine.name', 'must not be blank');
    this.checkOrgPermission(caller, orgId);
    const perOrg = await this.usernamesPerOrg(caller, orgId);
    return this.tx.run(async (tx) => {
      const userId = await this.addMachine(tx, caller, orgId, input, perOrg);
      return { userId, event: (await this.latest(tx, caller, { id: userId, resourceOwner: orgId }))! };
    });
  }

  // ---- changes -------------------------------------------------------------------------------

  async updateHuman(
    caller: Caller,
    userId: string,
    changes: HumanChanges,
  ): Promise<{ event: WrittenEvent; emailCode?: string; phoneCode?: string }> {
    return this.tx.run(async (tx) => {
      const user = await this.store.load(tx, caller, userId, 'user.write', { lock: true, self: true });
      if (user.type !== 'human') throw errors.notHuman();
      // First: a wrong reset code commits its counted try alone (FailAfterCommit), before any other change is written.
      const passwordEvent = changes.password
        ? await this.passwords.set(caller, user.id, changes.password, tx)
        : undefined;
      const events: UserEventInput[] = [];
      const updates: Partial<User> = {};
      if (changes.username !== undefined && changes.username.trim() !== user.username) {
        updates.username = changes.username.trim();
        await this.checkUsernameFree(tx, caller, user.resourceOwner, updates.username, 'username', user.id);
        events.push({ type: 'user.username.changed', payload: { username: updates.username } });
      }
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
        emailCode = await this.changeEmail(
          tx,
          caller,
          user,
          changes.email.email,
          changes.email.verification,
          updates,
          events,
        );
      if (changes.phone)
        phoneCode = await this.changePhone(
          tx,
          caller,
          user,
          changes.phone.phone,
          changes.phone.verification,
          updates,
          events,
        );
      if (!events.length && !changes.password) throw errors.nothingChanged();
      if (Object.keys(updates).length) await tx.update(User, { instanceId: caller.instance.id, id: user.id }, updates);
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
      const user = await this.store.load(tx, caller, userId, 'user.write', { lock: true });
      if (user.type !== 'machine') throw errors.notMachine();
      const events: UserEventInput[] = [];
      const updates: Partial<User> = {};
      if (changes.username !== undefined && changes.username.trim() !== user.username) {
        updates.username = changes.username.trim();
        await this.checkUsernameFree(tx, caller, user.resourceOwner, updates.username, 'username', user.id);
        events.push({ type: 'user.username.changed', payload: { username: updates.username } });
      }
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
      await tx.update(User, { instanceId: caller.instance.id, id: user.id }, updates);
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

  async setEmail(
    caller: Caller,
    userId: string,
    email: string,
    verification: Verification,
  ): Promise<{ event: WrittenEvent; code?: string }> {
    return this.tx.run(async (tx) => {
      const user = await this.loadHuman(tx, caller, userId);
      const events: UserEventInput[] = [];
      const updates: Partial<User> = {};
      const code = await this.changeEmail(tx, caller, user, email, verification, updates, events, true);
      await tx.update(User, { instanceId: caller.instance.id, id: user.id }, updates);
      return { event: await this.store.push(tx, caller, user, events), code };
    });
  }

  /** SendEmailCode (a new code) and ResendEmailCode (only while one is pending). */
  async sendEmailCode(
    caller: Caller,
    userId: string,
    verification: Verification,
    mustBePending: boolean,
  ): Promise<{ event: WrittenEvent; code?: string }> {
    return this.tx.run(async (tx) => {
      const user = await this.loadHuman(tx, caller, userId);
      this.requireContactProof(caller, user, 'email', verification);
      if (user.emailVerified) throw errors.emailAlreadyVerified();
      if (mustBePending && !(await this.codes.pending(tx, caller.instance.id, user.id, 'email')))
        throw errors.noEmailCode();
      const events: UserEventInput[] = [];
      const code = await this.issueCode(tx, caller, user, 'email', verification, events);
      return { event: await this.store.push(tx, caller, user, events), code };
    });
  }

  async verifyEmail(caller: Caller, userId: string, code: string): Promise<WrittenEvent> {
    return this.tx.run(async (tx) => {
      const user = await this.loadHuman(tx, caller, userId);
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

  async setPhone(
    caller: Caller,
    userId: string,
    phone: string,
    verification: Verification,
  ): Promise<{ event: WrittenEvent; code?: string }> {
    return this.tx.run(async (tx) => {
      const user = await this.loadHuman(tx, caller, userId);
      const events: UserEventInput[] = [];
      const updates: Partial<User> = {};
      const code = await this.changePhone(tx, caller, user, phone, verification, updates, events, true);
      await tx.update(User, { instanceId: caller.instance.id, id: user.id }, updates);
      return { event: await this.store.push(tx, caller, user, events), code };
    });
  }

  async removePhone(caller: Caller, userId: string): Promise<WrittenEvent> {
    return this.tx.run(async (tx) => {
      const user = await this.loadHuman(tx, caller, userId);
      if (!user.phone) throw errors.noPhone();
      await this.codes.discard(tx, caller.instance.id, user.id, 'phone');
      // OTP by SMS needs the phone: it goes with it.
      await this.mfa.phoneRemoved(tx, caller.instance.id, user.id);
      await tx.update(User, { instanceId: caller.instance.id, id: user.id }, { phone: null, phoneVerified: false });
      return this.store.push(tx, caller, user, [{ type: 'user.human.phone.removed' }]);
    });
  }

  async resendPhoneCode(
    caller: Caller,
    userId: string,
    verification: Verification,
  ): Promise<{ event: WrittenEvent; code?: string }> {
    return this.tx.run(async (tx) => {
      const user = await this.loadHuman(tx, caller, userId);
      this.requireContactProof(caller, user, 'phone', verification);
      if (!user.phone) throw errors.noPhone();
      if (user.phoneVerified) throw errors.phoneAlreadyVerified();
      if (!(await this.codes.pending(tx, caller.instance.id, user.id, 'phone'))) throw errors.noPhoneCode();
      const events: UserEventInput[] = [];
      const code = await this.issueCode(tx, caller, user, 'phone', verification, events);
      return { event: await this.store.push(tx, caller, user, events), code };
    });
  }

  async verifyPhone(caller: Caller, userId: string, code: string): Promise<WrittenEvent> {
    return this.tx.run(async (tx) => {
      const user = await this.loadHuman(tx, caller, userId);
      if (!user.phone) throw errors.noPhone();
      if (user.phoneVerified) throw errors.phoneAlreadyVerified();
      await this.codes.consume(tx, caller, user, 'phone', code, 'verification_code');
      await tx.update(User, { instanceId: caller.instance.id, id: user.id }, { phoneVerified: true });
      return this.store.push(tx, caller, user, [{ type: 'user.human.phone.verified', payload: { phone: user.phone } }]);
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
    mustBePending = false,
  ): Promise<{ event: WrittenEvent; code?: string }> {
    return this.tx.run(async (tx) => {
      const user = await this.store.load(tx, caller, userId, 'user.write', { lock: true, secrets: true });
      if (user.type !== 'human') throw errors.notHuman();
      if (user.passwordHash || (await this.mfa.hasPasskey(tx, caller.instance.id, user.id)))
        throw errors.alreadyInitialised();
      if (mustBePending && !(await this.codes.pending(tx, caller.instance.id, user.id, 'invite')))
        throw errors.noInviteCode();
      const events: UserEventInput[] = [];
      const code = await this.issueCode(tx, caller, user, 'invite', verification, events);
      return { event: await this.store.push(tx, caller, user, events), code };
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

  // ---- metadata ------------------------------------------------------------------------------

  async setMetadata(
    caller: Caller,
    userId: string,
    entries: readonly { key: string; value: Uint8Array }[],
  ): Promise<WrittenEvent> {
    // Nothing to set would write no event (and answered INTERNAL: found by the fuzzer).
    if (entries.length === 0) throw invalidField('USER-m3t4e', 'metadata', 'at least one entry is required');
    entries.forEach((e, i) => {
      if (!e.key.trim()) throw invalidField('USER-m3t4k', `metadata[${i}].key`, 'must not be blank');
      if (e.value.length === 0) throw invalidField('USER-m3t4v', `metadata[${i}].value`, 'must not be empty');
    });
    return this.tx.run(async (tx) => {
      const user = await this.store.load(tx, caller, userId, 'user.write', { lock: true });
      const now = new Date();
      for (const e of entries) {
        await tx
          .createQueryBuilder()
          .insert()
          .into(UserMetadata)
          .values({
            instanceId: caller.instance.id,
            userId: user.id,
            key: e.key,
            value: Buffer.from(e.value),
            createdAt: now,
            changedAt: now,
          })
          .orUpdate(['value', 'changed_at'], ['instance_id', 'user_id', 'key'])
          .execute();
      }
      return this.store.push(
        tx,
        caller,
        user,
        entries.map((e) => ({ type: 'user.metadata.set', payload: { key: e.key } })),
      );
    });
  }

  async deleteMetadata(caller: Caller, userId: string, keys: readonly string[]): Promise<WrittenEvent> {
    if (!keys.length) throw invalidField('USER-m3t4d', 'keys', 'at least one key is required');
    return this.tx.run(async (tx) => {
      const user = await this.store.load(tx, caller, userId, 'user.write', { lock: true });
      for (const key of keys) {
        const result = await tx.delete(UserMetadata, { instanceId: caller.instance.id, userId: user.id, key });
        if (!result.affected) throw errors.metadataNotFound(key);
      }
      return this.store.push(
        tx,
        caller,
        user,
        keys.map((key) => ({ type: 'user.metadata.removed', payload: { key } })),
      );
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

  async findById(reader: EntityManager, instanceId: string, userId: string): Promise<User | null> {
    return reader
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.instance_id = :instanceId AND u.id = :userId', { instanceId, userId })
      .getOne();
  }

  /** Removes an org's users and their tokens (the org is being deleted). */
  async removeAllOfOrg(tx: EntityManager, instanceId: string, orgId: string): Promise<void> {
    await tx.delete(PersonalAccessToken, { instanceId, resourceOwner: orgId });
    await tx.delete(User, { instanceId, resourceOwner: orgId });
  }

  // ---- internals -----------------------------------------------------------------------------

  /** The user's last change, when something beyond this service appended to it. */
  private async latest(
    tx: EntityManager,
    caller: Caller,
    user: Pick<User, 'id' | 'resourceOwner'>,
  ): Promise<WrittenEvent | undefined> {
    const [row] = await tx.query('SELECT sequence, changed_at FROM users WHERE instance_id = $1 AND id = $2', [
      caller.instance.id,
      user.id,
    ]);
    return row
      ? {
          aggregateId: user.id,
          sequence: BigInt(row.sequence),
          createdAt: row.changed_at,
          resourceOwner: user.resourceOwner,
        }
      : undefined;
  }

  private async loadHuman(tx: EntityManager, caller: Caller, userId: string): Promise<User> {
    const user = await this.store.load(tx, caller, userId, 'user.write', { lock: true, self: true });
    if (user.type !== 'human') throw errors.notHuman();
    return user;
  }

  private checkOrgPermission(caller: Caller, orgId: string): void {
    this.store.check(caller, { id: '', resourceOwner: orgId }, 'user.write', false);
  }

  /** Usernames are unique per org or per instance, as the org's domain settings say. */
  private async usernamesPerOrg(caller: Caller, orgId: string): Promise<boolean> {
    return (await this.policies.domainSettings(caller.instance.id, orgId)).userLoginMustBeDomain;
  }

  private async checkComplexity(caller: Caller, orgId: string, password: string, field: string): Promise<void> {
    const problems = passwordProblems(password, await this.policies.passwordComplexity(caller.instance.id, orgId));
    if (problems.length) throw errors.passwordTooWeak(field, problems);
  }

  /** Usernames are unique per org or per instance, as the org's domain settings say. */
  private async checkUsernameFree(
    tx: EntityManager,
    caller: Caller,
    orgId: string,
    username: string,
    field: string,
    exceptUserId?: string,
  ): Promise<void> {
    const perOrg = await this.lockUsername(tx, caller, orgId, username, field);
    const [row] = await tx.query(`SELECT ${usernameTakenSql(1)} AS taken`, [
      caller.instance.id,
      username,
      orgId,
      exceptUserId ?? '',
      perOrg,
    ]);
    if (row.taken) throw errors.usernameTaken(username);
  }

  /**
   * Serialises the writers of one username for the rest of the transaction, and answers its
   * scope (read in the transaction unless the caller already has it). A unique index cannot do
   * this job: whether two equal usernames clash depends on the domain settings of the org the
   * new one goes to. The lock is its own statement, so the next statement's snapshot sees every
   * writer of the name that held it before.
   */
  private async lockUsername(
    tx: EntityManager,
    caller: Caller,
    orgId: string,
    username: string,
    field: string,
    perOrg?: boolean,
  ): Promise<boolean> {
    if (!username) throw invalidField('USER-uN0n3', field, 'a username or email is required');
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `${caller.instance.id}/${USERNAME_LOCK}/${username.toLowerCase()}`,
    ]);
    return perOrg ?? (await this.policies.domainSettings(caller.instance.id, orgId)).userLoginMustBeDomain;
  }

  /**
   * A new user and its first events in one statement, inserted only into an active org of the
   * caller's instance and under a free username (see lockUsername); otherwise the facts read in
   * the same snapshot say why. A taken id fails on the primary key.
   */
  private async insert(
    tx: EntityManager,
    caller: Caller,
    user: User,
    usernameField: string,
    events: readonly UserEventInput[],
    perOrg?: boolean,
  ): Promise<WrittenEvent> {
    const scope = await this.lockUsername(tx, caller, user.resourceOwner, user.username, usernameField, perOrg);
    const { columns, values } = rowOf(tx, user, ['sequence', 'changedAt']);
    const n = values.length;
    const taken = usernameTakenSql(n + 1);
    const org = `(SELECT state FROM orgs WHERE instance_id = $${n + 1} AND id = $${n + 3})`;
    const params = [...values, caller.instance.id, user.username, user.resourceOwner, '', scope];
    const sql = `INSERT INTO users (${columns.join(', ')}, sequence, changed_at)
      SELECT ${values.map((_, i) => `$${i + 1}`).join(', ')}, prior.n + ${events.length}, prior.at FROM prior
       WHERE ${org} = 'active' AND NOT ${taken}
      RETURNING true AS inserted`;
    const { written, facts } = await this.events
      .insertWithFirstEvents(
        tx,
        { sql, params, facts: `${org} AS org_state, ${taken} AS taken` },
        caller.instance.id,
        creatorOf(caller),
        events.map((e) => ({
          aggregateType: 'user',
          aggregateId: user.id,
          resourceOwner: user.resourceOwner,
          type: e.type,
          payload: e.payload,
        })),
      )
      .catch((err: unknown) => {
        // No savepoint: a taken id ends the unit of work, so nothing runs on the failed transaction.
        throw isUniqueViolation(err, 'users_pkey') ? errors.userIdTaken() : err;
      });
    if (written) return written;
    if (facts.org_state === null) throw errors.orgNotFoundForUser('organization');
    if (facts.org_state !== 'active') throw errors.orgNotUsable();
    throw errors.usernameTaken(user.username);
  }

  private changeEmail(
    tx: EntityManager,
    caller: Caller,
    user: User,
    email: string,
    verification: Verification,
    updates: Partial<User>,
    events: UserEventInput[],
    always = false,
  ): Promise<string | undefined> {
    return this.changeContact(tx, caller, user, 'email', email, verification, updates, events, always);
  }

  private changePhone(
    tx: EntityManager,
    caller: Caller,
    user: User,
    phone: string,
    verification: Verification,
    updates: Partial<User>,
    events: UserEventInput[],
    always = false,
  ): Promise<string | undefined> {
    return this.changeContact(tx, caller, user, 'phone', phone, verification, updates, events, always);
  }

  /**
   * A new email address or phone number: verified at once, or pending with a code that is
   * returned or sent. Unless `always`, the same unverified value again changes nothing.
   */
  private async changeContact(
    tx: EntityManager,
    caller: Caller,
    user: User,
    kind: 'email' | 'phone',
    raw: string,
    verification: Verification,
    updates: Partial<User>,
    events: UserEventInput[],
    always: boolean,
  ): Promise<string | undefined> {
    const value = raw.trim();
    if (!value) throw invalidField(kind === 'email' ? 'USER-3m4l0' : 'USER-ph0n1', `${kind}.${kind}`, 'is required');
    if (!always && value === user[kind] && verification.kind !== 'verified') return undefined;
    this.requireContactProof(caller, user, kind, verification);
    const verified = verification.kind === 'verified';
    Object.assign(
      updates,
      kind === 'email' ? { email: value, emailVerified: verified } : { phone: value, phoneVerified: verified },
    );
    events.push({ type: `user.human.${kind}.changed`, payload: { [kind]: value } });
    if (!verified) return this.issueCode(tx, caller, { ...user, [kind]: value }, kind, verification, events);
    // A verified email proves the user: one waiting for initialisation becomes active.
    if (kind === 'email' && user.state === 'initial') updates.state = 'active';
    events.push({ type: `user.human.${kind}.verified`, payload: { [kind]: value } });
    await this.codes.discard(tx, caller.instance.id, user.id, kind);
    return undefined;
  }

  /** Verified without a code, or the code handed back: only with user.write on the user's org (see contactVerificationNeedsWrite). */
  private requireContactProof(
    caller: Caller,
    user: Pick<User, 'resourceOwner'>,
    contact: 'email' | 'phone',
    verification: Verification,
  ): void {
    if (contactVerificationNeedsWrite(verification))
      this.store.requireOnOrg(caller, user, 'user.write', () => errors.contactProofDenied(contact));
  }

  /** A new code of the kind: returned to the caller, or queued for delivery with the change. */
  private async issueCode(
    tx: EntityManager,
    caller: Caller,
    user: Pick<User, 'id' | 'resourceOwner' | 'email' | 'phone' | 'username' | 'displayName'>,
    kind: Extract<CodeKind, 'email' | 'phone' | 'invite'>,
    verification: Verification,
    events: UserEventInput[],
  ): Promise<string | undefined> {
    const { code } = await this.codes.issue(tx, caller.instance.id, user.id, kind);
    events.push({
      type: `user.human.${kind === 'invite' ? 'invite' : kind}.code.added`,
      payload: { returned: verification.kind === 'return' },
    });
    if (verification.kind === 'return') return code;
    const template: NotificationTemplate =
      kind === 'email' ? 'verifyEmail' : kind === 'phone' ? 'verifyPhone' : 'inviteCode';
    await this.notifier.enqueue(tx, caller.instance.id, {
      channel: kind === 'phone' ? 'sms' : 'email',
      to: (kind === 'phone' ? user.phone : user.email) ?? '',
      template,
      userId: user.id,
      orgId: user.resourceOwner,
      data: { code, loginName: user.username, displayName: user.displayName ?? user.username },
      urlTemplate: verification.kind === 'send' ? verification.urlTemplate : undefined,
      origin: caller.origin,
    });
    return undefined;
  }
}

/** The profile fields that differ from the stored user. */
function pickChanged(user: User, profile: Partial<ProfileInput>): Partial<User> {
  const changed: Partial<User> = {};
  for (const key of ['givenName', 'familyName', 'nickName', 'displayName', 'preferredLanguage', 'gender'] as const) {
    const value = profile[key];
    if (value !== undefined && value !== user[key]) (changed as Record<string, unknown>)[key] = value;
  }
  return changed;
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
 * Whether another user holds the username where it must be unique: the instance, or the org
 * when its domain settings make login names domains. Its parameters, from `$first` on: the
 * instance, the username, the org, the id to leave out ('' for none), usernames unique per org.
 */
function usernameTakenSql(first: number): string {
  const [instance, username, org, except, perOrg] = [0, 1, 2, 3, 4].map((i) => `$${first + i}`);
  return `EXISTS (SELECT 1 FROM users WHERE instance_id = ${instance} AND lower(username) = lower(${username}) AND id <> ${except}
                    AND (NOT ${perOrg}::boolean OR resource_owner = ${org}))`;
}

/** The entity's columns and values as TypeORM would insert them, leaving out `except` and unset ones. */
function rowOf<E extends object>(
  tx: EntityManager,
  entity: E,
  except: readonly (keyof E & string)[],
): { columns: string[]; values: unknown[] } {
  const metadata = tx.connection.getMetadata(entity.constructor);
  const columns = metadata.columns.filter(
    (c) => !except.includes(c.propertyName as keyof E & string) && c.getEntityValue(entity) !== undefined,
  );
  return {
    columns: columns.map((c) => c.databaseName),
    values: columns.map((c) => tx.connection.driver.preparePersistentValue(c.getEntityValue(entity), c)),
  };
}
