// The standard gRPC health service (grpc.health.v1.Health), for load balancers, Kubernetes gRPC
// probes and grpc_health_probe.
import { setTimeout as sleep } from 'node:timers/promises';
import type { DescService } from '@bufbuild/protobuf';
import { type HandlerContext } from '@connectrpc/connect';
import { Health, HealthCheckResponse_ServingStatus as Status } from '../../gen/grpc/health/v1/health_pb.js';
import { NotFound } from '../errors/domain-error.js';
import { toConnectError } from '../errors/wire-errors.js';
import type { ServiceBinding } from './registry.js';

export interface HealthOptions {
  /** The services whose names a caller may ask about, besides "" (the whole server). */
  readonly services?: () => readonly DescService[];
  /** How often Watch re-runs the check; one second unless a test needs it faster. */
  readonly pollMs?: number;
}

/**
 * `check` says whether the server can serve (e.g. its database answers); every known service
 * shares that one status, since they all stand on the same dependencies.
 */
export function healthBinding(check: () => Promise<boolean>, options: HealthOptions = {}): ServiceBinding {
  const { services = () => [], pollMs = 1000 } = options;
  const status = (service: string) => statusOf(service, check, services);
  const binding: ServiceBinding<typeof Health> = {
    service: Health,
    impl: {
      async check({ service }) {
        const current = await status(service);
        // The protocol reserves SERVICE_UNKNOWN for Watch; Check answers NOT_FOUND (health.proto).
        if (current === Status.SERVICE_UNKNOWN) {
          throw toConnectError(NotFound('HEALTH-u7k3p', `unknown service ${service}`));
        }
        return { status: current };
      },
      watch: ({ service }, ctx) => watchStatus(() => status(service), pollMs, ctx),
    },
    access: { check: 'public', watch: 'public' },
  };
  return binding as unknown as ServiceBinding;
}

/** The status of one service name: unknown names are SERVICE_UNKNOWN, known ones follow `check`. */
export async function statusOf(
  service: string,
  check: () => Promise<boolean>,
  services: () => readonly DescService[],
): Promise<Status> {
  const known = service === '' || service === Health.typeName || services().some((s) => s.typeName === service);
  if (!known) return Status.SERVICE_UNKNOWN;
  // A check that throws means a dependency is down: that is NOT_SERVING, not a failed probe.
  const serving = await check().catch(() => false);
  return serving ? Status.SERVING : Status.NOT_SERVING;
}

/**
 * The current status, then each change, until the client goes away. Unknown services are
 * watched too (SERVICE_UNKNOWN), since the protocol lets them become known later.
 */
export async function* watchStatus(
  current: () => Promise<Status>,
  pollMs: number,
  ctx: Pick<HandlerContext, 'signal'>,
): AsyncGenerator<{ status: Status }> {
  let last: Status | undefined;
  while (!ctx.signal.aborted) {
    const status = await current();
    if (status !== last) yield { status };
    last = status;
    const stillWatched = await sleep(pollMs, true, { signal: ctx.signal }).catch(() => false);
    if (!stillWatched) return;
  }
}
