import { Injectable } from '@nestjs/common';
import type { JsonObject } from '@bufbuild/protobuf';
import type { EntityManager } from 'typeorm';
import { IntentsService } from '../idps/intents.service.js';
import { IdpLinkQueries } from '../idps/links.queries.js';
import { Notifier, type OutboundNotification } from '../notifications/notifier.js';
import { urlTemplateProblems } from '../notifications/templates.js';
import { hasPermission } from '../platform/authz/permissions.js';
import { hashToken, randomToken, sameTokenHash } from '../platform/crypto/master-key.js';
import { rowOf } from '../platform/database/entity-row.js';
import { Transactions } from '../platform/database/transactions.js';
import { invalidField, type DomainError } from '../platform/errors/domain-error.js';
import { EventStore, type EventInput, type WrittenEvent } from '../platform/events/event-store.js';
import { IdGenerator } from '../platform/ids/id-generator.js';
import { creatorOf, type Caller } from '../platform/rpc/call-context.js';
import type { ChangeInfo } from '../platform/rpc/proto-mapping.js';
import { Policies } from '../settings/policies.queries.js';
import { PasswordHasher } from '../users/passwords.js';
import { UserLookups, type LoginUser } from '../users/user-lookups.queries.js';
import { CODE_SPECS } from '../users/secret-codes.js';
import { UserCodes } from '../users/user-codes.store.js';
import { SessionCredentialChecks } from './session-credential-checks.service.js';
import { codeSpent } from '../users/users.errors.js';
import { LockoutCounters, lockoutResetParams, lockoutResetSql, type CheckKind } from './lockout.store.js';
import { checkSessionAccess, hasSessionPermission } from './session-access.js';
import { SessionWebAuthn, type StoredChallenge } from './session-webauthn.service.js';
import { Session, type UserVerification } from './session.entity.js';
import * as errors from './sessions.errors.js';

export type UserCheck =
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'loginName'; readonly loginName: string };

/** What CreateSession/SetSession ask to verify, in domain terms. */
export interface SessionChecks {
  readonly user?: UserCheck;
  readonly password?: string;
  /** The PublicKeyCredential JSON of navigator.credentials.get(). */
  readonly webAuthn?: JsonObject;
  /** A succeeded sign-in at an upstream provider: its intent and the intent's token. */
  readonly idpIntent?: { readonly id: string; readonly token: string };
  readonly totp?: string;
  readonly otpSms?: string;
  readonly otpEmail?: string;
}

export type OtpEmailDelivery = { readonly kind: 'return' } | { readonly kind: 'send'; readonly urlTemplate?: string };

export interface ChallengeRequests {
  readonly webAuthn?: { readonly domain: string; readonly userVerification: UserVerification };
  readonly otpSms?: { readonly returnCode: boolean };
  readonly otpEmail?: OtpEmailDelivery;
}

/** The OTP challenges whose code is to be returned to the caller rather than sent, by field. */
export function returnedOtpChallenges(challenges: ChallengeRequests): string[] {
  return [
    ...(challenges.otpSms?.returnCode ? ['challenges.otp_sms.return_code'] : []),
    ...(challenges.otpEmail?.kind === 'return' ? ['challenges.otp_email.return_code'] : []),
  ];
}

/** What the client says about the end user's agent (CreateSession only). */
export interface UserAgentInput {
  readonly fingerprintId?: string;
  readonly ip?: string;
  readonly description?: string;
  readonly header: Readonly<Record<string, readonly string[]>>;
}

export interface SessionChange {
  readonly checks: SessionChecks;
  /** Set a key with a value; an empty value removes the key. */
  readonly metadata: Readonly<Record<string, Uint8Array>>;
  readonly challenges: ChallengeRequests;
  /** The session expires this long after this change. */
  readonly lifetimeMs?: number;
}

export interface ChallengesIssued {
  readonly webAuthn?: JsonObject;
  /** Codes asked to be returned instead of sent. */
  readonly otpSms?: string;
  readonly otpEmail?: string;
}

