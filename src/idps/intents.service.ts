import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { hashToken, MasterKey, randomToken, sameTokenHash } from '../platform/crypto/master-key.js';
import { Transactions } from '../platform/database/transactions.js';
import { DomainError } from '../platform/errors/domain-error.js';
import { EventStore, SYSTEM_CREATOR } from '../platform/events/event-store.js';
import { IdGenerator } from '../platform/ids/id-generator.js';
import { LOGGER } from '../platform/logging/logger-token.js';
import { creatorOf, type Caller } from '../platform/rpc/call-context.js';
import type { ConnectorContext, IdpInformation, UpstreamCallback } from './connectors/connector.js';
import { IdpConnectors } from './connectors/registry.js';
import { samlSpUrls } from './connectors/saml-metadata.js';
import type { IdpSecrets, IdpTemplate } from './idp-config.js';
import { IdpQueries } from './idps.queries.js';
import {
  checkRedirectUrl,
  failureReason,
  failureRedirect,
  INTENT_LIFETIME_MS,
  isExpired,
  parseUpstreamState,
  STARTED_LIFETIME_MS,
  successRedirect,
  upstreamState,
} from './intent-rules.js';
import * as errors from './intents.errors.js';
import { IntentStore, type StoredIntent } from './intents.store.js';
import { IdpLinkQueries } from './links.queries.js';

/** What a browser-flow intent keeps sealed: its state's secret and what its connector's finish needs. */
interface SealedFlow {
  readonly stateSecret: string;
  readonly connector: Record<string, string>;
}

/** The path upstreams send the browser back to, on the instance's own origin (ZITADEL's `/idps/callback`). */
export const CALLBACK_PATH = '/idps/callback';

export type StartInput =
  | { readonly urls: { readonly successUrl: string; readonly failureUrl: string } }
  | { readonly ldap: { readonly username: string; readonly password: string } };

export type StartNext =
  | { readonly authUrl: string }
  | { readonly formData: { readonly url: string; readonly fields: Readonly<Record<string, string>> } }
  | { readonly intent: { readonly id: string; readonly token: string; readonly userId?: string } };

export interface Started {
  readonly intentId: string;
  readonly changedAt: Date;
  readonly sequence: bigint;
  readonly next: StartNext;
}

/** A succeeded intent as RetrieveIdentityProviderIntent answers it. */
export interface RetrievedIntent {
  readonly id: string;
  readonly idpId: string;
  readonly externalUserId: string;
  readonly userId?: string;
  readonly information: IdpInformation;
  readonly changedAt: Date;
  readonly instanceId: string;
}

/** What a session's idpIntent check learns from the intent it consumes. */
export interface ConsumedIntent {
  readonly idpId: string;
  readonly userId?: string;
  readonly externalUserId: string;
  readonly succeededAt: Date;
}

/** The request the upstream sent the browser back with, on the instance its host names. */
export interface CallbackRequest extends UpstreamCallback {
  readonly instanceId: string;
  /** The origin the browser reached the instance at (the callback URL is built on it). */
  readonly origin: string;
  /** The provider a SAML ACS (`/idps/{id}/saml/acs`) was reached for; absent at `/idps/callback`. */
  readonly idpId?: string;
}

/**
 * Where the upstream sends the browser back: ZITADEL's `/idps/callback` for the OAuth-based kinds,
 * the provider's own assertion consumer service `/idps/{id}/saml/acs` for SAML.
 */
export function callbackUrlFor(template: IdpTemplate, origin: string): string {
  return template.config.kind === 'saml' ? samlSpUrls(origin, template.id).acs : `${origin}${CALLBACK_PATH}`;
}

/**
 * Sign-in through an upstream identity provider (ZITADEL's IDP intents): started by an API call,
 * finished by the browser coming back to `/idps/callback` (or at once for LDAP), then read once
 * with its token by RetrieveIdentityProviderIntent, and consumed by a session's idpIntent check.
 * What the upstream said (tokens, profile) and the values the finish needs (state, nonce, PKCE
 * verifier) are sealed on the intent's row; nothing lives in one process's memory.
 */
