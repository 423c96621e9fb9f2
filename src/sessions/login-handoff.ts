import { Injectable } from '@nestjs/common';
import { hasPermission } from '../platform/authz/permissions.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { sameTokenHash } from '../platform/crypto/master-key.js';
import { SessionStandings } from './session-standing.queries.js';
import {
  loginFreshSignInRequired,
  loginLinkDenied,
  loginMfaRequired,
  loginPasswordChangeRequired,
  loginSessionNotAuthenticated,
  loginSessionTooOld,
  sessionExpired,
  sessionTokenInvalid,
  userNotActive,
} from './sessions.errors.js';

/** A session that proved who its user is, as the OIDC and SAML hand-offs need it. */
export interface LoginSession {
  readonly sessionId: string;
  readonly userId: string;
  /** The org of the user. */
  readonly orgId: string;
  /** The latest time a factor was checked: the `auth_time` of tokens and assertions. */
  readonly authTime: Date;
  /** RFC 8176 / ZITADEL authentication method references (pwd, user, otp, mfa …). */
  readonly amr: readonly string[];
  /** Whether the checks add up to more than one factor (or a passkey with user verification). */
  readonly multiFactor: boolean;
}

export interface HandoffRules {
  /** OIDC max_age: the session's last check must be at most this old. */
  readonly maxAgeSeconds?: number;
  /** SAML ForceAuthn: a factor must have been checked at or after this time (when the request arrived). */
  readonly checkedSince?: Date;
}

// The login pages match these ids; they are declared with the context's other errors.
export {
  LOGIN_LINK_DENIED_ID,
  LOGIN_MFA_REQUIRED_ID,
  LOGIN_NOT_AUTHENTICATED_ID,
  LOGIN_PASSWORD_CHANGE_ID,
  LOGIN_TOO_OLD_ID,
} from './sessions.errors.js';

/** ZITADEL's rule for the login-UI surface (auth, device and SAML requests): session.link on the instance. */
export function assertLoginClient(caller: Caller): void {
  if (caller.system) return;
  const principal = caller.principal;
  if (!principal || !hasPermission(principal.grants, caller.instance.id, 'session.link', { instance: true }))
    throw loginLinkDenied();
}

/**
 * What the OIDC CreateCallback, device authorization and SAML CreateResponse share: given a
 * session id and its current token, may this caller finish a login with it, and who logs in. The
 * caller needs `session.link` on the instance (ZITADEL's login client role); the session is
 * unexpired, its user and org are active, it satisfies the login rules (`sessionStanding`: first
 * factor, the second factor forced or set up, no pending step), and an OIDC max_age or SAML
 * ForceAuthn is honoured.
 */
@Injectable()
export class LoginHandoff {
  constructor(private readonly standings: SessionStandings) {}

  async sessionFor(
    caller: Caller,
    sessionId: string,
    sessionToken: string,
    rules: HandoffRules = {},
  ): Promise<LoginSession> {
    assertLoginClient(caller);
    const session = await this.standings.byId(caller.instance.id, sessionId);
    if (!session || !sameTokenHash(session.tokenHash, sessionToken)) throw sessionTokenInvalid();
    if (session.expired) throw sessionExpired();
    if (!session.userId || !session.orgId || !session.standing) throw loginSessionNotAuthenticated();
    if (!session.active) throw userNotActive();
    const { missing, pending, amr, multiFactor } = session.standing;
    if (missing === 'first_factor') throw loginSessionNotAuthenticated();

    const authTime = new Date(Math.max(...session.checkTimes.map((t) => t.getTime())));
    if (rules.maxAgeSeconds !== undefined && Date.now() - authTime.getTime() > rules.maxAgeSeconds * 1000)
      throw loginSessionTooOld();
    if (rules.checkedSince && authTime < rules.checkedSince) throw loginFreshSignInRequired();

    if (missing === 'second_factor' || pending.includes('mfa_setup')) throw loginMfaRequired();
    if (pending.includes('password_change')) throw loginPasswordChangeRequired();
    return { sessionId: session.id, userId: session.userId, orgId: session.orgId, authTime, amr, multiFactor };
  }
}