export interface SessionWritten {
  readonly id: string;
  /** The session's new token; the one before it stops working. */
  readonly token: string;
  readonly details: ChangeInfo;
  readonly challenges: ChallengesIssued;
}

/** A session row as commands need it, secrets included. */
interface SessionRow {
  readonly tokenHash: string;
  readonly creator: string;
  readonly userId: string | null;
  readonly userResourceOwner: string | null;
  readonly expiresAt: Date | null;
  readonly metadata: Record<string, string>;
  readonly webAuthnChallenge: StoredChallenge | undefined;
}

type OtpChannel = 'sms' | 'email';
type SessionEvent = { readonly type: string; readonly payload?: Record<string, unknown> };
type Columns = Partial<Omit<Session, 'instanceId' | 'id'>>;

/** The OTP channels; their pending codes are the user's one-time codes of that kind, bound to the session's id. */
const OTP = {
  sms: {
    check: 'otpSms',
    kind: 'otpSms',
    field: 'checks.otp_sms.code',
    event: 'session.otp.sms',
    checkedAt: 'otpSmsCheckedAt',
  },
  email: {
    check: 'otpEmail',
    kind: 'otpEmail',
    field: 'checks.otp_email.code',
    event: 'session.otp.email',
    checkedAt: 'otpEmailCheckedAt',
  },
} as const;

const NO_WEBAUTHN_CHALLENGE: Columns = {
  webAuthnChallenge: null,
  webAuthnRpId: null,
  webAuthnUserVerification: null,
  webAuthnChallengeExpiresAt: null,
};

/** What one change accumulates: the session's new columns, its events, the checks that passed. */
class Draft {
  readonly columns: Columns = {};
  readonly events: SessionEvent[] = [];
  readonly succeeded = new Set<CheckKind>();

  record(type: string, columns: Columns = {}, payload?: Record<string, unknown>, check?: CheckKind): void {
    Object.assign(this.columns, columns);
    this.events.push(payload ? { type, payload } : { type });
    if (check) this.succeeded.add(check);
  }
}

/** The first request field that needs the session to have a user, if any. */
function fieldNeedingUser(checks: SessionChecks, challenges: ChallengeRequests): string | undefined {
  if (checks.password !== undefined) return 'checks.password';
  if (checks.webAuthn) return 'checks.web_auth_n';
  if (checks.idpIntent) return 'checks.idp_intent';
  if (checks.totp !== undefined) return 'checks.totp';
  if (checks.otpSms !== undefined) return 'checks.otp_sms';
  if (checks.otpEmail !== undefined) return 'checks.otp_email';
  if (challenges.webAuthn) return 'challenges.web_auth_n';
  if (challenges.otpSms) return 'challenges.otp_sms';
  if (challenges.otpEmail) return 'challenges.otp_email';
  return undefined;
}

/** A change's events, in order, on the session's aggregate. */
function sessionEvents(instanceId: string, sessionId: string, draft: Draft): EventInput[] {
  return draft.events.map((e) => ({
    aggregateType: 'session',
    aggregateId: sessionId,
    resourceOwner: instanceId,
    ...e,
  }));
}

/**
 * Whether each check writes beside the session and its events once the checks outside any
 * transaction (password, TOTP) have run: a WebAuthn key's counter, an IdP intent used up, an
 * OTP code's tries. Every key is listed, so a new check has to say.
 */
const CHECK_WRITES: { readonly [K in keyof Required<SessionChecks>]: boolean } = {
  user: false,
  password: false,
  totp: false,
  webAuthn: true,
  idpIntent: true,
  otpSms: true,
  otpEmail: true,
};

/**
 * Whether a new session's checks and challenges write anything beside its row and events (or
 * read what such a write needs), so that the change needs a transaction. Every challenge counts,
 * including ones added later.
 */
