import { createContextKey, type HandlerContext } from '@connectrpc/connect';
import type { Principal } from '../auth/principal.js';
import type { SystemPrincipal } from '../auth/system-token.js';
import type { Instance } from '../tenancy/instance.entity.js';
import { Unauthenticated } from '../errors/domain-error.js';

export const INSTANCE = createContextKey<Instance | undefined>(undefined, { description: 'instance' });
export const PRINCIPAL = createContextKey<Principal | undefined>(undefined, { description: 'principal' });
/** `scheme://host[:port]` the caller reached the instance at (see InstanceResolver.resolveRequest). */
export const ORIGIN = createContextKey<string | undefined>(undefined, { description: 'public origin' });
/** The system API user of a system method (never set on an instance's methods). */
export const SYSTEM_PRINCIPAL = createContextKey<SystemPrincipal | undefined>(undefined, {
  description: 'system principal',
});
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
  /**
   * Set only for the server's own work (bootstrap, and what a system API user's call does inside
   * an instance, such as creating its first org): it passes every permission check.
   */
  readonly system?: true;
  /** Who the server's own work is done for, on audit events: a system API user's name. */
  readonly actor?: string;
}

/** A system API user's call: who it is and which request. */
export interface SystemCall {
  readonly principal: SystemPrincipal;
  readonly requestId: string;
}

/** The caller of a system method; the pipeline has checked its token and permission. */
export function systemCallOf(ctx: HandlerContext): SystemCall {
  const principal = ctx.values.get(SYSTEM_PRINCIPAL);
  if (!principal) throw Unauthenticated('AUTH-n0sys', 'system API authentication required');
  return { principal, requestId: ctx.values.get(REQUEST_ID) };
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
  return caller.principal?.userId ?? caller.actor ?? 'SYSTEM';
}

export function systemCaller(instance: Instance, requestId: string, actor?: string): Caller {
  return { instance, principal: undefined, requestId, system: true, ...(actor ? { actor } : {}) };
}

/** The server's work inside an instance on a system API user's behalf. */
export const callerForSystem = (instance: Instance, call: SystemCall): Caller =>
  systemCaller(instance, call.requestId, call.principal.userName);
