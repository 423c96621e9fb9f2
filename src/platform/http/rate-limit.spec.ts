import { Code } from '@connectrpc/connect';
import { RateLimiter, instanceBucket, rateLimitedError } from './rate-limit.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('RateLimiter', () => {
  it('lets a burst of perMinute through, then refuses with the seconds until a token is back', () => {
    const c = clock();
    const limiter = new RateLimiter({ perMinute: 3, now: c.now });
    expect([1, 2, 3].map(() => limiter.take('session', '10.0.0.1').allowed)).toEqual([true, true, true]);
    const refused = limiter.take('session', '10.0.0.1');
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 20 }); // 3/min = one token per 20 s
    c.advance(19_000);
    expect(limiter.take('session', '10.0.0.1')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    c.advance(1_000);
    expect(limiter.take('session', '10.0.0.1').allowed).toBe(true);
    expect(limiter.take('session', '10.0.0.1').allowed).toBe(false);
  });

  it('keeps IPs and buckets apart', () => {
    const limiter = new RateLimiter({ perMinute: 1, now: clock().now });
    expect(limiter.take('session', 'a').allowed).toBe(true);
    expect(limiter.take('session', 'a').allowed).toBe(false);
    expect(limiter.take('session', 'b').allowed).toBe(true);
    expect(limiter.take('token', 'a').allowed).toBe(true);
  });

  it("gives each instance behind one address its own budget: one tenant's traffic spends no other's", () => {
    const limiter = new RateLimiter({ perMinute: 1, now: clock().now });
    expect(limiter.take(instanceBucket('token', 'instance-a'), '10.0.0.1').allowed).toBe(true);
    expect(limiter.take(instanceBucket('token', 'instance-a'), '10.0.0.1').allowed).toBe(false);
    expect(limiter.take(instanceBucket('token', 'instance-b'), '10.0.0.1').allowed).toBe(true);
  });

  it('refills to capacity and no further', () => {
    const c = clock();
    const limiter = new RateLimiter({ perMinute: 60, now: c.now });
    for (let i = 0; i < 60; i++) limiter.take('b', 'ip');
    c.advance(3_600_000);
    let allowed = 0;
    while (limiter.take('b', 'ip').allowed) allowed++;
    expect(allowed).toBe(60);
  });

  it('is off at 0', () => {
    const limiter = new RateLimiter({ perMinute: 0 });
    expect(limiter.enabled).toBe(false);
    for (let i = 0; i < 1000; i++) expect(limiter.take('b', 'ip').allowed).toBe(true);
  });

  it('stays bounded in memory under many addresses, forgetting idle buckets first', () => {
    const c = clock();
    const limiter = new RateLimiter({ perMinute: 2, maxKeys: 100, now: c.now });
    for (let i = 0; i < 1000; i++) limiter.take('b', `ip-${i}`);
    expect((limiter as unknown as { buckets: Map<string, unknown> }).buckets.size).toBeLessThanOrEqual(100);
    // The most recent address is still limited.
    limiter.take('b', 'ip-999');
    expect(limiter.take('b', 'ip-999').allowed).toBe(false);
  });

  it('maps a refusal to RESOURCE_EXHAUSTED with retry-after metadata', () => {
    const err = rateLimitedError({ allowed: false, retryAfterSeconds: 7 });
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.metadata.get('retry-after')).toBe('7');
    expect(err.rawMessage).toMatch(/RATE-l1m1t/);
  });
});
