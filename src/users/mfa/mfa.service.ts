import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MasterKey } from '../../platform/crypto/master-key.js';
import { Transactions } from '../../platform/database/transactions.js';
import type { WrittenEvent } from '../../platform/events/event-store.js';
import type { Caller } from '../../platform/rpc/call-context.js';
import { User } from '../user.entity.js';
import { UserStore } from '../users.store.js';
import { AccountNames } from './account-names.js';
import { UserOtpChannel, UserTotp, UserWebAuthnCredential, type FactorState, type OtpChannel } from './mfa.entity.js';
import {
  notHuman,
  otpAlreadyAdded,
  otpContactNotVerified,
  otpNotAdded,
  totpAlreadyReady,
  totpAlreadyVerified,
  totpCodeInvalid,
  totpNotFound,
  totpSecretInvalid,
} from './mfa.errors.js';
import { canonicalTotpSecret, newTotpKey, totpCodeMatches } from './totp.js';

/** ZITADEL's authentication method types, in the order of zitadel.user.v2.AuthenticationMethodType. */
export type AuthMethodType = 'password' | 'passkey' | 'idp' | 'totp' | 'u2f' | 'otpSms' | 'otpEmail';
export type AuthFactorKind = 'totp' | 'otpSms' | 'otpEmail' | 'u2f';

export interface AuthFactorView {
  readonly kind: AuthFactorKind;
  readonly state: FactorState;
  /** U2F only. */
  readonly id?: string;
  readonly name?: string;
}

/** Restricts ListAuthenticationMethodTypes' passkeys and U2F to one relying party id. */
export interface DomainFilter {
  readonly domain: string;
  /** Also count the methods that are not scoped to a domain (TOTP, OTP SMS/email). */
  readonly includeWithoutDomain: boolean;
}

/**
 * Permissions, as ZITADEL: adding a factor needs user.credential.write on the user's org,
 * removing one user.write, reading user.read; users may always do all of it to themselves.
 */
const ADD = 'user.credential.write';
const REMOVE = 'user.write';
const READ = 'user.read';

function requireHuman(user: User): void {
  if (user.type !== 'human') throw notHuman();
}

const OTP_EVENT: Record<OtpChannel, string> = { sms: 'user.human.otp.sms', email: 'user.human.otp.email' };