export function writesBesideSession(checks: SessionChecks, challenges: ChallengeRequests): boolean {
  const checked = (Object.keys(checks) as (keyof SessionChecks)[]).filter((k) => checks[k] !== undefined);
  const challenged = (Object.keys(challenges) as (keyof ChallengeRequests)[]).filter(
    (k) => challenges[k] !== undefined,
  );
  return checked.some((k) => CHECK_WRITES[k] !== false) || challenged.length > 0;
}

/**
 * ZITADEL's metadata rule: a value sets its key, an empty value removes it. Returns the new
 * metadata (values base64) and the keys that changed.
 */
export function mergeMetadata(
  current: Readonly<Record<string, string>>,
  changes: Readonly<Record<string, Uint8Array>>,
): { metadata: Record<string, string>; changed: string[] } {
  const metadata = { ...current };
  const changed: string[] = [];
  for (const [key, value] of Object.entries(changes)) {
    if (value.length) {
      const encoded = Buffer.from(value).toString('base64');
      if (metadata[key] !== encoded) {
        metadata[key] = encoded;
        changed.push(key);
      }
    } else if (key in metadata) {
      delete metadata[key];
      changed.push(key);
    }
  }
  return { metadata, changed };
}

/**
 * Commands of the v2 session API: CreateSession, SetSession, DeleteSession. A change runs its
 * checks (user, password, WebAuthn, IdP intent, TOTP, OTP SMS/email), then its challenges, and writes the
 * session, a new token and the session's events in one transaction (a new session with nothing
 * else to write: in one statement). A failed password or code
 * check writes only the lockout count (and the lock it may cause), then fails the request.
 */
@Injectable()
export class SessionsService {
  private dummyHash?: Promise<string>;

  constructor(
    private readonly tx: Transactions,
    private readonly ids: IdGenerator,
    private readonly events: EventStore,
    private readonly users: UserLookups,
    private readonly lockout: LockoutCounters,
    private readonly hasher: PasswordHasher,
    private readonly webAuthn: SessionWebAuthn,
    private readonly notifier: Notifier,
    private readonly policies: Policies,
    private readonly codes: UserCodes,
    private readonly credentials: SessionCredentialChecks,
    private readonly intents: IntentsService,
    private readonly idpLinks: IdpLinkQueries,
  ) {}

  /** CreateSession: needs session.write (on the checked user's org, once the user is known). */
  create(caller: Caller, change: SessionChange, userAgent?: UserAgentInput): Promise<SessionWritten> {
    const principal = caller.principal;
    if (!caller.system && !(principal && hasPermission(principal.grants, caller.instance.id, 'session.write'))) {
      throw errors.sessionWriteDenied('session.write');
    }
    return this.write(caller, undefined, undefined, change, userAgent);
  }

  /** SetSession: with the session's current token, or as its user, or with session.write. */
  set(caller: Caller, sessionId: string, token: string | undefined, change: SessionChange): Promise<SessionWritten> {
    return this.write(caller, sessionId, token, change);
  }

  /** DeleteSession: with the session's current token, or as its user, or with session.delete. */
  delete(caller: Caller, sessionId: string, token: string | undefined): Promise<ChangeInfo> {
    const instanceId = caller.instance.id;
    return this.tx.run(async (tx) => {
      const row = await this.load(tx, instanceId, sessionId, true);
      checkSessionAccess(caller, row, token, 'delete');
      await tx.delete(Session, { instanceId, id: sessionId });
      for (const { kind } of Object.values(OTP))
        if (row!.userId) await this.codes.discard(tx, instanceId, row!.userId, kind, sessionId);
      const [event] = await this.events.push(tx, instanceId, creatorOf(caller), [
        { aggregateType: 'session', aggregateId: sessionId, resourceOwner: instanceId, type: 'session.terminated' },
      ]);
      return { sequence: event.sequence, changeDate: event.createdAt, resourceOwner: instanceId };
    });
  }

