import type { Permission } from '../../platform/authz/permissions.js';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { authorize } from '../../platform/authz/authorize.js';
import { Config } from '../../platform/config/config.js';
import { MasterKey } from '../../platform/crypto/master-key.js';
import type { Page } from '../../platform/database/list-query.js';
import { Transactions } from '../../platform/database/transactions.js';
import { EventStore } from '../../platform/events/event-store.js';
import { OutboundHttp } from '../../platform/http/outbound.js';
import { IdGenerator } from '../../platform/ids/id-generator.js';
import { creatorOf, type Caller } from '../../platform/rpc/call-context.js';
import type { ChangeInfo } from '../../platform/rpc/proto-mapping.js';
import { scrubSecrets } from '../templates.js';
import {
  providerEventType,
  sameConfig,
  type ProviderChange,
  type ProviderChannel,
  type ProviderConfig,
  type ProviderKind,
  type SmtpConfig,
} from './provider-rules.js';
import { sendThroughProvider } from './provider-senders.js';
import { ProviderStore, type ProviderRow } from './providers.queries.js';
import * as errors from './providers.errors.js';
import { holdTransactionLock } from '../../platform/database/transaction-locks.js';

/** Providers are instance resources: every check is on the instance itself. */
const INSTANCE = { instance: true } as const;
const READ = 'iam.read';
const WRITE = 'iam.write';

export interface ProviderInput {
  readonly description: string;
  readonly config: ProviderConfig;
  /** The SMTP password or Twilio token; empty or absent keeps the stored one on update. */
  readonly secret?: string;
}

/**
 * Commands and queries of an instance's email and SMS providers (ZITADEL's admin API). Each
 * change writes its `instance.smtp.config.*` / `instance.sms.config*` event in the transaction
 * that changes the row.
 */
@Injectable()
export class ProvidersService {
  constructor(
    private readonly tx: Transactions,
    private readonly ids: IdGenerator,
    private readonly events: EventStore,
    private readonly masterKey: MasterKey,
    private readonly store: ProviderStore,
    private readonly outbound: OutboundHttp,
    private readonly config: Config,
  ) {}

  // ---- commands ---------------------------------------------------------------------------

  /** A new provider, inactive until activated (ZITADEL: only the active provider delivers). */
  async add(caller: Caller, channel: ProviderChannel, input: ProviderInput): Promise<ChangeInfo & { id: string }> {
    this.authorize(caller, WRITE);
    const id = this.ids.next();
    return this.tx.run(async (tx) => {
      const written = await this.push(tx, caller, channel, input.config.kind, 'added', {
        id,
        description: input.description,
        ...input.config,
      });
      await this.store.insert(tx, {
        instanceId: caller.instance.id,
        id,
        channel,
        kind: input.config.kind,
        description: input.description,
        config: input.config,
        secret: input.secret ? this.masterKey.encrypt(input.secret) : null,
        createdAt: written.changeDate,
        sequence: written.sequence,
      });
      return { ...written, creationDate: written.changeDate, id };
    });
  }

  /** Replaces the settings of a provider of the same kind; an update that changes nothing is refused. */
  async update(caller: Caller, channel: ProviderChannel, id: string, input: ProviderInput): Promise<ChangeInfo> {
    this.authorize(caller, WRITE);
    return this.tx.run(async (tx) => {
      const row = await this.load(tx, caller, channel, id, input.config.kind);
      const unchanged = row.description === input.description && sameConfig(row.config, input.config);
      if (unchanged && !input.secret) throw errors.notChanged();
      let written: ChangeInfo | undefined;
      if (!unchanged) {
        written = await this.push(tx, caller, channel, row.kind, 'changed', {
          id,
          description: input.description,
          ...input.config,
        });
      }
      if (input.secret) written = await this.push(tx, caller, channel, row.kind, 'secretChanged', { id });
      await this.store.update(tx, caller.instance.id, id, {
        description: input.description,
        config: input.config,
        secret: input.secret ? this.masterKey.encrypt(input.secret) : undefined,
        changedAt: written!.changeDate,
        sequence: written!.sequence,
      });
      return written!;
    });
  }