/** TOTP, OTP over SMS/email, the lists of a user's methods and factors, skipping MFA set-up. */
@Injectable()
export class MfaService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UserStore,
    private readonly masterKey: MasterKey,
    private readonly accounts: AccountNames,
  ) {}

  /** A new (pending) TOTP seed; a pending one is replaced, a verified one must be removed first. */
  registerTotp(caller: Caller, userId: string): Promise<{ uri: string; secret: string; event: WrittenEvent }> {
    return this.transactions.run(async (tx) => {
      const user = await this.users.load(tx, caller, userId, ADD, { lock: true, self: true });
      requireHuman(user);
      const existing = await tx.findOneBy(UserTotp, { instanceId: caller.instance.id, userId });
      if (existing?.state === 'ready') throw totpAlreadyReady();
      const issuer = caller.instance.name || caller.instance.primaryDomain;
      const key = newTotpKey(issuer, await this.accounts.of(tx, caller.instance.id, user));
      await tx
        .createQueryBuilder()
        .insert()
        .into(UserTotp)
        .values({
          instanceId: caller.instance.id,
          userId,
          secretSealed: this.masterKey.encrypt(key.secret),
          state: 'pending',
          createdAt: new Date(),
          verifiedAt: null,
        })
        .orUpdate(['secret_sealed', 'state', 'created_at', 'verified_at'], ['instance_id', 'user_id'])
        .execute();
      const event = await this.users.push(tx, caller, user, [{ type: 'user.human.otp.added' }]);
      return { ...key, event };
    });
  }

  verifyTotpRegistration(caller: Caller, userId: string, code: string): Promise<WrittenEvent> {
    return this.transactions.run(async (tx) => {
      const user = await this.users.load(tx, caller, userId, ADD, { lock: true, self: true });
      const totp = await tx
        .getRepository(UserTotp)
        .createQueryBuilder('t')
        .addSelect('t.secretSealed')
        .where('t.instance_id = :i AND t.user_id = :u', { i: caller.instance.id, u: userId })
        .getOne();
      if (!totp) throw totpNotFound();
      if (totp.state === 'ready') throw totpAlreadyVerified();
      if (!totpCodeMatches(this.masterKey.decrypt(totp.secretSealed), code.trim())) throw totpCodeInvalid();
      await tx.update(UserTotp, { instanceId: caller.instance.id, userId }, { state: 'ready', verifiedAt: new Date() });
      return this.users.push(tx, caller, user, [{ type: 'user.human.otp.verified' }]);
    });
  }

  removeTotp(caller: Caller, userId: string): Promise<WrittenEvent> {
    return this.transactions.run(async (tx) => {
      const user = await this.users.load(tx, caller, userId, REMOVE, { lock: true, self: true });
      const { affected } = await tx.delete(UserTotp, { instanceId: caller.instance.id, userId });
      if (!affected) throw totpNotFound();
      return this.users.push(tx, caller, user, [{ type: 'user.human.otp.removed' }]);
    });
  }

  /**
   * For AddHumanUser's `totp_secret` (ZITADEL's ImportHumanTOTP): a seed the user already has,
   * verified from the start. Runs in the caller's transaction, after the user exists.
   */
  async importTotp(
    tx: EntityManager,
    caller: Caller,
    user: Pick<User, 'id' | 'resourceOwner'>,
    secret: string,
    field = 'totp_secret',
  ): Promise<void> {
    const secretBase32 = canonicalTotpSecret(secret);
    if (!secretBase32) throw totpSecretInvalid(field);
    const now = new Date();
    await tx.insert(UserTotp, {
      instanceId: caller.instance.id,
      userId: user.id,
      secretSealed: this.masterKey.encrypt(secretBase32),
      state: 'ready',
      createdAt: now,
      verifiedAt: now,
    });
    await this.users.push(tx, caller, user, [{ type: 'user.human.otp.added' }, { type: 'user.human.otp.verified' }]);
  }

  /** A removed phone takes OTP SMS with it (ZITADEL drops the factor on `user.human.phone.removed`). */
  async phoneRemoved(tx: EntityManager, instanceId: string, userId: string): Promise<void> {
    await tx.delete(UserOtpChannel, { instanceId, userId, channel: 'sms' });
  }

  /** OTP over SMS or email: only for a verified phone number or email address. */
  addOtp(caller: Caller, userId: string, channel: OtpChannel): Promise<WrittenEvent> {
    return this.transactions.run(async (tx) => {
      const user = await this.users.load(tx, caller, userId, ADD, { lock: true, self: true });
      requireHuman(user);
      if (await tx.existsBy(UserOtpChannel, { instanceId: caller.instance.id, userId, channel }))
        throw otpAlreadyAdded(channel);
      const verified = channel === 'sms' ? !!user.phone && user.phoneVerified : !!user.email && user.emailVerified;
      if (!verified) throw otpContactNotVerified(channel);
      await tx.insert(UserOtpChannel, { instanceId: caller.instance.id, userId, channel, createdAt: new Date() });
      return this.users.push(tx, caller, user, [{ type: `${OTP_EVENT[channel]}.added` }]);
    });
  }

  removeOtp(caller: Caller, userId: string, channel: OtpChannel): Promise<WrittenEvent> {
    return this.transactions.run(async (tx) => {
      const user = await this.users.load(tx, caller, userId, REMOVE, { lock: true, self: true });
      const { affected } = await tx.delete(UserOtpChannel, { instanceId: caller.instance.id, userId, channel });
      if (!affected) throw otpNotAdded(channel);
      return this.users.push(tx, caller, user, [{ type: `${OTP_EVENT[channel]}.removed` }]);
    });
  }

  /** Whether the user has a ready passkey (a way to sign in without a password). */
  async hasPasskey(db: EntityManager, instanceId: string, userId: string): Promise<boolean> {
    const rows: unknown[] = await db.query(
      `SELECT 1 FROM user_webauthn_credentials WHERE instance_id = $1 AND user_id = $2 AND kind = 'passkey' AND state = 'ready' LIMIT 1`,
      [instanceId, userId],
    );
    return rows.length > 0;
  }

  /** The sealed secret of the user's ready TOTP, for a session's TOTP check. */
  async readyTotpSecret(db: EntityManager, instanceId: string, userId: string): Promise<string | undefined> {
    const [row]: { secret_sealed: string }[] = await db.query(
      `SELECT secret_sealed FROM user_totp WHERE instance_id = $1 AND user_id = $2 AND state = 'ready'`,
      [instanceId, userId],
    );
    return row?.secret_sealed;
  }

  /** Whether OTP over the channel is enabled for the user. */
  async otpEnabled(db: EntityManager, instanceId: string, userId: string, channel: OtpChannel): Promise<boolean> {
    const rows: unknown[] = await db.query(
      'SELECT 1 FROM user_otp_channels WHERE instance_id = $1 AND user_id = $2 AND channel = $3',
      [instanceId, userId, channel],
    );
    return rows.length > 0;
  }

  /** The ready methods a user can sign in with; passkeys and U2F optionally of one RP id only. */
  async listAuthMethodTypes(caller: Caller, userId: string, filter?: DomainFilter): Promise<AuthMethodType[]> {
    const db = this.transactions.reader;
    await this.users.load(db, caller, userId, READ, { self: true });
    const domainless = !filter || filter.includeWithoutDomain;
    const [row]: {
      password: boolean;
      passkey: boolean;
      totp: boolean;
      u2f: boolean;
      otp_sms: boolean;
      otp_email: boolean;
    }[] = await db.query(
      `SELECT u.password_hash IS NOT NULL AS password,
              EXISTS (SELECT 1 FROM user_webauthn_credentials w
                       WHERE w.instance_id = u.instance_id AND w.user_id = u.id AND w.kind = 'passkey' AND w.state = 'ready'
                         AND ($3::text IS NULL OR w.rp_id = $3)) AS passkey,
              EXISTS (SELECT 1 FROM user_totp t
                       WHERE t.instance_id = u.instance_id AND t.user_id = u.id AND t.state = 'ready') AS totp,
              EXISTS (SELECT 1 FROM user_webauthn_credentials w
                       WHERE w.instance_id = u.instance_id AND w.user_id = u.id AND w.kind = 'u2f' AND w.state = 'ready'
                         AND ($3::text IS NULL OR w.rp_id = $3)) AS u2f,
              EXISTS (SELECT 1 FROM user_otp_channels c
                       WHERE c.instance_id = u.instance_id AND c.user_id = u.id AND c.channel = 'sms') AS otp_sms,
              EXISTS (SELECT 1 FROM user_otp_channels c
                       WHERE c.instance_id = u.instance_id AND c.user_id = u.id AND c.channel = 'email') AS otp_email
         FROM users u
        WHERE u.instance_id = $1 AND u.id = $2`,
      [caller.instance.id, userId, filter?.domain || null],
    );
    // TODO(MFA-idp): report 'idp' once users can have IdP links (the IdP issue adds their table).
    const present: Record<AuthMethodType, boolean> = {
      password: row.password,
      passkey: row.passkey,
      idp: false,
      totp: domainless && row.totp,
      u2f: row.u2f,
      otpSms: domainless && row.otp_sms,
      otpEmail: domainless && row.otp_email,
    };
    return (Object.keys(present) as AuthMethodType[]).filter((t) => present[t]);
  }

  /**
   * The second factors (TOTP, U2F, OTP SMS/email) of a user, by default the ready ones only.
   * Removed factors are not kept, so asking for `removed` finds none.
   */
  async listAuthFactors(
    caller: Caller,
    userId: string,
    kinds: ReadonlySet<AuthFactorKind>,
    states: ReadonlySet<FactorState | 'removed'>,
  ): Promise<AuthFactorView[]> {
    const db = this.transactions.reader;
    await this.users.load(db, caller, userId, READ, { self: true });
    const instanceId = caller.instance.id;
    const factors: AuthFactorView[] = [];
    if (kinds.has('totp')) {
      const totp = await db.findOneBy(UserTotp, { instanceId, userId });
      if (totp) factors.push({ kind: 'totp', state: totp.state });
    }
    if (kinds.has('u2f')) {
      const keys = await this.webAuthnOf(db, instanceId, userId, 'u2f');
      factors.push(...keys.map((k) => ({ kind: 'u2f' as const, state: k.state, id: k.id, name: k.name ?? '' })));
    }
    const channels = new Set((await db.findBy(UserOtpChannel, { instanceId, userId })).map((c) => c.channel));
    if (kinds.has('otpSms') && channels.has('sms')) factors.push({ kind: 'otpSms', state: 'ready' });
    if (kinds.has('otpEmail') && channels.has('email')) factors.push({ kind: 'otpEmail', state: 'ready' });
    return factors.filter((f) => states.has(f.state));
  }

  /** The user chose not to set up a second factor now (the login asks again later). */
  skipMfaInit(caller: Caller, userId: string): Promise<WrittenEvent> {
    return this.transactions.run(async (tx) => {
      const user = await this.users.load(tx, caller, userId, REMOVE, { lock: true, self: true });
      requireHuman(user);
      await tx.update(User, { instanceId: caller.instance.id, id: userId }, { mfaInitSkippedAt: new Date() });
      return this.users.push(tx, caller, user, [{ type: 'user.human.mfa.init.skipped' }]);
    });
  }

  /** Ready credentials and still-valid pending registrations (expired ones are as good as gone). */
  private webAuthnOf(
    db: EntityManager,
    instanceId: string,
    userId: string,
    kind: 'passkey' | 'u2f',
  ): Promise<UserWebAuthnCredential[]> {
    return db
      .getRepository(UserWebAuthnCredential)
      .createQueryBuilder('w')
      .where('w.instance_id = :instanceId AND w.user_id = :userId AND w.kind = :kind', { instanceId, userId, kind })
      .andWhere(`(w.state = 'ready' OR w.challenge_expires_at > now())`)
      .orderBy('w.created_at')
      .addOrderBy('w.id')
      .getMany();
  }
}
