import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { hashToken, randomToken } from '../../platform/crypto/master-key.js';
import { Transactions } from '../../platform/database/transactions.js';
import type { WrittenEvent } from '../../platform/events/event-store.js';
import { IdGenerator } from '../../platform/ids/id-generator.js';
import type { Caller } from '../../platform/rpc/call-context.js';
import { PersonalAccessToken } from '../personal-access-token.entity.js';
import { UserStore } from '../users.store.js';
import type { User } from '../user.entity.js';
import { notMachine } from '../users.errors.js';
import * as errors from './credentials.errors.js';
import { MachineKey } from './machine-key.entity.js';
import { expirationOf, generateRsaKeyPair, keyFile, parsePublicKey } from './machine-keys.js';
import { MachineSecret } from './machine-secret.entity.js';

/** Bytes of entropy in a PAT or client secret (64 URL-safe characters). */
const SECRET_BYTES = 48;

/**
 * A PAT for a machine user, stored as its SHA-256 only; what PatStrategy looks up. Shared by the
 * API and the server's own callers (bootstrap) so every PAT is made the same way.
 */
export async function insertPersonalAccessToken(
  tx: EntityManager,
  ids: IdGenerator,
  instanceId: string,
  user: Pick<User, 'id' | 'resourceOwner'>,
  expiresAt: Date,
  createdAt: Date,
): Promise<{ id: string; token: string }> {
  const id = ids.next();
  const token = randomToken(SECRET_BYTES);
  await tx.insert(PersonalAccessToken, {
    instanceId,
    id,
    userId: user.id,
    resourceOwner: user.resourceOwner,
    tokenHash: hashToken(token),
    expiresAt,
    createdAt,
  });
  return { id, token };
}

/**
 * Credentials of machine users: personal access tokens, keys (JWT profile) and the client
 * secret. As ZITADEL, each needs user.write on the user's org, or being that machine user
 * itself; human users have none of them. Secrets are returned once and never appear in events.
 */
@Injectable()
export class MachineCredentialsService {
  constructor(
    private readonly tx: Transactions,
    private readonly ids: IdGenerator,
    private readonly store: UserStore,
  ) {}

  async addPersonalAccessToken(
    caller: Caller,
    userId: string,
    expiration: Date | undefined,
  ): Promise<{ id: string; token: string; createdAt: Date }> {
    const expiresAt = expirationOf(expiration, 'expiration_date');
    return this.tx.run(async (tx) => {
      const user = await this.loadMachine(tx, caller, userId);
      const createdAt = new Date();
      const { id, token } = await insertPersonalAccessToken(
        tx,
        this.ids,
        caller.instance.id,
        user,
        expiresAt,
        createdAt,
      );
      const event = await this.store.push(tx, caller, user, [
        { type: 'user.personal.access.token.added', payload: { tokenId: id, expiration: expiresAt.toISOString() } },
      ]);
      return { id, token, createdAt: event.createdAt };
    });
  }

  async removePersonalAccessToken(caller: Caller, userId: string, tokenId: string): Promise<WrittenEvent> {
    return this.tx.run(async (tx) => {
      const user = await this.loadMachine(tx, caller, userId);
      const removed = await tx.delete(PersonalAccessToken, {
        instanceId: caller.instance.id,
        userId: user.id,
        id: tokenId,
      });
      if (!removed.affected) throw errors.patNotFound();
      return this.store.push(tx, caller, user, [{ type: 'user.personal.access.token.removed', payload: { tokenId } }]);
    });
  }

  /**
   * Adds a key: the supplied RSA public key, or a generated RSA 2048 pair whose private half is
   * only in the returned key file.
   */
  async addKey(
    caller: Caller,
    userId: string,
    input: { expiration?: Date; publicKey?: Uint8Array },
    outer?: EntityManager,
  ): Promise<{ id: string; createdAt: Date; keyFile: Buffer }> {
    const expiresAt = expirationOf(input.expiration, 'expiration_date');
    const supplied = input.publicKey?.length ? parsePublicKey(input.publicKey, 'public_key') : undefined;
    return this.tx.run(async (tx) => {
      const user = await this.loadMachine(tx, caller, userId);
      const generated = supplied ? undefined : await generateRsaKeyPair();
      const id = this.ids.next();
      await tx.insert(MachineKey, {
        instanceId: caller.instance.id,
        id,
        userId: user.id,
        resourceOwner: user.resourceOwner,
        publicKey: supplied ?? generated!.publicKey,
        expiresAt,
        createdAt: new Date(),
      });
      const event = await this.store.push(tx, caller, user, [
        {
          type: 'user.machine.key.added',
          payload: { keyId: id, keyType: 'json', expiration: expiresAt.toISOString(), publicKeySupplied: !!supplied },
        },
      ]);
      return {
        id,
        createdAt: event.createdAt,
        keyFile: keyFile({ keyId: id, userId: user.id, expiresAt, privateKey: generated?.privateKey }),
      };
    }, outer);
  }

  async removeKey(caller: Caller, userId: string, keyId: string): Promise<WrittenEvent> {
    return this.tx.run(async (tx) => {
      const user = await this.loadMachine(tx, caller, userId);
      const removed = await tx.delete(MachineKey, { instanceId: caller.instance.id, userId: user.id, id: keyId });
      if (!removed.affected) throw errors.keyNotFound();
      return this.store.push(tx, caller, user, [{ type: 'user.machine.key.removed', payload: { keyId } }]);
    });
  }

  /** Generates the user's client secret, replacing any earlier one. */
  async addSecret(caller: Caller, userId: string): Promise<{ secret: string; createdAt: Date }> {
    return this.tx.run(async (tx) => {
      const user = await this.loadMachine(tx, caller, userId);
      const secret = randomToken(SECRET_BYTES);
      const event = await this.store.push(tx, caller, user, [{ type: 'user.machine.secret.set' }]);
      await tx
        .createQueryBuilder()
        .insert()
        .into(MachineSecret)
        .values({
          instanceId: caller.instance.id,
          userId: user.id,
          secretHash: hashToken(secret),
          createdAt: event.createdAt,
        })
        .orUpdate(['secret_hash', 'created_at'], ['instance_id', 'user_id'])
        .execute();
      return { secret, createdAt: event.createdAt };
    });
  }

  async removeSecret(caller: Caller, userId: string): Promise<WrittenEvent> {
    return this.tx.run(async (tx) => {
      const user = await this.loadMachine(tx, caller, userId);
      const removed = await tx.delete(MachineSecret, { instanceId: caller.instance.id, userId: user.id });
      if (!removed.affected) throw errors.noSecret();
      return this.store.push(tx, caller, user, [{ type: 'user.machine.secret.removed' }]);
    });
  }

  private async loadMachine(tx: EntityManager, caller: Caller, userId: string): Promise<User> {
    const user = await this.store.load(tx, caller, userId, 'user.write', { lock: true, self: true });
    if (user.type !== 'machine') throw notMachine();
    return user;
  }
}