  private async write(
    caller: Caller,
    sessionId: string | undefined,
    token: string | undefined,
    change: SessionChange,
    userAgent?: UserAgentInput,
  ): Promise<SessionWritten> {
    const { checks, challenges } = change;
    const instanceId = caller.instance.id;
    for (const key of Object.keys(change.metadata))
      if (!key.trim()) throw errors.metadataKeyBlank(`metadata[${JSON.stringify(key)}]`);
    if (challenges.otpEmail?.kind === 'send' && challenges.otpEmail.urlTemplate) {
      const problems = urlTemplateProblems(challenges.otpEmail.urlTemplate);
      if (problems.length)
        throw invalidField('SESSION-url7p', 'challenges.otp_email.send_code.url_template', problems.join('; '));
    }

    // 1. The session being changed, and whether the caller may change it.
    const current = sessionId ? await this.load(this.tx.reader, instanceId, sessionId, false) : undefined;
    if (sessionId) {
      checkSessionAccess(caller, current, token, 'write');
      if (current!.expiresAt && current!.expiresAt.getTime() <= Date.now()) throw errors.sessionExpired();
    }

    // 2. Its user: the one checked now, or the one checked before.
    let user: LoginUser | undefined;
    if (checks.user) {
      user = await this.resolveUser(caller, checks.user, checks.password, current?.userId ?? undefined);
      if (current?.userId && current.userId !== user.id) throw errors.userChangeNotPossible();
    } else if (current?.userId) {
      user = await this.users.forLogin(this.tx.reader, instanceId, { id: current.userId });
    }
    const needsUser = fieldNeedingUser(checks, challenges);
    if (needsUser && !user) throw errors.userMissing(needsUser);
    if (user && (checks.user || needsUser)) {
      if (user.state === 'locked') throw errors.userLocked();
      if (user.state === 'inactive' || !user.orgActive) throw errors.userNotActive();
    }
    // A code handed back proves no phone or mailbox, so the session's user (or whoever holds
    // its token) must not get it: only login clients, which send it on themselves, may.
    const returned = returnedOtpChallenges(challenges)[0];
    if (returned && !hasSessionPermission(caller, 'session.write', user?.resourceOwner ?? null))
      throw errors.otpReturnDenied(returned);

    // 3. The checks that need no lock, outside any transaction: argon2id takes its time.
    let rehashed: string | undefined;
    if (checks.password !== undefined) rehashed = await this.credentials.checkPassword(caller, user!, checks.password);
    if (checks.totp !== undefined) await this.credentials.checkTotp(caller, user!, checks.totp);

    // 4. Everything else written together: a new session whose checks and challenges write
    // nothing beside it in one statement (atomic on its own), any other change in one
    // transaction, under the session's row lock when it changes one.
    const work = async (db: EntityManager): Promise<SessionWritten | { failed: DomainError }> => {
      const now = new Date();
      const locked = sessionId ? await this.load(db, instanceId, sessionId, true) : undefined;
      if (sessionId) {
        if (!locked) throw errors.sessionNotFound();
        if (token && !sameTokenHash(locked.tokenHash, token)) throw errors.sessionTokenInvalid();
      }
      const id = sessionId ?? this.ids.next();
      const draft = new Draft();
      if (!sessionId) {
        const agent = userAgent && {
          fingerprintID: userAgent.fingerprintId,
          ip: userAgent.ip,
          description: userAgent.description,
        };
        draft.record('session.added', {}, { userAgent: agent });
      }
      if (checks.user) {
        draft.record(
          'session.user.checked',
          { userId: user!.id, userResourceOwner: user!.resourceOwner, userCheckedAt: now },
          { userID: user!.id, userResourceOwner: user!.resourceOwner },
        );
      }
      if (checks.password !== undefined)
        draft.record('session.password.checked', { passwordCheckedAt: now }, undefined, 'password');
      const assertion =
        checks.webAuthn &&
        (await this.webAuthn.verify(db, instanceId, user!.id, locked?.webAuthnChallenge, checks.webAuthn));
      if (assertion) {
        draft.record(
          'session.webAuthN.checked',
          { webAuthnCheckedAt: now, webAuthnUserVerified: assertion.userVerified, ...NO_WEBAUTHN_CHALLENGE },
          { userVerified: assertion.userVerified, webAuthNTokenId: assertion.tokenId },
        );
      }
      if (checks.idpIntent) {
        await this.checkIntent(db, instanceId, user!, checks.idpIntent);
        draft.record('session.intent.checked', { intentCheckedAt: now });
      }
      if (checks.totp !== undefined) draft.record('session.totp.checked', { totpCheckedAt: now }, undefined, 'otp');
      for (const channel of ['sms', 'email'] as const) {
        const code = channel === 'sms' ? checks.otpSms : checks.otpEmail;
        const failed =
          code === undefined ? undefined : await this.checkOtp(db, caller, sessionId, user!, channel, code, draft, now);
        if (failed) return { failed };
      }

      const { metadata, changed } = mergeMetadata(locked?.metadata ?? {}, change.metadata);
      if (changed.length) draft.record('session.metadata.set', { metadata }, { keys: changed });
      if (change.lifetimeMs) {
        draft.record(
          'session.lifetime.set',
          { expiresAt: new Date(now.getTime() + change.lifetimeMs) },
          { lifetime: `${change.lifetimeMs / 1000}s` },
        );
      }
      // Challenges come after the checks, so one request can check a user and challenge them.
      const { issued, notifications } = await this.challenge(db, instanceId, id, user, challenges, draft, now);

      // Every change gets a new token; the previous one stops working with this commit.
      const newToken = randomToken(32);
      draft.record('session.token.set', { tokenHash: hashToken(newToken) });

      let last: WrittenEvent;
      if (sessionId) {
        const written = await this.events.push(db, instanceId, creatorOf(caller), sessionEvents(instanceId, id, draft));
        last = written[written.length - 1];
        await db.update(
          Session,
          { instanceId, id },
          { ...draft.columns, changedAt: last.createdAt, sequence: last.sequence.toString() },
        );
        if (draft.succeeded.size) await this.lockout.reset(db, instanceId, user!.id, draft.succeeded);
      } else {
        last = await this.insert(db, caller, id, user, draft, now, userAgent);
      }

      if (assertion) await this.webAuthn.storeCounter(db, instanceId, user!.id, assertion);
      if (rehashed) await this.credentials.storeRehash(db, caller, user!, rehashed);
      // Queued in this transaction: no channel configured refuses the whole request.
      for (const notification of notifications) await this.notifier.enqueue(db, instanceId, notification);

      return {
        id,
        token: newToken,
        details: {
          sequence: last.sequence,
          changeDate: last.createdAt,
          resourceOwner: instanceId,
          creationDate: sessionId ? undefined : now,
        },
        challenges: issued,
      };
    };
    const outcome =
      sessionId !== undefined || rehashed !== undefined || writesBesideSession(checks, challenges)
        ? await this.tx.run(work)
        : await work(this.tx.reader);
    if ('failed' in outcome) throw outcome.failed;
    return outcome;
  }

