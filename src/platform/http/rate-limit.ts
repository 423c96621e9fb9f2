import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { ErrorDetailSchema } from '@zitadel/proto/zitadel/message_pb.js';
import { sendJson, type HttpRequest, type HttpResponse } from './http-routes.js';

/** Stable id of the "too many requests" error on every transport. */
export const RATE_LIMITED_ID = 'RATE-l1m1t';

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Whole seconds until a token is back (0 when allowed): the `Retry-After` value. */
  readonly retryAfterSeconds: number;
}

export interface RateLimitOptions {
  /** Requests per minute per (bucket, IP); also the burst size. 0 turns limiting off. */
  readonly perMinute: number;
  /** Most (bucket, IP) pairs kept; beyond it, idle (full) buckets are dropped, then the oldest. */
  readonly maxKeys?: number;
  /** Milliseconds clock, for tests. */
  readonly now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const ALLOWED: RateLimitDecision = Object.freeze({ allowed: true, retryAfterSeconds: 0 });

/**
 * Per-IP token buckets (one set per named bucket, e.g. `session`, `token`): a bucket holds up to
 * `perMinute` tokens and refills at `perMinute / 60` per second, so short bursts pass and a
 * sustained rate above the limit is refused.
 *
 * The buckets live in this process's memory: with several processes behind a load balancer each
 * enforces the limit on its own (the effective limit is up to N × the setting), and a restart
 * forgets them. That is deliberate: they are a cache that is safe to lose, and the lockout policy
 * (stored in PostgreSQL) is what bounds password guessing per account.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;
  private readonly perMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(options: RateLimitOptions) {
    this.capacity = options.perMinute;
    this.perMs = options.perMinute / 60_000;
    this.maxKeys = options.maxKeys ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.capacity > 0;
  }

  /** Takes one token for `ip` from `bucket`, or says how long until one is back. */
  take(bucket: string, ip: string): RateLimitDecision {
    if (!this.enabled) return ALLOWED;
    const key = `${bucket}\u0000${ip}`;
    const now = this.now();
    let state = this.buckets.get(key);
    if (state) {
      state.tokens = Math.min(this.capacity, state.tokens + (now - state.at) * this.perMs);
      state.at = now;
    } else {
      if (this.buckets.size >= this.maxKeys) this.evict(now);
      state = { tokens: this.capacity, at: now };
      this.buckets.set(key, state);
    }
    if (state.tokens >= 1) {
      state.tokens -= 1;
      return ALLOWED;
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - state.tokens) / this.perMs / 1000)) };
  }

  /** Drops buckets that are full again (forgetting them changes nothing), then the oldest tenth if still too many. */
  private evict(now: number): void {
    for (const [key, state] of this.buckets) {
      if (state.tokens + (now - state.at) * this.perMs >= this.capacity) this.buckets.delete(key);
    }
    if (this.buckets.size < this.maxKeys) return;
    let drop = Math.ceil(this.maxKeys / 10);
    for (const key of this.buckets.keys()) {
      if (drop-- <= 0) break;
      this.buckets.delete(key);
    }
  }
}

/**
 * A bucket of one instance: tenants behind one address (a NAT, a backend serving several) each
 * have their own budget, so one instance's traffic never spends another's.
 */
export function instanceBucket(bucket: string, instanceId: string | undefined): string {
  return instanceId ? `${bucket}\u0000${instanceId}` : bucket;
}

function message(): string {
  return `too many requests, retry later (${RATE_LIMITED_ID})`;
}

/**
 * The RPC error for a refused request: RESOURCE_EXHAUSTED with ZITADEL's error detail and a
 * `retry-after` metadata entry (REST sends it as the `Retry-After` header with status 429).
 */
export function rateLimitedError(decision: RateLimitDecision): ConnectError {
  return new ConnectError(message(), Code.ResourceExhausted, { 'retry-after': String(decision.retryAfterSeconds) }, [
    {
      desc: ErrorDetailSchema,
      value: create(ErrorDetailSchema, { id: RATE_LIMITED_ID, message: 'too many requests, retry later' }),
    },
  ]);
}

/**
 * For plain HTTP routes (e.g. the OIDC token endpoint): answers 429 with `Retry-After` and a JSON
 * body when `ip` is over the limit of `bucket` and returns true; returns false otherwise.
 * `body` lets OAuth endpoints answer in their own shape (RFC 6749 §5.2 style); the default is
 * ZITADEL's `{code, message, details}`.
 */
export function refuseIfRateLimited(
  limiter: RateLimiter,
  bucket: string,
  ip: string | undefined,
  res: HttpResponse,
  body: unknown = {
    code: Code.ResourceExhausted,
    message: message(),
    details: [
      {
        '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail',
        id: RATE_LIMITED_ID,
        message: 'too many requests, retry later',
      },
    ],
  },
): boolean {
  const decision = limiter.take(bucket, ip ?? 'unknown');
  if (decision.allowed) return false;
  sendJson(res, 429, body, { 'retry-after': String(decision.retryAfterSeconds), 'cache-control': 'no-store' });
  return true;
}

/**
 * The peer address of a request (HTTP/1.1 socket, or the HTTP/2 session's socket). Forwarded
 * headers are not trusted: a client could name any address in them.
 */
export function peerAddress(req: HttpRequest): string {
  return req.socket?.remoteAddress ?? 'unknown';
}
