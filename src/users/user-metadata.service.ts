import { Injectable } from '@nestjs/common';
import { Transactions } from '../platform/database/transactions.js';
import { invalidField } from '../platform/errors/domain-error.js';
import type { WrittenEvent } from '../platform/events/event-store.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { UserMetadata } from './user-metadata.entity.js';
import * as errors from './users.errors.js';
import { UserStore } from './users.store.js';

/** Commands on a user's metadata: key/value pairs set and removed with the user's events. */
@Injectable()
export class UserMetadataService {
  constructor(
    private readonly tx: Transactions,
    private readonly store: UserStore,
  ) {}

  async setMetadata(
    caller: Caller,
    userId: string,
    entries: readonly { key: string; value: Uint8Array }[],
  ): Promise<WrittenEvent> {
    // Nothing to set would write no event (and answered INTERNAL: found by the fuzzer).
    if (entries.length === 0) throw invalidField('USER-m3t4e', 'metadata', 'at least one entry is required');
    entries.forEach((e, i) => {
      if (!e.key.trim()) throw invalidField('USER-m3t4k', `metadata[${i}].key`, 'must not be blank');
      if (e.value.length === 0) throw invalidField('USER-m3t4v', `metadata[${i}].value`, 'must not be empty');
    });
    return this.tx.run(async (tx) => {
      const user = await this.store.load(tx, caller, userId, 'user.write', { lock: true });
      const now = new Date();
      for (const e of entries) {
        await tx
          .createQueryBuilder()
          .insert()
          .into(UserMetadata)
          .values({
            instanceId: caller.instance.id,
            userId: user.id,
            key: e.key,
            value: Buffer.from(e.value),
            createdAt: now,
            changedAt: now,
          })
          .orUpdate(['value', 'changed_at'], ['instance_id', 'user_id', 'key'])
          .execute();
      }
      return this.store.push(
        tx,
        caller,
        user,
        entries.map((e) => ({ type: 'user.metadata.set', payload: { key: e.key } })),
      );
    });
  }

  async deleteMetadata(caller: Caller, userId: string, keys: readonly string[]): Promise<WrittenEvent> {
    if (!keys.length) throw invalidField('USER-m3t4d', 'keys', 'at least one key is required');
    return this.tx.run(async (tx) => {
      const user = await this.store.load(tx, caller, userId, 'user.write', { lock: true });
      for (const key of keys) {
        const result = await tx.delete(UserMetadata, { instanceId: caller.instance.id, userId: user.id, key });
        if (!result.affected) throw errors.metadataNotFound(key);
      }
      return this.store.push(
        tx,
        caller,
        user,
        keys.map((key) => ({ type: 'user.metadata.removed', payload: { key } })),
      );
    });
  }
}