  /**
   * A new session's row and its events in one statement, with the lockout reset its succeeded
   * checks earn: atomic without a transaction. The id is new, so no other writer can number its
   * events (see `EventStore.insertWithFirstEvents`).
   */
  private async insert(
    db: EntityManager,
    caller: Caller,
    id: string,
    user: LoginUser | undefined,
    draft: Draft,
    now: Date,
    userAgent: UserAgentInput | undefined,
  ): Promise<WrittenEvent> {
    const instanceId = caller.instance.id;
    const row = Object.assign(new Session(), {
      instanceId,
      id,
      creator: creatorOf(caller),
      metadata: {},
      webAuthnUserVerified: false,
      userAgentFingerprintId: userAgent?.fingerprintId ?? null,
      userAgentIp: userAgent?.ip ?? null,
      userAgentDescription: userAgent?.description ?? null,
      userAgentHeader:
        userAgent && Object.keys(userAgent.header).length ? (userAgent.header as Record<string, string[]>) : null,
      ...draft.columns,
      createdAt: now,
    });
    const { columns, values } = rowOf(db, row, ['sequence', 'changedAt']);
    const resets = user && draft.succeeded.size ? lockoutResetParams(instanceId, user.id, draft.succeeded) : [];
    const { written } = await this.events.insertWithFirstEvents(
      db,
      {
        sql: `INSERT INTO sessions (${columns.join(', ')}, sequence, changed_at)
          SELECT ${values.map((_, i) => `$${i + 1}`).join(', ')}, prior.n + ${draft.events.length}, prior.at FROM prior
          RETURNING true AS inserted`,
        params: [...values, ...resets],
        with: resets.length ? `lockout_reset AS (${lockoutResetSql(values.length + 1)})` : undefined,
      },
      instanceId,
      creatorOf(caller),
      sessionEvents(instanceId, id, draft),
    );
    // The insert has no condition: a clash on the new id fails the statement instead.
    if (!written) throw new Error(`session ${id} was not inserted`);
    return written;
  }

