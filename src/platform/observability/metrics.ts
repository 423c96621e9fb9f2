import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one process, served at /debug/metrics. */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'portcullis_requests_total',
    help: 'Requests by method (RPC or HTTP route) and result code',
    labelNames: ['transport', 'method', 'code'] as const,
    registers: [this.registry],
  });

  readonly latency = new Histogram({
    name: 'portcullis_request_duration_seconds',
    help: 'Request latency by method and result code',
    labelNames: ['transport', 'method', 'code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'portcullis_' });
  }

  /**
   * The counter and histogram children of each label set, found once: prom-client hashes the
   * label object on every call otherwise. Bounded by the methods, transports and codes there are.
   */
  private readonly children = new Map<string, { count: Counter.Internal; time: Histogram.Internal<string> }>();

  observe(transport: string, method: string, code: string, seconds: number): void {
    const key = `${transport} ${method} ${code}`;
    let child = this.children.get(key);
    if (!child) {
      child = {
        count: this.requests.labels(transport, method, code),
        time: this.latency.labels(transport, method, code),
      };
      this.children.set(key, child);
    }
    child.count.inc();
    child.time.observe(seconds);
  }
}
