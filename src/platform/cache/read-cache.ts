/** What a cache asks before it keeps or serves anything. */
export interface Freshness {
  /** Entries may be served and kept now (the change feed is live, no unit of work is open). */
  readonly usable: boolean;
  /** Moves on whenever stored data may have changed: a load begun before that is not kept. */
  readonly version: number;
}

export interface ReadCacheOptions<V> {
  readonly name: string;
  /** Bound on entries over all instances; the oldest go first. */
  readonly maxEntries?: number;
  /** Backstop lifetime; changes are normally announced long before. */
  readonly ttlMs?: number;
  /** How long this value may be kept at most, in ms; 0 keeps it not at all (misses, say). */
  readonly keepFor?: (value: V) => number;
}

interface Entry<V> {
  readonly value: V;
  readonly until: number;
}

export interface CacheStats {
  hits: number;
  misses: number;
}

/**
 * Values read from the database, per instance and key, kept until the change feed says their
 * instance changed (or the backstop lifetime ends). Loads run concurrently; a load that began
 * before a change is answered but not kept, so a cache never keeps what a commit replaced. With a
 * freshness that never moves it is a plain bounded cache with a lifetime (the outbound client's
 * checked addresses).
 */
export class ReadCache<V> {
  private readonly instances = new Map<string, Map<string, Entry<V>>>();
  private size = 0;
  readonly stats: CacheStats = { hits: 0, misses: 0 };

  constructor(
    private readonly freshness: Freshness,
    readonly options: ReadCacheOptions<V>,
  ) {}

  async get(instanceId: string, key: string, load: () => Promise<V>): Promise<V> {
    if (!this.freshness.usable) return load();
    const hit = this.fresh(instanceId, key);
    if (hit) return hit.value;
    this.stats.misses++;
    const version = this.freshness.version;
    const value = await load();
    const keepMs = Math.min(this.options.ttlMs ?? 60_000, this.options.keepFor?.(value) ?? Infinity);
    if (keepMs > 0 && this.freshness.usable && this.freshness.version === version)
      this.keep(instanceId, key, value, Date.now() + keepMs);
    return value;
  }

  /**
   * The kept value, without loading on a miss and without a promise: for paths hot enough that
   * `get`'s await costs (a value that may be undefined cannot be told from a miss here).
   */
  peek(instanceId: string, key: string): V | undefined {
    return this.freshness.usable ? this.fresh(instanceId, key)?.value : undefined;
  }

  /** Forgets one instance's entries, or all. */
  forget(instanceId?: string): void {
    if (instanceId === undefined) {
      this.instances.clear();
      this.size = 0;
      return;
    }
    this.size -= this.instances.get(instanceId)?.size ?? 0;
    this.instances.delete(instanceId);
  }

  get entries(): number {
    return this.size;
  }

  /** The entry kept for the key while it is still within its lifetime (a hit). */
  private fresh(instanceId: string, key: string): Entry<V> | undefined {
    const hit = this.instances.get(instanceId)?.get(key);
    if (!hit || hit.until <= Date.now()) return undefined;
    this.stats.hits++;
    return hit;
  }

  private keep(instanceId: string, key: string, value: V, until: number): void {
    let entries = this.instances.get(instanceId);
    if (!entries) this.instances.set(instanceId, (entries = new Map()));
    if (entries.delete(key)) this.size--;
    if (this.size >= (this.options.maxEntries ?? 10_000)) this.evictOldest(entries);
    entries.set(key, { value, until });
    this.size++;
  }

  /** The instance's oldest entry, else the oldest of the instance cached first. */
  private evictOldest(preferred: Map<string, Entry<V>>): void {
    const from = preferred.size ? preferred : [...this.instances.values()].find((m) => m.size);
    const oldest = from?.keys().next();
    if (from && oldest && !oldest.done) {
      from.delete(oldest.value);
      this.size--;
    }
  }
}
