import { ReadCache, type Freshness } from './read-cache.js';

function world(options: { maxEntries?: number; keepFor?: (v: string | undefined) => number } = {}) {
  const freshness = { usable: true, version: 0 };
  let loads = 0;
  const cache = new ReadCache<string | undefined>(freshness as Freshness, { name: 'test', ...options });
  const read = (instance: string, key: string, value: string | undefined = `${instance}/${key}`) =>
    cache.get(instance, key, async () => {
      loads++;
      return value;
    });
  return { freshness, cache, read, loads: () => loads };
}

describe('ReadCache', () => {
  it('loads once, then answers from memory', async () => {
    const w = world();
    expect(await w.read('i1', 'k')).toBe('i1/k');
    expect(await w.read('i1', 'k')).toBe('i1/k');
    expect(w.loads()).toBe(1);
    expect(w.cache.stats).toEqual({ hits: 1, misses: 1 });
  });

  it('reads through and keeps nothing while not usable', async () => {
    const w = world();
    w.freshness.usable = false;
    await w.read('i1', 'k');
    await w.read('i1', 'k');
    expect(w.loads()).toBe(2);
    expect(w.cache.entries).toBe(0);
  });

  it('does not keep a value whose load began before a change', async () => {
    const w = world();
    let release!: () => void;
    const slow = w.cache.get('i1', 'k', () => new Promise<string>((resolve) => (release = () => resolve('old'))));
    w.freshness.version++; // a commit lands while the load is in flight
    release();
    expect(await slow).toBe('old');
    expect(w.cache.entries).toBe(0);
    expect(await w.read('i1', 'k', 'new')).toBe('new');
  });

  it('forgets one instance, or all', async () => {
    const w = world();
    await w.read('i1', 'a');
    await w.read('i2', 'a');
    w.cache.forget('i1');
    expect(w.cache.entries).toBe(1);
    await w.read('i2', 'a');
    expect(w.loads()).toBe(2);
    w.cache.forget();
    expect(w.cache.entries).toBe(0);
  });

  it('keeps a value only as long as keepFor allows (0: not at all)', async () => {
    const w = world({ keepFor: (v) => (v === 'unknown' ? 0 : 1) });
    await w.read('i1', 'missing', 'unknown');
    await w.read('i1', 'missing', 'unknown');
    expect(w.loads()).toBe(2);
    await w.read('i1', 'brief');
    await new Promise((r) => setTimeout(r, 5));
    await w.read('i1', 'brief');
    expect(w.loads()).toBe(4);
  });

  it('peek answers a kept value within its lifetime, never loads, and misses once it has expired', async () => {
    const w = world({ keepFor: () => 20 });
    expect(w.cache.peek('i1', 'k')).toBeUndefined();
    await w.read('i1', 'k');
    expect(w.cache.peek('i1', 'k')).toBe('i1/k');
    expect(w.cache.peek('i2', 'k')).toBeUndefined();
    await new Promise((r) => setTimeout(r, 30));
    expect(w.cache.peek('i1', 'k')).toBeUndefined();
    expect(w.loads()).toBe(1);
  });

  it('peek answers nothing while not usable', async () => {
    const w = world();
    await w.read('i1', 'k');
    w.freshness.usable = false;
    expect(w.cache.peek('i1', 'k')).toBeUndefined();
  });

  it('holds at most maxEntries, dropping the oldest first', async () => {
    const w = world({ maxEntries: 2 });
    await w.read('i1', 'a');
    await w.read('i1', 'b');
    await w.read('i1', 'c');
    expect(w.cache.entries).toBe(2);
    await w.read('i1', 'c');
    await w.read('i1', 'b');
    expect(w.loads()).toBe(3);
    await w.read('i1', 'a');
    expect(w.loads()).toBe(4);
  });
});