  /**
   * ZITADEL's CheckIntent: the intent's token, a succeeded and unexpired intent (used up here, in
   * the session's transaction, so it signs in once), and the session's user as the intent's user:
   * the one it was linked to when it succeeded, else the one linked to its upstream identity now.
   */
  private async checkIntent(
    tx: EntityManager,
    instanceId: string,
    user: LoginUser,
    intent: { readonly id: string; readonly token: string },
  ): Promise<void> {
    const consumed = await this.intents.consumeForSession(tx, instanceId, intent.id, intent.token);
    const linked =
      consumed.userId ?? (await this.idpLinks.userFor(tx, instanceId, consumed.idpId, consumed.externalUserId));
    if (linked !== user.id) throw errors.intentOtherUser();
  }

  /**
   * An OTP SMS/email check against the session's pending code (the one-time code mechanism of
   * every code kind: used up when right, five wrong tries spend it). A wrong code returns the
   * error to fail with once `tx` has committed the counts.
   */
  private async checkOtp(
    tx: EntityManager,
    caller: Caller,
    sessionId: string | undefined,
    user: LoginUser,
    channel: OtpChannel,
    code: string,
    draft: Draft,
    now: Date,
  ): Promise<DomainError | undefined> {
    const otp = OTP[channel];
    if (!sessionId) throw errors.otpNotChallenged(channel);
    const verdict = await this.codes.attempt(tx, caller, user, otp.kind, code.trim(), sessionId);
    switch (verdict.kind) {
      case 'none':
        throw errors.otpNotChallenged(channel);
      case 'expired':
        throw errors.otpCodeExpired(otp.field);
      case 'spent':
        throw codeSpent(otp.field);
      case 'wrong':
        return this.credentials.failed(tx, caller, user, otp.check);
      case 'right':
        draft.record(`${otp.event}.checked`, { [otp.checkedAt]: now }, undefined, 'otp');
        return undefined;
    }
  }

