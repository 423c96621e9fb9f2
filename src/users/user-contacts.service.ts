import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Notifier, type NotificationTemplate } from '../notifications/notifier.js';
import { Transactions } from '../platform/database/transactions.js';
import { invalidField } from '../platform/errors/domain-error.js';
import type { WrittenEvent } from '../platform/events/event-store.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { contactVerificationNeedsWrite } from './contact-verification.js';
import { MfaService } from './mfa/mfa.service.js';
import type { CodeKind } from './secret-codes.js';
import { UserCodes } from './user-codes.store.js';
import { User } from './user.entity.js';
import * as errors from './users.errors.js';
import type { Verification } from './users.service.js';
import { UserStore, type UserEventInput } from './users.store.js';

/**
 * The codes sent about a user's contacts, each with the code kind it is kept as, ZITADEL's event
 * and the message. v1's initialization code (AddHuman's init code) is kept as an invite code: the
 * hosted login's invite page redeems both, but it is announced and worded as ZITADEL's InitCode.
 */
const CODE_NOTICES = {
  email: { kind: 'email', event: 'user.human.email.code.added', template: 'verifyEmail' },
  phone: { kind: 'phone', event: 'user.human.phone.code.added', template: 'verifyPhone' },
  invite: { kind: 'invite', event: 'user.human.invite.code.added', template: 'inviteCode' },
  initialization: { kind: 'invite', event: 'user.human.initialization.code.added', template: 'initCode' },
} as const satisfies Record<string, { kind: CodeKind; event: string; template: NotificationTemplate }>;

export type CodeNotice = keyof typeof CODE_NOTICES;

/**
 * A user's email address and phone number: changing them with their codes (returned, or queued
 * for delivery with the change), and the phone commands of user.v2.
 */
@Injectable()
export class UserContacts {
  constructor(
    private readonly tx: Transactions,
    private readonly store: UserStore,
    private readonly codes: UserCodes,
    private readonly notifier: Notifier,
    private readonly mfa: MfaService,
  ) {}

  /** SetEmail / UpdateHumanEmail: a new address, verified at once or pending with its code. */
  setEmail(caller: Caller, userId: string, email: string, verification: Verification) {
    return this.set(caller, userId, 'email', email, verification);
  }

  /** SetPhone / UpdateHumanPhone: a new number, verified at once or pending with its code. */
  setPhone(caller: Caller, userId: string, phone: string, verification: Verification) {
    return this.set(caller, userId, 'phone', phone, verification);
  }

  private set(
    caller: Caller,
    userId: string,
    kind: 'email' | 'phone',
    value: string,
    verification: Verification,
  ): Promise<{ event: WrittenEvent; code?: string }> {
    return this.tx.run(async (tx) => {
      const user = await this.store.loadHuman(tx, caller, userId);
      const events: UserEventInput[] = [];
      const updates: Partial<User> = {};
      const code = await this.changeContact(tx, caller, user, kind, value, verification, updates, events, true);
      await tx.update(User, { instanceId: caller.instance.id, id: user.id }, updates);
      return { event: await this.store.push(tx, caller, user, events), code };
    });
  }

  async removePhone(caller: Caller, userId: string): Promise<WrittenEvent> {
    return this.tx.run(async (tx) => {
      const user = await this.store.loadHuman(tx, caller, userId);
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
      const user = await this.store.loadHuman(tx, caller, userId);
      this.requireContactProof(caller, user, 'phone', verification);
      if (!user.phone) throw errors.noPhone();
      if (user.phoneVerified) throw errors.phoneAlreadyVerified();
      if (!(await this.codes.pending(tx, caller.instance.id, user.id, 'phone'))) throw errors.noPhoneCode();
      return this.issueCodeAlone(tx, caller, user, 'phone', verification);
    });
  }

  async verifyPhone(caller: Caller, userId: string, code: string): Promise<WrittenEvent> {
    return this.tx.run(async (tx) => {
      const user = await this.store.loadHuman(tx, caller, userId);
      if (!user.phone) throw errors.noPhone();
      if (user.phoneVerified) throw errors.phoneAlreadyVerified();
      await this.codes.consume(tx, caller, user, 'phone', code, 'verification_code');
      await tx.update(User, { instanceId: caller.instance.id, id: user.id }, { phoneVerified: true });
      return this.store.push(tx, caller, user, [{ type: 'user.human.phone.verified', payload: { phone: user.phone } }]);
    });
  }

  changeEmail(
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

  changePhone(
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
  async changeContact(
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
  requireContactProof(
    caller: Caller,
    user: Pick<User, 'resourceOwner'>,
    contact: 'email' | 'phone',
    verification: Verification,
  ): void {
    if (contactVerificationNeedsWrite(verification))
      this.store.requireOnOrg(caller, user, 'user.write', () => errors.contactProofDenied(contact));
  }

  /** A new code of `notice` alone (returned or queued for delivery), written as the user's one event. */
  async issueCodeAlone(
    tx: EntityManager,
    caller: Caller,
    user: User,
    notice: CodeNotice,
    verification: Verification,
  ): Promise<{ event: WrittenEvent; code?: string }> {
    const events: UserEventInput[] = [];
    const code = await this.issueCode(tx, caller, user, notice, verification, events);
    return { event: await this.store.push(tx, caller, user, events), code };
  }

  /** A new code for the notice: returned to the caller, or queued for delivery with the change. */
  async issueCode(
    tx: EntityManager,
    caller: Caller,
    user: Pick<User, 'id' | 'resourceOwner' | 'email' | 'phone' | 'username' | 'displayName'>,
    notice: CodeNotice,
    verification: Verification,
    events: UserEventInput[],
  ): Promise<string | undefined> {
    const { kind, event, template } = CODE_NOTICES[notice];
    const returned = verification.kind === 'return';
    const { code } = await this.codes.issue(tx, caller.instance.id, user.id, kind, { returned });
    events.push({ type: event, payload: { returned } });
    if (returned) return code;
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