  /** Sets the Twilio token alone. */
  async updateTwilioToken(caller: Caller, id: string, token: string): Promise<ChangeInfo> {
    return this.setSecret(caller, 'sms', id, 'twilio', token);
  }

  /**
   * Sets the SMTP password alone, or clears it when empty. As ZITADEL's ChangeSMTPConfigPassword,
   * only the active email provider takes it: an inactive one answers NOT_FOUND, as if it did not
   * exist.
   */
  async updateSmtpPassword(caller: Caller, id: string, password: string): Promise<ChangeInfo> {
    return this.setSecret(caller, 'email', id, 'smtp', password || null, { activeOnly: true });
  }

  /** Makes the provider the one that delivers; the previously active one is deactivated (one at a time). */
  async activate(caller: Caller, channel: ProviderChannel, id: string): Promise<ChangeInfo> {
    this.authorize(caller, WRITE);
    return this.tx.run(async (tx) => {
      await this.lockChannel(tx, caller, channel);
      const row = await this.load(tx, caller, channel, id);
      if (row.state === 'active') throw errors.alreadyActive(channel);
      const previous = await this.store.active(tx, caller.instance.id, channel);
      if (previous) await this.setState(tx, caller, previous, 'deactivated');
      return this.setState(tx, caller, row, 'activated');
    });
  }

  /** The instance falls back to the server's own settings for the channel. */
  async deactivate(caller: Caller, channel: ProviderChannel, id: string): Promise<ChangeInfo> {
    this.authorize(caller, WRITE);
    return this.tx.run(async (tx) => {
      await this.lockChannel(tx, caller, channel);
      const row = await this.load(tx, caller, channel, id);
      if (row.state !== 'active') throw errors.alreadyInactive(channel);
      return this.setState(tx, caller, row, 'deactivated');
    });
  }

  async remove(caller: Caller, channel: ProviderChannel, id: string): Promise<ChangeInfo> {
    this.authorize(caller, WRITE);
    return this.tx.run(async (tx) => {
      const row = await this.load(tx, caller, channel, id);
      const written = await this.push(tx, caller, channel, row.kind, 'removed', { id });
      await this.store.delete(tx, caller.instance.id, id);
      return written;
    });
  }

  /**
   * Sends a test email with the given SMTP settings; with `id`, an empty password means the
   * stored provider's password (ZITADEL's TestEmailProviderSMTP). Nothing is stored.
   */
  async testSmtp(caller: Caller, config: SmtpConfig, password: string, receiver: string, id?: string): Promise<void> {
    this.authorize(caller, WRITE);
    let secret = password || undefined;
    if (id && !secret) {
      const stored = await this.load(this.tx.reader, caller, 'email', id, 'smtp');
      secret = this.open(stored);
    }
    const probe: ProviderRow = {
      instanceId: caller.instance.id,
      id: id ?? '',
      channel: 'email',
      kind: 'smtp',
      state: 'inactive',
      description: '',
      config: { kind: 'smtp', smtp: config },
      secret: null,
      createdAt: new Date(),
      changedAt: new Date(),
      sequence: 0n,
    };
    await this.sendTest(probe, secret, receiver);
  }

  /** Sends a test email through a stored SMTP provider. */
  async testSmtpById(caller: Caller, id: string, receiver: string): Promise<void> {
    this.authorize(caller, WRITE);
    const row = await this.load(this.tx.reader, caller, 'email', id, 'smtp');
    await this.sendTest(row, this.open(row), receiver);
  }

  // ---- queries ----------------------------------------------------------------------------

  async getActive(caller: Caller, channel: ProviderChannel): Promise<ProviderRow> {
    this.authorize(caller, READ);
    const row = await this.store.active(this.tx.reader, caller.instance.id, channel);
    if (!row) throw errors.noActiveProvider(channel);
    return row;
  }

  async get(caller: Caller, channel: ProviderChannel, id: string): Promise<ProviderRow> {
    this.authorize(caller, READ);
    return this.load(this.tx.reader, caller, channel, id);
  }

