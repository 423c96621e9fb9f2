import { Injectable } from '@nestjs/common';
import type { JsonObject } from '@bufbuild/protobuf';
import type { AuthenticatorSelectionCriteria } from '@simplewebauthn/server';
import type { EntityManager } from 'typeorm';
import { Notifier } from '../../notifications/notifier.js';
import { loginPageLink } from '../../notifications/login-links.js';
import { urlTemplateProblems } from '../../notifications/templates.js';
import { loginBaseUrl } from '../../platform/config/login-ui-url.js';
import { simpleWebAuthn } from '../../platform/modules/lazy-module.js';
import { Config } from '../../platform/config/config.js';
import { isUniqueViolation, underSavepoint } from '../../platform/database/pg-errors.js';
import { Transactions } from '../../platform/database/transactions.js';
import type { WrittenEvent } from '../../platform/events/event-store.js';
import { IdGenerator } from '../../platform/ids/id-generator.js';
import type { Caller } from '../../platform/rpc/call-context.js';
import { InstanceDomain } from '../../platform/tenancy/instance.entity.js';
import { User } from '../user.entity.js';
import { UserCodes } from '../user-codes.store.js';
import { UserStore, type UserEventInput } from '../users.store.js';
import { userNotFound } from '../users.errors.js';
import { AccountNames } from './account-names.js';
import { clientDataOrigin, registrationResponseOf } from './credential-json.js';
import { UserWebAuthnCredential, type WebAuthnKind } from './mfa.entity.js';
import {
  noEmailForLink,
  urlTemplateInvalid,
  notHuman,
  relyingPartyInvalid,
  webAuthnAlreadyVerified,
  webAuthnChallengeExpired,
  webAuthnCredentialInvalid,
  webAuthnCredentialTaken,
  webAuthnNotFound,
} from './mfa.errors.js';
import { originAllowed, relyingPartyId } from './relying-party.js';

/** How long the browser may take, and so how long the stored challenge is valid. */
const CEREMONY_TIMEOUT_MS = 5 * 60 * 1000;
/** COSE algorithms offered and accepted: EdDSA, ES256, RS256 (WebAuthn's recommended set). */
const ALGORITHMS = [-8, -7, -257];

const ADD = 'user.credential.write';
const REMOVE = 'user.write';
const READ = 'user.read';
const LINK = 'user.passkey.write';

/** Passkeys sign in alone, so they must verify the user and be discoverable; U2F keys are a second factor. */
const SELECTION: Record<WebAuthnKind, AuthenticatorSelectionCriteria> = {
  passkey: { userVerification: 'required', residentKey: 'required', requireResidentKey: true },
  u2f: { userVerification: 'discouraged', residentKey: 'discouraged', requireResidentKey: false },
};

/** ZITADEL's event names: passkeys are its "passwordless" tokens. */
const EVENT_PREFIX: Record<WebAuthnKind, string> = {
  passkey: 'user.human.passwordless.token',
  u2f: 'user.human.u2f.token',
};
const LABEL: Record<WebAuthnKind, string> = { passkey: 'passkey', u2f: 'U2F token' };

export interface RegistrationRequest {
  /** The RP id asked for (`domain`), else the host the request came to. */
  readonly domain?: string;
  readonly requestHost: string;
  readonly attachment?: 'platform' | 'cross-platform';
  /** A code from CreatePasskeyRegistrationLink: authorises the registration instead of a permission. */
  readonly code?: { readonly id: string; readonly code: string };
}

export interface Registration {
  readonly id: string;
  /** CredentialCreationOptions as navigator.credentials.create() takes them: `{ publicKey: … }`. */
  readonly options: JsonObject;
  readonly event: WrittenEvent;
}

/**
 * Where a registration code goes: back to the caller, emailed as a link, or back to the caller as
 * the hosted login's link (v1 auth's AddMyPasswordlessLink).
 */
export type LinkMedium =
  | { readonly kind: 'return' }
  | { readonly kind: 'send'; readonly urlTemplate?: string }
  | { readonly kind: 'link' };

