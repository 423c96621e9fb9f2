import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { hashToken } from '../platform/crypto/master-key.js';
import { Policies } from '../settings/policies.queries.js';
import { sessionStanding, type SessionStanding } from './login-rules.js';

/** A session as its login rules see it: the row, its user's state and factors, and the verdict. */
export interface JudgedSession {
  readonly id: string;
  readonly tokenHash: string;
  readonly userId: string | null;
  /** The org of the session's user. */
  readonly orgId: string | null;
  readonly expired: boolean;
  /** The user and its org are active. */
  readonly active: boolean;
  /** Every time a factor was checked on the session (for auth_time, max_age and ForceAuthn). */
  readonly checkTimes: readonly Date[];
  /** Undefined for a session without a user. */
  readonly standing?: SessionStanding;
}

interface Row {
  id: string;
  token_hash: string;
  user_id: string | null;
  resource_owner: string | null;
  expired: boolean;
  user_state: string | null;
  org_state: string | null;
  password_change_required: boolean | null;
  password_checked_at: Date | null;
  intent_checked_at: Date | null;
  webauthn_checked_at: Date | null;
  webauthn_user_verified: boolean;
  totp_checked_at: Date | null;
  otp_sms_checked_at: Date | null;
  otp_email_checked_at: Date | null;
  has_totp: boolean;
  has_otp_sms: boolean;
  has_otp_email: boolean;
  has_webauthn: boolean;
}

const SELECT = `SELECT s.id, s.token_hash, s.user_id, u.resource_owner, COALESCE(s.expires_at <= now(), false) AS expired,
       u.state AS user_state, o.state AS org_state, u.password_change_required,
       s.password_checked_at, s.intent_checked_at, s.webauthn_checked_at, s.webauthn_user_verified,
       s.totp_checked_at, s.otp_sms_checked_at, s.otp_email_checked_at,
       EXISTS (SELECT 1 FROM user_totp t WHERE t.instance_id = s.instance_id AND t.user_id = s.user_id AND t.state = 'ready') AS has_totp,
       EXISTS (SELECT 1 FROM user_otp_channels c WHERE c.instance_id = s.instance_id AND c.user_id = s.user_id AND c.channel = 'sms') AS has_otp_sms,
       EXISTS (SELECT 1 FROM user_otp_channels c WHERE c.instance_id = s.instance_id AND c.user_id = s.user_id AND c.channel = 'email') AS has_otp_email,
       EXISTS (SELECT 1 FROM user_webauthn_credentials w WHERE w.instance_id = s.instance_id AND w.user_id = s.user_id AND w.state = 'ready') AS has_webauthn
  FROM sessions s
  LEFT JOIN users u ON u.instance_id = s.instance_id AND u.id = s.user_id
  LEFT JOIN orgs o ON o.instance_id = u.instance_id AND o.id = u.resource_owner`;

/**
 * Loads a session with what the login rules need (one query plus the user's login settings) and
 * judges it with `sessionStanding`: the one place that decides whether a session is a sign-in,
 * for session tokens on the API and for the OIDC, device and SAML hand-offs alike.
 */
@Injectable()
export class SessionStandings {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: Policies,
  ) {}

  async byToken(instanceId: string, token: string): Promise<JudgedSession | undefined> {
    return this.judge(
      instanceId,
      await this.dataSource.query(`${SELECT} WHERE s.instance_id = $1 AND s.token_hash = $2`, [
        instanceId,
        hashToken(token),
      ]),
    );
  }

  async byId(instanceId: string, sessionId: string): Promise<JudgedSession | undefined> {
    return this.judge(
      instanceId,
      await this.dataSource.query(`${SELECT} WHERE s.instance_id = $1 AND s.id = $2`, [instanceId, sessionId]),
    );
  }

  private async judge(instanceId: string, [row]: Row[]): Promise<JudgedSession | undefined> {
    if (!row) return undefined;
    const checks = {
      password: row.password_checked_at,
      intent: row.intent_checked_at,
      webAuthn: row.webauthn_checked_at,
      webAuthnUserVerified: row.webauthn_user_verified,
      totp: row.totp_checked_at,
      otpSms: row.otp_sms_checked_at,
      otpEmail: row.otp_email_checked_at,
    };
    const checkTimes = Object.values(checks)
      .filter((t): t is Date => t instanceof Date || typeof t === 'string')
      .map((t) => new Date(t));
    const judged = {
      id: row.id,
      tokenHash: row.token_hash,
      userId: row.user_id,
      orgId: row.resource_owner,
      expired: row.expired,
      active: row.user_state === 'active' && row.org_state !== 'inactive',
      checkTimes,
    };
    if (!row.user_id || !row.resource_owner) return judged;
    const settings = await this.policies.loginSettings(instanceId, row.resource_owner);
    const user = {
      passwordChangeRequired: !!row.password_change_required,
      totp: row.has_totp,
      otpSms: row.has_otp_sms,
      otpEmail: row.has_otp_email,
      webAuthn: row.has_webauthn,
    };
    return { ...judged, standing: sessionStanding(checks, user, settings) };
  }
}