  async list(caller: Caller, channel: ProviderChannel, page: Page): Promise<{ items: ProviderRow[]; total: bigint }> {
    this.authorize(caller, READ);
    return this.store.list(this.tx.reader, caller.instance.id, channel, page);
  }

  // ---- internals --------------------------------------------------------------------------

  private authorize(caller: Caller, permission: Permission): void {
    authorize(caller, permission, INSTANCE, () => errors.providersDenied(permission));
  }

  /** The provider of this instance and channel (of this kind, when given), locked for the change. */
  private async load(
    tx: EntityManager,
    caller: Caller,
    channel: ProviderChannel,
    id: string,
    kind?: ProviderKind,
  ): Promise<ProviderRow> {
    const row = await this.store.get(tx, caller.instance.id, channel, id, tx.queryRunner?.isTransactionActive);
    if (!row) throw errors.providerNotFound(channel);
    if (kind && row.kind !== kind) throw errors.wrongKind(channel, kind);
    return row;
  }

  private setSecret(
    caller: Caller,
    channel: ProviderChannel,
    id: string,
    kind: ProviderKind,
    secret: string | null,
    { activeOnly = false } = {},
  ): Promise<ChangeInfo> {
    this.authorize(caller, WRITE);
    return this.tx.run(async (tx) => {
      const row = await this.load(tx, caller, channel, id, kind);
      if (activeOnly && row.state !== 'active') throw errors.providerNotFound(channel);
      const written = await this.push(tx, caller, channel, kind, 'secretChanged', { id });
      await this.store.update(tx, caller.instance.id, id, {
        secret: secret === null ? null : this.masterKey.encrypt(secret),
        changedAt: written.changeDate,
        sequence: written.sequence,
      });
      return written;
    });
  }

  private open(row: ProviderRow): string | undefined {
    return row.secret ? this.masterKey.decrypt(row.secret) : undefined;
  }

  private async sendTest(provider: ProviderRow, secret: string | undefined, receiver: string): Promise<void> {
    const notification = {
      channel: 'email' as const,
      to: receiver,
      template: 'verifyEmail' as const,
      userId: '',
      orgId: '',
      data: {},
    };
    try {
      await sendThroughProvider(provider, secret, notification, {
        outbound: this.outbound,
        twilioApiUrl: this.config.twilioApiUrl,
      });
    } catch (err) {
      throw errors.testFailed(scrubSecrets(err instanceof Error ? err.message : String(err), [secret]));
    }
  }

  /** Activations and deactivations of one instance's channel take turns (one active provider). */
  private async lockChannel(tx: EntityManager, caller: Caller, channel: ProviderChannel): Promise<void> {
    await holdTransactionLock(tx, `${caller.instance.id}/notification_providers/${channel}`);
  }

  private async setState(
    tx: EntityManager,
    caller: Caller,
    row: ProviderRow,
    change: 'activated' | 'deactivated',
  ): Promise<ChangeInfo> {
    const written = await this.push(tx, caller, row.channel, row.kind, change, { id: row.id });
    await this.store.update(tx, caller.instance.id, row.id, {
      state: change === 'activated' ? 'active' : 'inactive',
      changedAt: written.changeDate,
      sequence: written.sequence,
    });
    return written;
  }

  /** ZITADEL writes provider events on the instance aggregate; the payload never holds a secret. */
  private async push(
    tx: EntityManager,
    caller: Caller,
    channel: ProviderChannel,
    kind: ProviderKind,
    change: ProviderChange,
    payload: Record<string, unknown>,
  ): Promise<ChangeInfo> {
    const [written] = await this.events.push(tx, caller.instance.id, creatorOf(caller), [
      {
        aggregateType: 'instance',
        aggregateId: caller.instance.id,
        type: providerEventType(channel, kind, change),
        payload,
        resourceOwner: caller.instance.id,
      },
    ]);
    return { sequence: written.sequence, changeDate: written.createdAt, resourceOwner: written.resourceOwner };
  }
}