  /** The WebAuthn and OTP challenges asked for: what to answer, and the OTP codes to send. */
  private async challenge(
    tx: EntityManager,
    instanceId: string,
    sessionId: string,
    user: LoginUser | undefined,
    challenges: ChallengeRequests,
    draft: Draft,
    now: Date,
  ): Promise<{ issued: ChallengesIssued; notifications: OutboundNotification[] }> {
    const issued: { webAuthn?: JsonObject; otpSms?: string; otpEmail?: string } = {};
    const notifications: OutboundNotification[] = [];
    if (challenges.webAuthn) {
      const { options, stored } = await this.webAuthn.challenge(tx, instanceId, user!.id, challenges.webAuthn);
      draft.record(
        'session.webAuthN.challenged',
        {
          webAuthnChallenge: stored.challenge,
          webAuthnRpId: stored.rpId,
          webAuthnUserVerification: stored.userVerification,
          webAuthnChallengeExpiresAt: stored.expiresAt,
        },
        { rpid: stored.rpId, userVerification: stored.userVerification },
      );
      issued.webAuthn = options;
    }
    for (const channel of ['sms', 'email'] as const) {
      const request = channel === 'sms' ? challenges.otpSms : challenges.otpEmail;
      if (!request) continue;
      const to = await this.credentials.otpDestination(tx, instanceId, user!, channel);
      const otp = OTP[channel];
      const returned = 'returnCode' in request ? request.returnCode : request.kind === 'return';
      const { code } = await this.codes.issue(tx, instanceId, user!.id, otp.kind, { id: sessionId, now, returned });
      const urlTemplate = 'kind' in request && request.kind === 'send' ? request.urlTemplate : undefined;
      draft.record(
        `${otp.event}.challenged`,
        {},
        { expiry: `${CODE_SPECS[otp.kind].expiryMs / 1000}s`, returnCode: returned, urlTemplate },
      );
      if (returned) issued[channel === 'sms' ? 'otpSms' : 'otpEmail'] = code;
      else {
        notifications.push({
          channel,
          to,
          template: 'otp',
          userId: user!.id,
          orgId: user!.resourceOwner,
          data: {
            code,
            loginName: user!.preferredLoginName,
            displayName: user!.displayName,
            preferredLanguage: user!.preferredLanguage ?? '',
            sessionId,
          },
          urlTemplate,
        });
      }
    }
    return { issued, notifications };
  }

  /**
   * The user a check names. One the caller may not create sessions for answers like an unknown
   * one; with `ignoreUnknownUsernames`, an unknown login name with a password answers exactly like
   * a wrong password (after as long a hash verification), so names cannot be probed.
   */
  private async resolveUser(
    caller: Caller,
    check: UserCheck,
    password: string | undefined,
    sessionUserId: string | undefined,
  ): Promise<LoginUser> {
    const instanceId = caller.instance.id;
    const db = this.tx.reader;
    const found = await this.users.forLogin(
      db,
      instanceId,
      check.kind === 'id' ? { id: check.id } : { loginName: check.loginName },
    );
    const allowed =
      found &&
      (found.id === sessionUserId ||
        found.id === caller.principal?.userId ||
        hasSessionPermission(caller, 'session.write', found.resourceOwner));
    if (found && allowed) return found;
    if (check.kind === 'loginName' && password !== undefined) {
      const settings = await this.policies.loginSettings(instanceId, caller.instance.defaultOrgId ?? '');
      if (settings.ignoreUnknownUsernames) {
        this.dummyHash ??= this.hasher.hash(randomToken(16));
        await this.hasher.verify(await this.dummyHash, password);
        throw errors.credentialsInvalid('password', undefined);
      }
    }
    throw errors.userNotFound();
  }

  private async load(
    db: EntityManager,
    instanceId: string,
    sessionId: string,
    lock: boolean,
  ): Promise<SessionRow | undefined> {
    const rows: Record<string, any>[] = await db.query(
      `SELECT token_hash, creator, user_id, user_resource_owner, expires_at, metadata,
              webauthn_challenge, webauthn_rp_id, webauthn_user_verification, webauthn_challenge_expires_at
         FROM sessions WHERE instance_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
      [instanceId, sessionId],
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      tokenHash: r.token_hash,
      creator: r.creator,
      userId: r.user_id,
      userResourceOwner: r.user_resource_owner,
      expiresAt: r.expires_at,
      metadata: r.metadata ?? {},
      webAuthnChallenge: r.webauthn_challenge
        ? {
            challenge: r.webauthn_challenge,
            rpId: r.webauthn_rp_id,
            userVerification: r.webauthn_user_verification,
            expiresAt: r.webauthn_challenge_expires_at,
          }
        : undefined,
    };
  }
}