export interface PasskeyView {
  readonly id: string;
  readonly name: string;
  readonly state: 'pending' | 'ready';
}

/** Passkeys and U2F security keys (WebAuthn registration ceremonies) and passkey registration links. */
@Injectable()
export class WebAuthnService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UserStore,
    private readonly codes: UserCodes,
    private readonly notifier: Notifier,
    private readonly accounts: AccountNames,
    private readonly ids: IdGenerator,
    private readonly config: Config,
  ) {}

  /** Starts a registration: a pending credential holding the challenge, and the options for the browser. */
  register(caller: Caller, userId: string, kind: WebAuthnKind, request: RegistrationRequest): Promise<Registration> {
    return this.transactions.run(async (tx) => {
      const user = request.code
        ? await this.loadWithCode(tx, caller, userId, request.code)
        : await this.users.load(tx, caller, userId, ADD, { lock: true, self: true });
      if (user.type !== 'human') throw notHuman();
      const domains = await this.instanceDomains(tx, caller.instance.id);
      const rpId = relyingPartyId(request.domain, request.requestHost, domains);
      if (!rpId) throw relyingPartyInvalid(request.domain || request.requestHost);

      // Abandoned ceremonies: their challenges can no longer be answered.
      await tx
        .createQueryBuilder()
        .delete()
        .from(UserWebAuthnCredential)
        .where(`instance_id = :i AND user_id = :u AND state = 'pending' AND challenge_expires_at <= now()`, {
          i: caller.instance.id,
          u: userId,
        })
        .execute();
      const existing = await tx.findBy(UserWebAuthnCredential, {
        instanceId: caller.instance.id,
        userId,
        kind,
        state: 'ready',
      });

      const accountName = await this.accounts.of(tx, caller.instance.id, user);
      const options = await (await simpleWebAuthn()).generateRegistrationOptions({
        rpName: caller.instance.name,
        rpID: rpId,
        userName: accountName,
        userID: new TextEncoder().encode(user.id),
        userDisplayName: user.displayName || accountName,
        timeout: CEREMONY_TIMEOUT_MS,
        attestationType: 'none',
        excludeCredentials: existing.map((c) => ({ id: c.credentialId!, transports: c.transports })),
        authenticatorSelection: {
          ...SELECTION[kind],
          ...(request.attachment ? { authenticatorAttachment: request.attachment } : {}),
        },
        supportedAlgorithmIDs: ALGORITHMS,
      });

      const id = this.ids.next();
      const now = new Date();
      await tx.insert(UserWebAuthnCredential, {
        instanceId: caller.instance.id,
        userId,
        id,
        kind,
        state: 'pending',
        rpId,
        userVerification: kind === 'passkey' ? 'required' : 'discouraged',
        challenge: options.challenge,
        challengeExpiresAt: new Date(now.getTime() + CEREMONY_TIMEOUT_MS),
        createdAt: now,
      });
      const events: UserEventInput[] = [
        { type: `${EVENT_PREFIX[kind]}.added`, payload: { webAuthNTokenId: id, rpID: rpId } },
      ];
      if (request.code) {
        events.push({
          type: 'user.human.passwordless.initialization.code.check.succeeded',
          payload: { codeId: request.code.id },
        });
      }
      const event = await this.users.push(tx, caller, user, events);
      // A Struct holds JSON only: drop the `undefined` members the library leaves in.
      return { id, options: { publicKey: JSON.parse(JSON.stringify(options)) as JsonObject }, event };
    });
  }

  /**
   * Checks the authenticator's attestation against the stored challenge and keeps the credential.
   * Without an id, the user's latest registration of the kind (v1 names none: ZITADEL verifies
   * the token being set up).
   */
  verify(
    caller: Caller,
    userId: string,
    kind: WebAuthnKind,
    requestedId: string | undefined,
    credential: JsonObject | undefined,
    name: string,
  ): Promise<WrittenEvent> {
    return this.transactions.run(async (tx) => {
      const user = await this.users.load(tx, caller, userId, ADD, { lock: true, self: true });
      const where = { instanceId: caller.instance.id, userId, kind };
      const pending =
        requestedId === undefined
          ? await tx.findOne(UserWebAuthnCredential, {
              where: { ...where, state: 'pending' },
              order: { createdAt: 'DESC' },
            })
          : await tx.findOneBy(UserWebAuthnCredential, { ...where, id: requestedId });
      if (!pending) throw webAuthnNotFound(LABEL[kind]);
      const id = pending.id;
      if (pending.state === 'ready') throw webAuthnAlreadyVerified(LABEL[kind]);
      if (pending.challengeExpiresAt!.getTime() <= Date.now()) throw webAuthnChallengeExpired(LABEL[kind]);

      const response = registrationResponseOf(credential);
      const origin = clientDataOrigin(response);
      const domains = await this.instanceDomains(tx, caller.instance.id);
      if (!originAllowed(origin, pending.rpId, domains, this.config.externalUrl)) {
        throw webAuthnCredentialInvalid(
          'public_key_credential',
          `the origin ${origin} is not a domain of this instance within ${pending.rpId}`,
        );
      }
      let verified;
      try {
        verified = await (await simpleWebAuthn()).verifyRegistrationResponse({
          response,
          expectedChallenge: pending.challenge!,
          expectedOrigin: origin,
          expectedRPID: pending.rpId,
          requireUserVerification: pending.userVerification === 'required',
          supportedAlgorithmIDs: ALGORITHMS,
        });
      } catch (err) {
        throw webAuthnCredentialInvalid('public_key_credential', (err as Error).message);
      }
      if (!verified.verified)
        throw webAuthnCredentialInvalid('public_key_credential', 'the attestation could not be verified');
      const info = verified.registrationInfo;

      await underSavepoint(
        tx,
        () =>
          tx.update(
            UserWebAuthnCredential,
            { instanceId: caller.instance.id, userId, id },
            {
              state: 'ready',
              name,
              credentialId: info.credential.id,
              publicKey: Buffer.from(info.credential.publicKey),
              signCount: String(info.credential.counter),
              aaguid: info.aaguid,
              transports: info.credential.transports ?? response.response.transports ?? [],
              challenge: null,
              challengeExpiresAt: null,
              verifiedAt: new Date(),
            },
          ),
        (err) => (isUniqueViolation(err, 'user_webauthn_credentials_credential') ? webAuthnCredentialTaken() : err),
      );
      return this.users.push(tx, caller, user, [
        {
          type: `${EVENT_PREFIX[kind]}.verified`,
          payload: {
            webAuthNTokenId: id,
            webAuthNTokenName: name,
            aaguid: info.aaguid,
            userVerified: info.userVerified,
          },
        },
      ]);
    });
  }

  remove(caller: Caller, userId: string, kind: WebAuthnKind, id: string): Promise<WrittenEvent> {
    return this.transactions.run(async (tx) => {
      const user = await this.users.load(tx, caller, userId, REMOVE, { lock: true, self: true });
      const { affected } = await tx.delete(UserWebAuthnCredential, {
        instanceId: caller.instance.id,
        userId,
        id,
        kind,
      });
      if (!affected) throw webAuthnNotFound(LABEL[kind]);
      return this.users.push(tx, caller, user, [
        { type: `${EVENT_PREFIX[kind]}.removed`, payload: { webAuthNTokenId: id } },
      ]);
    });
  }

  /** The user's verified passkeys, oldest first. */
  async listPasskeys(caller: Caller, userId: string): Promise<PasskeyView[]> {
    const db = this.transactions.reader;
    await this.users.load(db, caller, userId, READ, { self: true });
    const rows = await db
      .getRepository(UserWebAuthnCredential)
      .createQueryBuilder('w')
      .select(['w.id', 'w.name', 'w.state'])
      .where(`w.instance_id = :i AND w.user_id = :u AND w.kind = 'passkey' AND w.state = 'ready'`, {
        i: caller.instance.id,
        u: userId,
      })
      .orderBy('w.verified_at')
      .addOrderBy('w.id')
      .getMany();
    return rows.map((r) => ({ id: r.id, name: r.name ?? '', state: r.state }));
  }

  /**
   * A one-time code that lets whoever holds it register a passkey for the user (ZITADEL's
   * passwordless init code): returned to the caller, or emailed as a link.
   */
  createRegistrationLink(
    caller: Caller,
    userId: string,
    medium: LinkMedium,
    options: { readonly self?: boolean; readonly outer?: EntityManager } = {},
  ): Promise<{ codeId: string; code?: string; link?: string; expiresAt: Date; event: WrittenEvent }> {
    const problems = medium.kind === 'send' && medium.urlTemplate ? urlTemplateProblems(medium.urlTemplate) : [];
    if (problems.length) throw urlTemplateInvalid(problems.join('; '));
    return this.transactions.run(async (tx) => {
      // `self`: v1 auth's own links (ZITADEL's HumanAddPasswordlessInitCode for the caller's user).
      const user = await this.users.load(tx, caller, userId, LINK, { lock: true, self: options.self });
      if (user.type !== 'human') throw notHuman();
      if (medium.kind === 'send' && !user.email) throw noEmailForLink();
      const codeId = this.ids.next();
      const { code, expiresAt } = await this.codes.issue(tx, caller.instance.id, userId, 'passkeyRegistration', {
        id: codeId,
      });
      const event = await this.users.push(tx, caller, user, [
        {
          type: 'user.human.passwordless.initialization.code.requested',
          payload: {
            codeId,
            expiry: expiresAt.toISOString(),
            urlTemplate: medium.kind === 'send' ? (medium.urlTemplate ?? '') : '',
            codeReturned: medium.kind === 'return',
          },
        },
      ]);
      if (medium.kind === 'return') return { codeId, code, expiresAt, event };
      const notification = {
        channel: 'email' as const,
        to: user.email ?? '',
        template: 'passkeyRegistration' as const,
        userId,
        orgId: user.resourceOwner,
        data: {
          code,
          codeId,
          userId,
          orgId: user.resourceOwner,
          loginName: await this.accounts.of(tx, caller.instance.id, user),
          displayName: user.displayName ?? '',
        },
        origin: caller.origin,
      };
      if (medium.kind === 'link') {
        const base = loginBaseUrl(this.config.loginUiUrl, caller.origin ?? new URL(this.config.externalUrl).origin);
        return { codeId, link: loginPageLink(notification, base), expiresAt, event };
      }
      // Queued in this transaction: a recipient or link template the outbox refuses fails the whole request.
      await this.notifier.enqueue(tx, caller.instance.id, { ...notification, urlTemplate: medium.urlTemplate });
      return { codeId, expiresAt, event };
    }, options.outer);
  }

  /**
   * With a registration code, holding the code is the authorisation (any authenticated caller,
   * e.g. the login UI): the user only has to exist in this instance. The code is used up.
   */
  private async loadWithCode(
    tx: EntityManager,
    caller: Caller,
    userId: string,
    code: { id: string; code: string },
  ): Promise<User> {
    const user = await tx
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.instance_id = :i AND u.id = :id', { i: caller.instance.id, id: userId })
      .setLock('pessimistic_write')
      .getOne();
    if (!user) throw userNotFound();
    await this.codes.consume(tx, caller, user, 'passkeyRegistration', code.code, 'code', code.id);
    return user;
  }

  private async instanceDomains(db: EntityManager, instanceId: string): Promise<string[]> {
    const rows = await db
      .getRepository(InstanceDomain)
      .createQueryBuilder('d')
      .select(['d.domain'])
      .where('d.instance_id = :instanceId', { instanceId })
      .getMany();
    return rows.map((r) => r.domain);
  }
}
