import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { hasPermission } from '../../platform/authz/permissions.js';
import { Transactions } from '../../platform/database/transactions.js';
import type { WrittenEvent } from '../../platform/events/event-store.js';
import type { Caller } from '../../platform/rpc/call-context.js';
import { Notifier } from '../../notifications/notifier.js';
import { Policies } from '../../settings/policies.queries.js';
import { passwordProblems } from '../../settings/password-policy.js';
import { PasswordHasher } from '../passwords.js';
import { UserCodes } from '../user-codes.store.js';
import { UserStore } from '../users.store.js';
import { User } from '../user.entity.js';
import { notHuman, passwordTooWeak } from '../users.errors.js';
import * as errors from './credentials.errors.js';

/** How the caller proves they may replace the password. */
export type PasswordVerification =
  | { readonly kind: 'currentPassword'; readonly value: string }
  | { readonly kind: 'verificationCode'; readonly value: string }
  /** None: only for callers with user.write on the user's org (an admin setting it). */
  | { readonly kind: 'none' };

export interface NewPassword {
  readonly password: string;
  readonly changeRequired: boolean;
  readonly verification: PasswordVerification;
}

/** Where a reset code goes: back to the caller, or by email/SMS with an optional link template. */
export type ResetDelivery =
  | { readonly kind: 'return' }
  | { readonly kind: 'send'; readonly channel: 'email' | 'sms'; readonly urlTemplate?: string };

/**
 * Passwords of human users: SetPassword and PasswordReset. As ZITADEL, a user may change their
 * own password with proof (current password or a reset code); setting one without proof needs
 * user.write on the user's org.
 */
@Injectable()
export class PasswordsService {
  constructor(
    private readonly tx: Transactions,
    private readonly store: UserStore,
    private readonly codes: UserCodes,
    private readonly hasher: PasswordHasher,
    private readonly policies: Policies,
    private readonly notifier: Notifier,
  ) {}

  /** With `outer`, the change joins that transaction (UpdateUser changing profile and password). */
  async set(caller: Caller, userId: string, input: NewPassword, outer?: EntityManager): Promise<WrittenEvent> {
    if (!input.password) throw errors.newPasswordMissing();
    return this.tx.run(async (tx) => {
      const user = await this.store.load(tx, caller, userId, 'user.write', { lock: true, self: true, secrets: true });
      if (user.type !== 'human') throw notHuman();
      const { verification } = input;
      if (verification.kind === 'none' && !mayWrite(caller, user)) throw errors.passwordNeedsVerification();

      const policy = await this.policies.passwordComplexity(caller.instance.id, user.resourceOwner);
      const problems = passwordProblems(input.password, policy);
      if (problems.length) throw passwordTooWeak('new_password.password', problems);

      if (verification.kind === 'currentPassword') {
        if (!user.passwordHash) throw errors.noPasswordYet();
        if (!(await this.hasher.verify(user.passwordHash, verification.value))) throw errors.wrongCurrentPassword();
        if (verification.value === input.password) throw errors.passwordUnchanged();
      } else if (verification.kind === 'verificationCode') {
        await this.codes.consume(tx, caller, user, 'passwordReset', verification.value, 'verification_code');
      }

      const changes: Partial<User> = {
        passwordHash: await this.hasher.hash(input.password),
        passwordChangeRequired: input.changeRequired,
        passwordChangedAt: new Date(),
      };
      // A user waiting for initialisation is usable once it has a password.
      if (user.state === 'initial') changes.state = 'active';
      await tx.update(User, { instanceId: caller.instance.id, id: user.id }, changes);
      // Any pending reset code is spent: the password it was meant to replace is gone.
      await this.codes.discard(tx, caller.instance.id, user.id, 'passwordReset');
      return this.store.push(tx, caller, user, [
        {
          type: 'user.human.password.changed',
          payload: { changeRequired: input.changeRequired, verifiedBy: verification.kind },
        },
      ]);
    }, outer);
  }

  /** Issues a password reset code (replacing a pending one) and returns or sends it. */
  async requestReset(
    caller: Caller,
    userId: string,
    delivery: ResetDelivery,
  ): Promise<{ event: WrittenEvent; code?: string }> {
    return this.tx.run(async (tx) => {
      const user = await this.store.load(tx, caller, userId, 'user.write', { lock: true, self: true });
      if (user.type !== 'human') throw notHuman();
      // ZITADEL: an initial user gets an invite (init) code, not a reset.
      if (user.state === 'initial') throw errors.notInitialised();
      // A code handed back to the user itself would be a password change without the current
      // password (e.g. for whoever holds a stolen session token): only user managers may.
      if (delivery.kind === 'return') this.store.requireOnOrg(caller, user, 'user.write', errors.resetCodeReturnDenied);
      const { code, expiresAt } = await this.codes.issue(tx, caller.instance.id, user.id, 'passwordReset');
      if (delivery.kind === 'send') {
        const to = delivery.channel === 'sms' ? user.phone : user.email;
        if (!to) throw delivery.channel === 'sms' ? errors.noPhoneForReset() : errors.noEmailForReset();
        await this.notifier.enqueue(tx, caller.instance.id, {
          channel: delivery.channel,
          to,
          template: 'passwordReset',
          userId: user.id,
          orgId: user.resourceOwner,
          data: { code, loginName: user.username, displayName: user.displayName ?? user.username },
          urlTemplate: delivery.urlTemplate,
          origin: caller.origin,
        });
      }
      const event = await this.store.push(tx, caller, user, [
        {
          type: 'user.human.password.code.added',
          payload: {
            expiresAt: expiresAt.toISOString(),
            notificationType: delivery.kind === 'send' ? delivery.channel : null,
            urlTemplate: delivery.kind === 'send' ? (delivery.urlTemplate ?? null) : null,
            codeReturned: delivery.kind === 'return',
          },
        },
      ]);
      return { event, code: delivery.kind === 'return' ? code : undefined };
    });
  }
}

/** Whether the caller holds user.write on the user's org (not merely being the user). */
function mayWrite(caller: Caller, user: Pick<User, 'resourceOwner'>): boolean {
  if (caller.system) return true;
  return (
    !!caller.principal &&
    hasPermission(caller.principal.grants, caller.instance.id, 'user.write', { orgId: user.resourceOwner })
  );
}
