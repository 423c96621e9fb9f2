import type { MembershipGrant } from '../authz/permissions.js';

/**
 * A caller that may only take the steps its sign-in still needs (a session whose user must change
 * the password first): the methods it may call, as `package.Service/Method`, and why.
 */
export interface CallerLimit {
  readonly methods: ReadonlySet<string>;
  readonly reason: string;
}

/** The authenticated caller, as every service sees it regardless of transport or token kind. */
export interface Principal {
  readonly userId: string;
  readonly instanceId: string;
  /** The org the user belongs to. */
  readonly orgId: string;
  /**
   * How the caller proved who it is: a PAT, a session token, or an OIDC access token; or the
   * hosted login pages themselves (`login_client`, no user behind it).
   */
  readonly method: 'pat' | 'session' | 'oidc' | 'login_client';
  /** With `method: 'session'`: the session whose token authenticated the call. */
  readonly sessionId?: string;
  /**
   * With `method: 'oidc'`: the client the access token was issued to. Its project is the caller's
   * project in ZITADEL's sense (ListMyProjectPermissions); PATs and session tokens name none.
   */
  readonly clientId?: string;
  /** Set for a limited caller: it holds no roles, and may call only these methods. */
  readonly limitedTo?: CallerLimit;
  readonly grants: readonly MembershipGrant[];
}
