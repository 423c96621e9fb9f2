import { Injectable } from '@nestjs/common';
import { ChangeFeed } from '../platform/cache/change-feed.js';
import type { ReadCache } from '../platform/cache/read-cache.js';
import { resolveFeatures, type ResolvedFeatures } from './feature-flags.js';
import { FeaturesStore } from './features.store.js';

/**
 * The flags in force on an instance (its own, else the system's), for the hot paths (authorize,
 * token, SAML SSO, device verification). Cached per instance and kept true by the change feed:
 * a change in any process drops the instance's entry (a system change drops every instance's).
 */
@Injectable()
export class InstanceFeatures {
  private readonly cache: ReadCache<ResolvedFeatures>;

  constructor(
    feed: ChangeFeed,
    private readonly store: FeaturesStore,
  ) {
    this.cache = feed.cache({ name: 'instance_features', maxEntries: 1_000 });
  }

  of(instanceId: string): Promise<ResolvedFeatures> {
    return this.cache.get(instanceId, 'features', async () => {
      const { system, instance } = await this.store.systemAndInstance(instanceId);
      return resolveFeatures([
        { level: 'system', values: system },
        { level: 'instance', values: instance },
      ]);
    });
  }
}
