import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { authorize } from '../platform/authz/authorize.js';
import { MasterKey } from '../platform/crypto/master-key.js';
import { Transactions } from '../platform/database/transactions.js';
import { EventStore, type WrittenEvent } from '../platform/events/event-store.js';
import { IdGenerator } from '../platform/ids/id-generator.js';
import { creatorOf, type Caller } from '../platform/rpc/call-context.js';
import { WebKey } from './web-key.entity.js';
import { DEFAULT_WEB_KEY, generateWebKey, type WebKeyConfig } from './web-key-rules.js';
import * as errors from './webkeys.errors.js';
import { holdTransactionLock } from '../platform/database/transaction-locks.js';

export interface WebKeyCreated {
  readonly id: string;
  readonly creationDate: Date;
}

/** Web keys are instance resources: every check is on the instance itself. */
const INSTANCE = { instance: true } as const;

/** Commands and queries of the instance's web keys (ZITADEL's WebKeyService). */
@Injectable()
export class WebKeysService {
  constructor(
    private readonly tx: Transactions,
    private readonly ids: IdGenerator,
    private readonly events: EventStore,
    private readonly masterKey: MasterKey,
  ) {}

  // ---- commands ---------------------------------------------------------------------------

  /** A new key pair in state initial: published in the JWKS, not yet signing. */
  async create(caller: Caller, config: WebKeyConfig, outer?: EntityManager): Promise<WebKeyCreated> {
    authorize(caller, 'iam.web_key.write', INSTANCE, () => errors.webKeysDenied('iam.web_key.write'));
    const id = this.ids.next();
    // Generated before the transaction: RSA 4096 takes a while and must not hold locks.
    const generated = await generateWebKey(id, config);
    return this.tx.run(async (tx) => {
      const now = new Date();
      await tx.query(
        `INSERT INTO web_keys (instance_id, id, state, alg, config, public_jwk, private_key, created_at, changed_at, sequence)
         VALUES ($1, $2, 'initial', $3, $4, $5, $6, $7, $7, 0)`,
        [
          caller.instance.id,
          id,
          generated.alg,
          JSON.stringify(config),
          JSON.stringify(generated.publicJwk),
          this.masterKey.encrypt(generated.privatePem),
          now,
        ],
      );
      await this.push(tx, caller, id, [{ type: 'web_key.added', payload: { alg: generated.alg, config } }]);
      return { id, creationDate: now };
    }, outer);
  }

  /**
   * Makes the key the one that signs; the previously active key becomes inactive (it stays in
   * the JWKS so tokens it signed still verify). Activating the active key changes nothing.
   */
  async activate(caller: Caller, id: string, outer?: EntityManager): Promise<Date> {
    authorize(caller, 'iam.web_key.write', INSTANCE, () => errors.webKeysDenied('iam.web_key.write'));
    return this.tx.run(async (tx) => {
      await this.lockInstanceKeys(tx, caller.instance.id);
      const key = await tx.findOneBy(WebKey, { instanceId: caller.instance.id, id });
      if (!key) throw errors.webKeyNotFound();
      if (key.state === 'active') return key.changedAt;
      const previous = await tx.findOneBy(WebKey, { instanceId: caller.instance.id, state: 'active' });
      if (previous) {
        await tx.update(WebKey, { instanceId: caller.instance.id, id: previous.id }, { state: 'inactive' });
        await this.push(tx, caller, previous.id, [{ type: 'web_key.deactivated' }]);
      }
      await tx.update(WebKey, { instanceId: caller.instance.id, id }, { state: 'active' });
      return (await this.push(tx, caller, id, [{ type: 'web_key.activated' }])).createdAt;
    }, outer);
  }

  /**
   * Deletes an initial or inactive key: it leaves the JWKS, so tokens it signed stop verifying.
   * As the contract says, a key that does not exist answers OK without a deletion date.
   */
  async delete(caller: Caller, id: string): Promise<Date | undefined> {
    authorize(caller, 'iam.web_key.delete', INSTANCE, () => errors.webKeysDenied('iam.web_key.delete'));
    return this.tx.run(async (tx) => {
      await this.lockInstanceKeys(tx, caller.instance.id);
      const key = await tx.findOneBy(WebKey, { instanceId: caller.instance.id, id });
      if (!key) return undefined;
      if (key.state === 'active') throw errors.activeWebKeyUndeletable();
      const written = await this.push(tx, caller, id, [{ type: 'web_key.removed' }], false);
      await tx.delete(WebKey, { instanceId: caller.instance.id, id });
      return written.createdAt;
    });
  }

  /**
   * Bootstrap: an instance without an active key gets ZITADEL's default one (RSA 2048, SHA-256),
   * created and activated. Idempotent.
   */
  async ensureActiveKey(caller: Caller, tx: EntityManager): Promise<void> {
    const active = await tx.findOneBy(WebKey, { instanceId: caller.instance.id, state: 'active' });
    if (active) return;
    const created = await this.create(caller, DEFAULT_WEB_KEY, tx);
    await this.activate(caller, created.id, tx);
  }

  // ---- queries ----------------------------------------------------------------------------

  async list(caller: Caller): Promise<WebKey[]> {
    authorize(caller, 'iam.web_key.read', INSTANCE, () => errors.webKeysDenied('iam.web_key.read'));
    return this.tx.reader
      .getRepository(WebKey)
      .createQueryBuilder('k')
      .where('k.instance_id = :i', { i: caller.instance.id })
      .orderBy('k.created_at')
      .addOrderBy('k.id')
      .getMany();
  }

  // ---- internals --------------------------------------------------------------------------

  /** Activations and deletions of one instance's keys take turns (one active key at a time). */
  private async lockInstanceKeys(tx: EntityManager, instanceId: string): Promise<void> {
    await holdTransactionLock(tx, `${instanceId}/web_keys`);
  }

  /** Appends the key's events and, unless it is being deleted, moves its row's sequence on. */
  private async push(
    tx: EntityManager,
    caller: Caller,
    id: string,
    events: { type: string; payload?: Record<string, unknown> }[],
    updateRow = true,
  ): Promise<WrittenEvent> {
    const written = await this.events.push(
      tx,
      caller.instance.id,
      creatorOf(caller),
      events.map((e) => ({ aggregateType: 'web_key', aggregateId: id, resourceOwner: caller.instance.id, ...e })),
    );
    const last = written[written.length - 1];
    if (updateRow) {
      await tx.update(
        WebKey,
        { instanceId: caller.instance.id, id },
        { sequence: last.sequence.toString(), changedAt: last.createdAt },
      );
    }
    return last;
  }
}
