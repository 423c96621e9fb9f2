import { createContextKey, type HandlerContext } from '@connectrpc/connect';
import type { Principal } from '../auth/principal.js';
import type { Instance } from '../tenancy/instance.entity.js';
import { Unauthenticated } from '../errors/domain-error.js';

export const INSTANCE = createContextKey<Instance | undefined>(undefined, { description: 'instance' });
export const PRINCIPAL = createContextKey<Principal | undefined>(undefined, { description: 'principal' });
/** `scheme://host[:port]` the caller reached the instance at (see InstanceResolver.resolveRequest). */
export const ORIGIN = createContextKey<string | undefined>(undefined, { description: 'public origin' });
export const REQUEST_ID = createContextKey<string>('', { description: 'request id' });
/** The client's address as the connection shows it (rate limits); set by each transport. */
export const PEER_ADDRESS = createContextKey<string>('unknown', { description: 'peer address' });

/** Who is calling on which instance: what services take instead of transport objects. */
export interface Caller {
  readonly instance: Instance;
  readonly principal: Principal | undefined;
  readonly requestId: string;
  /**
   * The origin the request reached the instance at, already checked to be one of its domains:
   * what issuers and the links sent to users are built on. Absent for the server's own work.
   */
  readonly origin?: string;
  /** Set only for the server's own work (bootstrap): it passes every permission check. */
  readonly system?: true;
}

export interface AuthenticatedCaller extends Caller {
  readonly principal: Principal;
}

export function callerOf(ctx: HandlerContext): Caller {
  const instance = ctx.values.get(INSTANCE);
  if (!instance) throw new Error('instance missing from call context: tenancy interceptor not run');
  const origin = ctx.values.get(ORIGIN);
  return {
    instance,
    principal: ctx.values.get(PRINCIPAL),
    requestId: ctx.values.get(REQUEST_ID),
    ...(origin ? { origin } : {}),
  };
}

export function authenticatedCallerOf(ctx: HandlerContext): AuthenticatedCaller {
  const caller = callerOf(ctx);
  if (!caller.principal) throw Unauthenticated('AUTH-n0c4l', 'authentication required');
  return caller as AuthenticatedCaller;
}

/** The actor recorded on audit events. */
export function creatorOf(caller: Caller): string {
  return caller.principal?.userId ?? 'SYSTEM';
}

export function systemCaller(instance: Instance, requestId: string): Caller {
  return { instance, principal: undefined, requestId, system: true };
}
