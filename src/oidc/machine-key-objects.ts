import { createPublicKey, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ChangeFeed } from '../platform/cache/change-feed.js';
import type { ReadCache } from '../platform/cache/read-cache.js';

/**
 * Machine users' public keys as KeyObjects, so that a JWT-profile grant does not parse the key's
 * PEM on every token request. Kept by the PEM itself: an entry is the import of exactly the text
 * it is found by, so it can never stand for another key. Whether the key is still active is read
 * from the database on every request, so a removed or expired key is refused at once in every
 * process whatever is kept here.
 */
@Injectable()
export class MachineKeyObjects {
  private readonly cache: ReadCache<KeyObject>;

  constructor(feed: ChangeFeed) {
    this.cache = feed.cache<KeyObject>({ name: 'machine-key-objects', maxEntries: 10_000, ttlMs: 600_000 });
  }

  /** The active key's PEM (as just read from the database) as a KeyObject. */
  of(instanceId: string, publicKey: string): Promise<KeyObject> {
    return this.cache.get(instanceId, publicKey, async () => createPublicKey(publicKey));
  }
}
