import { LogThrottle } from './log-throttle.js';

describe('LogThrottle', () => {
  const make = (maxPerWindow = 10) => {
    let now = 0;
    const throttle = new LogThrottle({ windowMs: 60_000, maxPerWindow, now: () => now });
    return { throttle, advance: (ms: number) => (now += ms) };
  };

  it('logs a key once per window, then again after it', () => {
    const { throttle, advance } = make();
    expect(throttle.take('a.example').log).toBe(true);
    advance(59_999);
    expect(throttle.take('a.example').log).toBe(false);
    advance(1);
    expect(throttle.take('a.example')).toEqual({ log: true, suppressed: 1 });
  });

  it('logs different keys independently', () => {
    const { throttle } = make();
    expect(throttle.take('a.example').log).toBe(true);
    expect(throttle.take('b.example').log).toBe(true);
    expect(throttle.take('a.example').log).toBe(false);
  });

  it('caps the distinct keys logged per window, so many different keys cannot flood the log', () => {
    const { throttle, advance } = make(3);
    const logged = Array.from({ length: 100 }, (_, i) => throttle.take(`h${i}.example`).log).filter(Boolean);
    expect(logged).toHaveLength(3);
    advance(60_000);
    // The first line of the next window reports how many were dropped.
    expect(throttle.take('h99.example')).toEqual({ log: true, suppressed: 97 });
  });

  it('forgets keys whose window has ended, so memory stays bounded', () => {
    const { throttle, advance } = make(2);
    for (let i = 0; i < 1000; i++) {
      throttle.take(`h${i}.example`);
      advance(60_000);
    }
    expect((throttle as unknown as { seen: Map<string, number> }).seen.size).toBeLessThanOrEqual(2);
  });
});
