import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FailedPrecondition, PermissionDenied } from '../platform/errors/domain-error.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { Policies } from '../settings/policies.js';
import { mfaForced } from '../settings/settings-rules.js';
import { hasSessionPermission, sameTokenHash } from './session-access.js';
import { sessionExpired, sessionTokenInvalid, userNotActive } from './sessions.errors.js';

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

interface HandoffRow {
  id: string;
  token_hash: string;
  user_id: string | null;
  resource_owner: string | null;
  expired: boolean;
  user_state: string | null;
  org_state: string | null;
  password_checked_at: Date | null;
  intent_checked_at: Date | null;
  webauthn_checked_at: Date | null;
  webauthn_user_verified: boolean;
  totp_checked_at: Date | null;
  otp_sms_checked_at: Date | null;
  otp_email_checked_at: Date | null;
}

/** The amr values and factor count of a session's checks; pure so the rules are unit tested. */
export function authenticationMethods(checks: {
  password?: Date | null;
  intent?: Date | null;
  webAuthn?: Date | null;
  webAuthnUserVerified?: boolean;
  totp?: Date | null;
  otpSms?: Date | null;
  otpEmail?: Date | null;
}): { amr: string[]; multiFactor: boolean; firstFactor: boolean } {
  const amr = new Set<string>();
  let factors = 0;
  if (checks.password) (amr.add('pwd'), factors++);
  if (checks.intent) factors++;
  if (checks.webAuthn) {
    amr.add('user');
    // A passkey with user verification is two factors on its own (possession + knowledge/biometric).
    factors += checks.webAuthnUserVerified ? 2 : 1;
  }
  if (checks.totp || checks.otpSms || checks.otpEmail) (amr.add('otp'), factors++);
  if (factors > 1) amr.add('mfa');
  const firstFactor = !!checks.password || !!checks.intent || (!!checks.webAuthn && !!checks.webAuthnUserVerified);
  return { amr: [...amr], multiFactor: factors > 1, firstFactor };
}

export const loginSessionNotAuthenticated = () =>
  FailedPrecondition('LOGIN-n0auth', 'the session has not verified a password, passkey or identity provider yet');
export const loginSessionTooOld = () =>
  FailedPrecondition('LOGIN-m4x4g', 'the session was authenticated longer ago than the request allows (max_age); check a factor again');
export const loginFreshSignInRequired = () =>
  FailedPrecondition('LOGIN-f0rc3', 'the service provider asked for a fresh sign-in (ForceAuthn): check a factor on the session again');
export const loginMfaRequired = () =>
  FailedPrecondition('LOGIN-mf4rq', 'the login settings require a second factor: check TOTP, OTP, U2F or a passkey on the session first');
export const loginLinkDenied = () =>
  PermissionDenied('LOGIN-l1nk0', 'no permission to finish a login with this session: session.link (IAM_LOGIN_CLIENT) required, or be the session\'s user');

/**
 * What the OIDC CreateCallback, device authorization and SAML CreateResponse share: given a
 * session id and its current token, may this caller finish a login with it, and who logs in. The
 * rules are ZITADEL's: the caller needs `session.link` on the user's org or is the session's own
 * user; the session is unexpired, has a first factor, its user and org are active; the login
 * settings' force-MFA rules hold; and an OIDC max_age is not exceeded.
 */
@Injectable()
export class LoginHandoff {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: Policies,
  ) {}

  async sessionFor(caller: Caller, sessionId: string, sessionToken: string, rules: HandoffRules = {}): Promise<LoginSession> {
    const rows: HandoffRow[] = await this.dataSource.query(
      `SELECT s.id, s.token_hash, s.user_id, u.resource_owner, COALESCE(s.expires_at <= now(), false) AS expired,
              u.state AS user_state, o.state AS org_state, s.password_checked_at, s.intent_checked_at,
              s.webauthn_checked_at, s.webauthn_user_verified, s.totp_checked_at, s.otp_sms_checked_at, s.otp_email_checked_at
         FROM sessions s
         LEFT JOIN users u ON u.instance_id = s.instance_id AND u.id = s.user_id
         LEFT JOIN orgs o ON o.instance_id = u.instance_id AND o.id = u.resource_owner
        WHERE s.instance_id = $1 AND s.id = $2`,
      [caller.instance.id, sessionId],
    );
    const row = rows[0];
    if (!row || !sameTokenHash(row.token_hash, sessionToken)) throw sessionTokenInvalid();
    if (row.expired) throw sessionExpired();
    if (!row.user_id || !row.resource_owner) throw loginSessionNotAuthenticated();
    const own = caller.principal?.userId === row.user_id;
    if (!own && !hasSessionPermission(caller, 'session.link', row.resource_owner)) throw loginLinkDenied();
    if (row.user_state !== 'active' || row.org_state === 'inactive') throw userNotActive();

    const methods = authenticationMethods({
      password: row.password_checked_at,
      intent: row.intent_checked_at,
      webAuthn: row.webauthn_checked_at,
      webAuthnUserVerified: row.webauthn_user_verified,
      totp: row.totp_checked_at,
      otpSms: row.otp_sms_checked_at,
      otpEmail: row.otp_email_checked_at,
    });
    if (!methods.firstFactor) throw loginSessionNotAuthenticated();

    const checkTimes = [row.password_checked_at, row.intent_checked_at, row.webauthn_checked_at, row.totp_checked_at, row.otp_sms_checked_at, row.otp_email_checked_at]
      .filter((t): t is Date => t !== null)
      .map((t) => new Date(t).getTime());
    const authTime = new Date(Math.max(...checkTimes));
    if (rules.maxAgeSeconds !== undefined && Date.now() - authTime.getTime() > rules.maxAgeSeconds * 1000) throw loginSessionTooOld();
    if (rules.checkedSince && authTime < rules.checkedSince) throw loginFreshSignInRequired();

    const login = await this.policies.loginSettings(caller.instance.id, row.resource_owner);
    if (mfaForced(login) && !methods.multiFactor) throw loginMfaRequired();

    return { sessionId: row.id, userId: row.user_id, orgId: row.resource_owner, authTime, amr: methods.amr, multiFactor: methods.multiFactor };
  }
}
