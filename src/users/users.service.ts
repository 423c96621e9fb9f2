import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { hashToken, randomToken } from '../platform/crypto/master-key.js';
import { isUniqueViolation, underSavepoint } from '../platform/database/pg-errors.js';
import { invalidField } from '../platform/errors/domain-error.js';
import { EventStore, type WrittenEvent } from '../platform/events/event-store.js';
import { IdGenerator } from '../platform/ids/id-generator.js';
import { creatorOf, type Caller } from '../platform/rpc/call-context.js';
import { hashPassword } from './passwords.js';
import { passwordProblems } from './password-policy.js';
import { PersonalAccessToken } from './personal-access-token.entity.js';
import { EMAIL_VERIFICATION_CODE, generateCode } from './secret-codes.js';
import { User } from './user.entity.js';
import { passwordTooWeak, usernameTaken } from './users.errors.js';

/** A new human user, as the org admin and (later) user APIs describe one. */
export interface NewHumanUser {
  readonly userId?: string;
  readonly username?: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly nickName?: string;
  readonly displayName?: string;
  readonly preferredLanguage?: string;
  readonly email: string;
  readonly emailVerified: boolean;
  /** Return the verification code instead of sending it. */
  readonly returnEmailCode: boolean;
  readonly password?: { readonly value: string; readonly changeRequired: boolean };
  readonly phone?: string;
  readonly phoneVerified?: boolean;
  /** Where in the request this user came from, to name fields in errors (e.g. `admins[0].human`). */
  readonly fieldPath: string;
}

export interface NewMachineUser {
  readonly username: string;
  readonly name: string;
  readonly description?: string;
}

export interface CreatedHuman {
  readonly userId: string;
  readonly emailCode?: string;
  readonly event: WrittenEvent;
}

/**
 * User commands needed by the foundation (org admins, bootstrap). The users issue grows this
 * into the whole UserService.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly ids: IdGenerator,
    private readonly events: EventStore,
  ) {}

  async addHuman(tx: EntityManager, caller: Caller, orgId: string, input: NewHumanUser): Promise<CreatedHuman> {
    if (input.password) {
      const problems = passwordProblems(input.password.value);
      if (problems.length) throw passwordTooWeak(`${input.fieldPath}.password.password`, problems);
    }
    const userId = input.userId || this.ids.next();
    const username = input.username || input.email;
    const emailCode = input.emailVerified ? undefined : generateCode(EMAIL_VERIFICATION_CODE);
    const now = new Date();
    const user: Partial<User> = {
      instanceId: caller.instance.id,
      id: userId,
      resourceOwner: orgId,
      type: 'human',
      // ZITADEL: a human without a password or verified email stays `initial` until it has one.
      state: input.password || input.emailVerified ? 'active' : 'initial',
      username,
      passwordHash: input.password ? await hashPassword(input.password.value) : null,
      passwordChangeRequired: input.password?.changeRequired ?? false,
      givenName: input.givenName,
      familyName: input.familyName,
      nickName: input.nickName || null,
      displayName: input.displayName || `${input.givenName} ${input.familyName}`,
      preferredLanguage: input.preferredLanguage || null,
      email: input.email,
      emailVerified: input.emailVerified,
      emailCodeHash: emailCode ? hashToken(emailCode) : null,
      emailCodeExpiresAt: emailCode ? new Date(now.getTime() + EMAIL_VERIFICATION_CODE.expiryMs) : null,
      phone: input.phone || null,
      phoneVerified: input.phoneVerified ?? false,
      createdAt: now,
      changedAt: now,
    };
    const [event] = await this.insertUser(tx, caller, user, 'user.human.added', `${input.fieldPath}.username`, {
      username,
      email: input.email,
      givenName: input.givenName,
      familyName: input.familyName,
    });
    return { userId, emailCode: input.returnEmailCode ? emailCode : undefined, event };
  }

  async addMachine(tx: EntityManager, caller: Caller, orgId: string, input: NewMachineUser): Promise<string> {
    const userId = this.ids.next();
    const now = new Date();
    await this.insertUser(
      tx,
      caller,
      {
        instanceId: caller.instance.id,
        id: userId,
        resourceOwner: orgId,
        type: 'machine',
        state: 'active',
        username: input.username,
        machineName: input.name,
        machineDescription: input.description ?? null,
        createdAt: now,
        changedAt: now,
      },
      'user.machine.added',
      'username',
      { username: input.username, name: input.name },
    );
    return userId;
  }

  /** Creates a PAT for a machine user; the token is returned once and stored only as a hash. */
  async addPersonalAccessToken(
    tx: EntityManager,
    caller: Caller,
    user: { id: string; resourceOwner: string },
    expiresAt: Date,
  ): Promise<{ id: string; token: string }> {
    const id = this.ids.next();
    const token = randomToken(48);
    await tx.insert(PersonalAccessToken, {
      instanceId: caller.instance.id,
      id,
      userId: user.id,
      resourceOwner: user.resourceOwner,
      tokenHash: hashToken(token),
      expiresAt,
      createdAt: new Date(),
    });
    await this.events.push(tx, caller.instance.id, creatorOf(caller), [
      {
        aggregateType: 'user',
        aggregateId: user.id,
        type: 'user.personal.access.token.added',
        payload: { tokenId: id, expiration: expiresAt.toISOString() },
        resourceOwner: user.resourceOwner,
      },
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

  private async insertUser(
    tx: EntityManager,
    caller: Caller,
    user: Partial<User>,
    eventType: string,
    usernameField: string,
    payload: Record<string, unknown>,
  ): Promise<WrittenEvent[]> {
    if (!user.username) throw invalidField('USER-uN0n3', usernameField, 'a username or email is required');
    // A taken username fails this statement only; the surrounding transaction stays usable.
    await underSavepoint(tx, () => tx.insert(User, { ...user, sequence: '1' }), (err) => {
      if (isUniqueViolation(err, 'users_username')) return usernameTaken(user.username!);
      if (isUniqueViolation(err, 'users_pkey')) return invalidField('USER-1d3x1', 'user_id', 'a user with this id exists already');
      return err;
    });
    return this.events.push(tx, caller.instance.id, creatorOf(caller), [
      { aggregateType: 'user', aggregateId: user.id!, type: eventType, payload, resourceOwner: user.resourceOwner! },
    ]);
  }
}
