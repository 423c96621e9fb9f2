import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MasterKey } from '../platform/crypto/master-key.js';
import { Transactions } from '../platform/database/transactions.js';
import type { DomainError } from '../platform/errors/domain-error.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { Policies } from '../settings/policies.queries.js';
import { MfaService } from '../users/mfa/mfa.service.js';
import { totpCodeMatches } from '../users/mfa/totp.js';
import { PasswordHasher } from '../users/passwords.js';
import type { LoginUser } from '../users/user-lookups.queries.js';
import { UserStore } from '../users/users.store.js';
import { LockoutCounters } from './lockout.store.js';
import * as errors from './sessions.errors.js';

/**
 * A session's checks of the user's own secrets (password, TOTP) and where OTP codes go, with the
 * lockout counting that failures feed. The user's secrets stay in the users context.
 */
@Injectable()
export class SessionCredentialChecks {
  constructor(
    private readonly tx: Transactions,
    private readonly hasher: PasswordHasher,
    private readonly masterKey: MasterKey,
    private readonly mfa: MfaService,
    private readonly lockout: LockoutCounters,
    private readonly policies: Policies,
    private readonly userStore: UserStore,
  ) {}

  /** One argon2id (or legacy) verification; returns the new hash when the stored one is outdated. */
  async checkPassword(caller: Caller, user: LoginUser, password: string): Promise<string | undefined> {
    if (!user.passwordHash) throw errors.passwordNotSet();
    if (!(await this.hasher.verify(user.passwordHash, password))) {
      throw await this.tx.run((tx) => this.failed(tx, caller, user, 'password'));
    }
    return this.hasher.needsRehash(user.passwordHash) ? this.hasher.hash(password) : undefined;
  }

  async checkTotp(caller: Caller, user: LoginUser, code: string): Promise<void> {
    const sealed = await this.mfa.readyTotpSecret(this.tx.reader, caller.instance.id, user.id);
    if (!sealed) throw errors.totpNotReady();
    if (!totpCodeMatches(this.masterKey.decrypt(sealed), code.trim())) {
      throw await this.tx.run((tx) => this.failed(tx, caller, user, 'totp'));
    }
  }

  /**
   * Counts a failed check (in `tx`, which must commit) and makes its error. The count is told
   * only when the lockout policy shows it and unknown names are not hidden (where a count would
   * tell known from unknown names).
   */
  async failed(
    tx: EntityManager,
    caller: Caller,
    user: LoginUser,
    check: 'password' | 'totp' | 'otpSms' | 'otpEmail',
  ): Promise<DomainError> {
    const result = await this.lockout.recordFailure(tx, caller, user, check);
    // On `tx`: it holds the user's lockout row, and a second pooled connection could deadlock (see LockoutCounters).
    const hidden =
      !result.showFailures ||
      (await this.policies.resolve('login', caller.instance.id, user.resourceOwner, tx)).settings
        .ignoreUnknownUsernames;
    return errors.credentialsInvalid(check, hidden ? undefined : result.failures);
  }

  /** Where an OTP code goes: the user's phone or email, once OTP over that channel is enabled. */
  async otpDestination(
    tx: EntityManager,
    instanceId: string,
    user: LoginUser,
    channel: 'sms' | 'email',
  ): Promise<string> {
    const enabled = await this.mfa.otpEnabled(tx, instanceId, user.id, channel);
    const to = channel === 'sms' ? user.phone : user.email;
    if (!enabled || !to) throw errors.otpNotEnabled(channel);
    return to;
  }

  /** A legacy or outdated hash is replaced by one with the configured argon2id parameters. */
  async storeRehash(tx: EntityManager, caller: Caller, user: LoginUser, hash: string): Promise<void> {
    const replaced = await this.userStore.replacePasswordHash(tx, caller.instance.id, user.id, user.passwordHash, hash);
    // Changed meanwhile (a new password): the newer hash stays.
    if (replaced) await this.userStore.push(tx, caller, user, [{ type: 'user.human.password.hash.updated' }]);
  }
}
