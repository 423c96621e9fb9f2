import { createPublicKey, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ChangeFeed } from '../platform/cache/change-feed.js';
import type { ReadCache } from '../platform/cache/read-cache.js';

/** A machine key's PEM as stored, imported once. */
interface ImportedKey {
  readonly pem: string;
  readonly key: KeyObject;
  readonly expiresAt: Date;
}

/**
 * Machine users' public keys as KeyObjects, per instance and key id, so that a JWT-profile grant
 * does not parse the key's PEM on every token request. Only the import is kept: whether the key is
 * still active is read from the database on every request, so a removed or expired key is refused
 * at once in every process whatever is kept here. An entry goes with its instance's entries when
 * the change feed announces a change (the machine keys' table is among those it watches), and at the key's expiry.
 */
@Injectable()
export class MachineKeyObjects {
  private readonly cache: ReadCache<ImportedKey>;

  constructor(feed: ChangeFeed) {
    this.cache = feed.cache<ImportedKey>({
      name: 'machine-key-objects',
      maxEntries: 10_000,
      ttlMs: 600_000,
      keepFor: (imported) => imported.expiresAt.getTime() - Date.now(),
    });
  }

  /** The active key `keyId` (as just read from the database) as a KeyObject. */
  async of(instanceId: string, keyId: string, active: { publicKey: string; expiresAt: Date }): Promise<KeyObject> {
    const kept = await this.cache.get(instanceId, keyId, async () => ({
      pem: active.publicKey,
      key: createPublicKey(active.publicKey),
      expiresAt: active.expiresAt,
    }));
    // A key id names one key for good; comparing costs little and ties the entry to what was read.
    return kept.pem === active.publicKey ? kept.key : createPublicKey(active.publicKey);
  }
}
