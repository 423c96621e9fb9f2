import type { Caller } from '../rpc/call-context.js';
import type { Instance } from '../tenancy/instance.entity.js';
import type { Principal } from './principal.js';

/**
 * The id the hosted login pages act under: no user has it (user ids are generated numbers), and
 * audit events written by the pages name it as their creator.
 */
export const LOGIN_CLIENT_ID = 'LOGIN_CLIENT';

/** ZITADEL's role for a login UI: session and auth-request permissions, user reads and self-service writes. */
export const LOGIN_CLIENT_ROLE = 'IAM_LOGIN_CLIENT';

/**
 * The hosted login as a login client of the instance, as ZITADEL's Login V2 runs with a service
 * user holding IAM_LOGIN_CLIENT: exactly that role on this instance and nothing else, so every
 * service call of the pages goes through `authorize()` like any client's.
 */
export function loginClientPrincipal(instance: Instance): Principal {
  return {
    userId: LOGIN_CLIENT_ID,
    instanceId: instance.id,
    orgId: instance.defaultOrgId ?? instance.id,
    method: 'login_client',
    grants: [{ level: 'instance', resourceId: instance.id, resourceOwner: instance.id, roles: [LOGIN_CLIENT_ROLE] }],
  };
}

export function loginClientCaller(instance: Instance, requestId: string, origin: string): Caller {
  return { instance, principal: loginClientPrincipal(instance), requestId, origin };
}