@Injectable()
export class IntentsService {
  constructor(
    private readonly tx: Transactions,
    private readonly ids: IdGenerator,
    private readonly events: EventStore,
    private readonly masterKey: MasterKey,
    private readonly intents: IntentStore,
    private readonly idps: IdpQueries,
    private readonly links: IdpLinkQueries,
    private readonly connectors: IdpConnectors,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /**
   * StartIdentityProviderIntent. As ZITADEL, any provider of the instance may be used (its own or
   * an org's: ZITADEL looks the provider up by id alone), by any authenticated caller; it must be active
   * (a missing and an inactive provider answer alike).
   */
  async start(caller: Caller, idpId: string, input: StartInput, origin = caller.origin): Promise<Started> {
    const { template, secrets } = await this.template(caller.instance.id, idpId);
    const entry = this.connectors.for(template.config.kind);
    if (!entry) throw errors.kindNotBuilt(template.config.kind);
    const id = this.ids.next();
    const stateSecret = randomToken(24);
    const ctx: ConnectorContext = {
      state: upstreamState(id, stateSecret),
      callbackUrl: callbackUrlFor(template, origin ?? ''),
    };

    if ('urls' in input) {
      if (entry.flow !== 'redirect') throw errors.wrongFlow('this identity provider takes LDAP credentials, not URLs');
      const successUrl = checkRedirectUrl('urls.success_url', input.urls.successUrl);
      const failureUrl = checkRedirectUrl('urls.failure_url', input.urls.failureUrl);
      const { start, flowState } = await entry.connector.start(template, secrets, ctx).catch((err: unknown) => {
        // E.g. the issuer's discovery document could not be read: the provider, not the call, is at fault.
        throw err instanceof DomainError ? err : errors.upstreamFailed(messageOf(err));
      });
      const written = await this.tx.run(async (tx) => {
        const now = new Date();
        await this.intents.insert(tx, {
          instanceId: caller.instance.id,
          id,
          idpId,
          successUrl,
          failureUrl,
          sealedFlowState: this.masterKey.encrypt(
            JSON.stringify({ stateSecret, connector: flowState } satisfies SealedFlow),
          ),
          now,
          expiresAt: new Date(now.getTime() + STARTED_LIFETIME_MS),
        });
        return this.push(tx, caller.instance.id, creatorOf(caller), id, 'idpintent.started', {
          idpId,
          successUrl,
          failureUrl,
        });
      });
      const next: StartNext =
        start.kind === 'redirect' ? { authUrl: start.url } : { formData: { url: start.url, fields: start.fields } };
      return { intentId: id, changedAt: written.createdAt, sequence: written.sequence, next };
    }

    if (entry.flow !== 'credentials') throw errors.wrongFlow('this identity provider takes redirect URLs');
    await this.tx.run(async (tx) => {
      const now = new Date();
      await this.intents.insert(tx, {
        instanceId: caller.instance.id,
        id,
        idpId,
        successUrl: null,
        failureUrl: null,
        sealedFlowState: null,
        now,
        expiresAt: new Date(now.getTime() + STARTED_LIFETIME_MS),
      });
      return this.push(tx, caller.instance.id, creatorOf(caller), id, 'idpintent.started', { idpId });
    });
    let information: IdpInformation;
    try {
      information = await entry.connector.check(template, secrets, input.ldap.username, input.ldap.password);
    } catch (err) {
      const failure = err instanceof DomainError ? err : errors.upstreamFailed(messageOf(err));
      await this.fail(caller.instance.id, id, failure.message);
      throw failure;
    }
    const succeeded = await this.succeed(caller.instance.id, id, idpId, information);
    if (!succeeded) throw errors.intentNotStarted();
    return {
      intentId: id,
      changedAt: succeeded.changedAt,
      sequence: succeeded.sequence,
      next: { intent: { id, token: succeeded.token, ...(succeeded.userId ? { userId: succeeded.userId } : {}) } },
    };
  }

  /**
   * The browser is back from the upstream: finish the sign-in and answer where to send it next
   * (the success URL with id and token, or the failure URL with the error). Throws (a 400) only
   * when there is no intent to send it back to.
   */
  async callback(req: CallbackRequest): Promise<string> {
    const param = (name: string) => req.body.get(name) ?? req.query.get(name) ?? undefined;
    // JWT providers come back with ZITADEL's `authRequestID`, SAML IdPs with the `RelayState`.
    const state = param('state') || param('authRequestID') || param('RelayState');
    if (!state) throw errors.stateMissing();
    const returned = parseUpstreamState(state);
    const intent = await this.intents.get(this.tx.reader, req.instanceId, returned.intentId);
    if (!intent?.failureUrl || !intent.successUrl) throw errors.intentNotFound();
    // A SAML ACS names its provider: it finishes only that provider's intents.
    if (req.idpId !== undefined && req.idpId !== intent.idpId) throw errors.intentNotFound();
    const fail = async (error: DomainError | { id: string; message: string }, description?: string) => {
      await this.fail(req.instanceId, intent.id, failureReason(error.id, description ?? error.message));
      return failureRedirect(intent.failureUrl!, intent.id, error.id, description ?? error.message);
    };
    if (intent.state !== 'started') {
      const e = errors.intentNotStarted();
      return failureRedirect(intent.failureUrl, intent.id, e.id, e.message);
    }
    // Only the upstream the browser was sent to knows the state's secret: a guessed id (ids are
    // ordered) neither finishes nor fails someone else's sign-in. A finished intent changes no more.
    const flow = JSON.parse(this.masterKey.decrypt(intent.sealedFlowState ?? '')) as SealedFlow;
    if (!returned.secret || !sameTokenHash(hashToken(flow.stateSecret), returned.secret)) throw errors.intentNotFound();
    if (isExpired(intent.expiresAt, new Date())) return fail(errors.intentExpired());

    // The upstream refused (RFC 6749 §4.1.2.1): the intent fails with its error and description.
    const upstreamError = param('error');
    if (upstreamError) {
      const description = param('error_description') ?? '';
      await this.fail(req.instanceId, intent.id, failureReason(upstreamError, description));
      return failureRedirect(intent.failureUrl, intent.id, upstreamError, description);
    }

    let information: IdpInformation;
    try {
      const { template, secrets } = await this.template(req.instanceId, intent.idpId);
      const entry = this.connectors.for(template.config.kind);
      if (entry?.flow !== 'redirect') throw errors.kindNotBuilt(template.config.kind);
      // SAML responses are taken at the provider's own ACS only, the others at /idps/callback only.
      if ((template.config.kind === 'saml') !== (req.idpId !== undefined)) throw errors.wrongCallback();
      information = await entry.connector.finish(template, secrets, flow.connector, req, {
        state,
        callbackUrl: callbackUrlFor(template, req.origin),
      });
    } catch (err) {
      const failure = err instanceof DomainError ? err : errors.upstreamFailed(messageOf(err));
      this.log.info({ intentId: intent.id, idpId: intent.idpId, err: messageOf(err) }, 'upstream sign-in failed');
      return fail(failure);
    }
    const succeeded = await this.succeed(req.instanceId, intent.id, intent.idpId, information);
    if (!succeeded) {
      const e = errors.intentNotStarted();
      return failureRedirect(intent.failureUrl, intent.id, e.id, e.message);
    }
    return successRedirect(intent.successUrl, intent.id, succeeded.token, succeeded.userId);
  }

  /**
   * RetrieveIdentityProviderIntent: the result, for whoever holds the token. As ZITADEL, reading it
   * does not use it up (a session's check does); a wrong token and a missing intent answer alike.
   */
  async retrieve(caller: Caller, intentId: string, token: string): Promise<RetrievedIntent> {
    const intent = await this.intents.get(this.tx.reader, caller.instance.id, intentId);
    const checked = this.checked(intent, token);
    return {
      id: checked.id,
      idpId: checked.idpId,
      externalUserId: checked.externalUserId ?? '',
      ...(checked.userId ? { userId: checked.userId } : {}),
      information: JSON.parse(this.masterKey.decrypt(checked.sealedInformation ?? '')) as IdpInformation,
      changedAt: checked.changedAt,
      instanceId: checked.instanceId,
    };
  }

  /**
   * For a session's idpIntent check, inside its transaction: checks the token, that the intent
   * succeeded and has not expired, and uses it up (ZITADEL: `idpintent.consumed`), so it signs
   * in once.
   */
  async consumeForSession(
    tx: EntityManager,
    instanceId: string,
    intentId: string,
    token: string,
  ): Promise<ConsumedIntent> {
    const intent = await this.intents.get(tx, instanceId, intentId, true);
    const checked = this.checked(intent, token);
    if (!(await this.intents.consume(tx, { instanceId, id: intentId }, new Date()))) throw errors.intentNotSucceeded();
    await this.push(tx, instanceId, SYSTEM_CREATOR, intentId, 'idpintent.consumed');
    return {
      idpId: checked.idpId,
      ...(checked.userId ? { userId: checked.userId } : {}),
      externalUserId: checked.externalUserId ?? '',
      succeededAt: checked.changedAt,
    };
  }

  /** Removes expired intents (the sweeper). */
  sweep(now = new Date()): Promise<number> {
    return this.intents.sweep(this.tx.reader, now);
  }

  // ---- internals --------------------------------------------------------------------------

  /** ZITADEL's order: the token first (so a missing intent says the same), then success, then expiry. */
  private checked(intent: StoredIntent | undefined, token: string): StoredIntent {
    if (!intent?.tokenHash || !token || !sameTokenHash(intent.tokenHash, token)) {
      if (intent?.state === 'consumed') throw errors.intentNotSucceeded();
      throw errors.invalidToken();
    }
    if (intent.state !== 'succeeded') throw errors.intentNotSucceeded();
    if (isExpired(intent.expiresAt, new Date())) throw errors.intentExpired();
    return intent;
  }

  private async succeed(
    instanceId: string,
    id: string,
    idpId: string,
    information: IdpInformation,
  ): Promise<{ token: string; userId?: string; changedAt: Date; sequence: bigint } | undefined> {
    const userId = await this.links.userFor(this.tx.reader, instanceId, idpId, information.user.id);
    const token = randomToken();
    return this.tx.run(async (tx) => {
      const now = new Date();
      const ok = await this.intents.succeed(
        tx,
        { instanceId, id },
        {
          sealedInformation: this.masterKey.encrypt(JSON.stringify(information)),
          externalUserId: information.user.id,
          userId: userId ?? null,
          tokenHash: hashToken(token),
          now,
          expiresAt: new Date(now.getTime() + INTENT_LIFETIME_MS),
        },
      );
      if (!ok) return undefined;
      const written = await this.push(tx, instanceId, SYSTEM_CREATOR, id, 'idpintent.succeeded', {
        idpUserId: information.user.id,
        idpUserName: information.user.preferredUsername ?? '',
        userId: userId ?? '',
      });
      return { token, ...(userId ? { userId } : {}), changedAt: written.createdAt, sequence: written.sequence };
    });
  }

  private async fail(instanceId: string, id: string, reason: string): Promise<void> {
    await this.tx.run(async (tx) => {
      if (await this.intents.fail(tx, { instanceId, id }, reason, new Date())) {
        await this.push(tx, instanceId, SYSTEM_CREATOR, id, 'idpintent.failed', { reason });
      }
    });
  }

  /** The provider's active template and its opened secrets, in this instance only. */
  private async template(instanceId: string, idpId: string): Promise<{ template: IdpTemplate; secrets: IdpSecrets }> {
    const found = idpId ? await this.idps.forIntent(this.tx.reader, instanceId, idpId) : undefined;
    if (!found) throw errors.idpNotFound();
    return found;
  }

  private async push(
    tx: EntityManager,
    instanceId: string,
    creator: string,
    id: string,
    type: string,
    payload?: Record<string, unknown>,
  ) {
    const [written] = await this.events.push(tx, instanceId, creator, [
      { aggregateType: 'idpintent', aggregateId: id, type, resourceOwner: instanceId, payload },
    ]);
    return written;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
