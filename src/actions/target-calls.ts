import type { KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { Counter, Histogram } from 'prom-client';
import { OutboundError, OutboundHttp } from '../platform/http/outbound.js';
import { LOGGER } from '../platform/logging/logger-token.js';
import { Metrics } from '../platform/observability/metrics.js';
import type { TargetType } from './actions.store.js';
import { CallSlots, NoSlotInTime, TooManyWaiting } from './call-slots.js';
import { signatureHeader } from './execution-rules.js';

/** A target as an execution calls it: the signing key already unsealed. */
export interface CallableTarget {
  readonly id: string;
  readonly targetType: TargetType;
  /** The endpoint, parsed once when the target is loaded. */
  readonly endpoint: URL;
  readonly timeoutMs: number;
  readonly interruptOnError: boolean;
  readonly signingKey: KeyObject;
}

/** A target's counters and timer, bound to its id once (prom-client hashes label objects on every call otherwise). */
interface TargetMetrics {
  readonly ok: Counter.Internal;
  readonly failed: Counter.Internal;
  readonly latency: Histogram.Internal<'target'>;
}

/** Targets whose bound metrics are kept; beyond, the oldest are dropped (their series stay registered). */
const MAX_BOUND_TARGETS = 10_000;

/** Most bytes of a restCall target's answer read (it replaces a request or response). */
const MAX_ANSWER_BYTES = 1024 * 1024;
/** Outbound calls in flight at once from this process; more wait their turn. */
const MAX_IN_FLIGHT = 32;
/** Calls waiting for a turn; beyond that a call fails at once rather than piling up. */
const MAX_WAITING = 512;

export class TargetCallError extends Error {}

/**
 * Calls targets as ZITADEL's internal/execution does: a JSON POST signed with the target's key
 * (`ZITADEL-Signature`), through the server's SSRF-guarded outbound client, within the target's
 * timeout; 2xx is success. A bounded number of calls run at once, so slow targets cannot take
 * every socket and every request with them. Each call is counted and timed per target on
 * /debug/metrics; failures are logged with the target id, never the payload.
 */
@Injectable()
export class TargetCalls {
  private readonly slots = new CallSlots(MAX_IN_FLIGHT, MAX_WAITING);
  private readonly calls: Counter<'target' | 'result'>;
  private readonly latency: Histogram<'target'>;
  private readonly bound = new Map<string, TargetMetrics>();

  constructor(
    private readonly outbound: OutboundHttp,
    metrics: Metrics,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    this.calls = new Counter({
      name: 'portcullis_action_target_calls_total',
      help: 'Calls to Actions v2 targets by target id and result (ok, failed)',
      labelNames: ['target', 'result'] as const,
      registers: [metrics.registry],
    });
    this.latency = new Histogram({
      name: 'portcullis_action_target_duration_seconds',
      help: 'Latency of calls to Actions v2 targets by target id',
      labelNames: ['target'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [metrics.registry],
    });
  }

  /**
   * Calls one target with `body`. A restCall's answer is returned; a webhook's is not read. A
   * restAsync target is started and left to run: its failure is only logged and counted.
   * Throws TargetCallError when the call fails (never for restAsync).
   */
  call(target: CallableTarget, body: string): Promise<string | undefined> {
    if (target.targetType === 'async') {
      this.post(target, body).catch(() => undefined);
      return Promise.resolve(undefined);
    }
    return this.post(target, body);
  }

  private metricsOf(targetId: string): TargetMetrics {
    let metrics = this.bound.get(targetId);
    if (!metrics) {
      if (this.bound.size >= MAX_BOUND_TARGETS) this.bound.delete(this.bound.keys().next().value!);
      metrics = {
        ok: this.calls.labels(targetId, 'ok'),
        failed: this.calls.labels(targetId, 'failed'),
        latency: this.latency.labels(targetId),
      };
      this.bound.set(targetId, metrics);
    }
    return metrics;
  }

  private async post(target: CallableTarget, body: string): Promise<string | undefined> {
    const started = performance.now();
    let ok = false;
    try {
      // The target's timeout bounds the wait for a slot and the call together.
      const deadline = Date.now() + target.timeoutMs;
      if (!this.slots.tryTake()) await this.slots.take(target.timeoutMs);
      try {
        const res = await this.outbound.request(target.endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'ZITADEL-Signature': signatureHeader(target.signingKey, body),
          },
          body,
          timeoutMs: Math.max(1, deadline - Date.now()),
          maxBytes: MAX_ANSWER_BYTES,
          ignoreBody: target.targetType !== 'call',
          maxRedirects: 0,
          keepAlive: true,
        });
        if (res.status < 200 || res.status > 299) throw new TargetCallError(`answered HTTP ${res.status}`);
        ok = true;
        return target.targetType === 'call' ? res.body.toString('utf8') : undefined;
      } finally {
        this.slots.release();
      }
    } catch (err) {
      const why = reasonOf(err, target.timeoutMs);
      this.log.warn({ target: target.id, type: target.targetType, why }, 'action target call failed');
      throw err instanceof TargetCallError ? err : new TargetCallError(why);
    } finally {
      const metrics = this.metricsOf(target.id);
      (ok ? metrics.ok : metrics.failed).inc();
      metrics.latency.observe((performance.now() - started) / 1000);
    }
  }
}

function reasonOf(err: unknown, timeoutMs: number): string {
  const timedOut = err instanceof NoSlotInTime || (err instanceof OutboundError && err.failure === 'timeout');
  if (timedOut) return `no answer within ${timeoutMs} ms`;
  if (err instanceof TooManyWaiting) return `more than ${MAX_WAITING} target calls are waiting`;
  return (err as Error).message;
}
