import type { MembershipGrant } from '../authz/permissions.js';

/** The authenticated caller, as every service sees it regardless of transport or token kind. */
export interface Principal {
  readonly userId: string;
  readonly instanceId: string;
  /** The org the user belongs to. */
  readonly orgId: string;
  /** How the caller proved who it is: a PAT, a session token, or an OIDC access token. */
  readonly method: 'pat' | 'session' | 'oidc';
  /** With `method: 'session'`: the session whose token authenticated the call. */
  readonly sessionId?: string;
  readonly grants: readonly MembershipGrant[];
}
