import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OrgQueries } from '../orgs/orgs.queries.js';
import { hashToken } from '../platform/crypto/master-key.js';
import { Policies } from '../settings/policies.queries.js';
import { UserLookups } from '../users/user-lookups.queries.js';
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
  expired: boolean;
  password_checked_at: Date | null;
  intent_checked_at: Date | null;
  webauthn_checked_at: Date | null;
  webauthn_user_verified: boolean;
  totp_checked_at: Date | null;
  otp_sms_checked_at: Date | null;
  otp_email_checked_at: Date | null;
}

const SELECT = `SELECT s.id, s.token_hash, s.user_id, COALESCE(s.expires_at <= now(), false) AS expired,
       s.password_checked_at, s.intent_checked_at, s.webauthn_checked_at, s.webauthn_user_verified,
       s.totp_checked_at, s.otp_sms_checked_at, s.otp_email_checked_at
  FROM sessions s`;

/**
 * Loads a session with what the login rules need (the session, its user's standing from users,
 * its org's state from orgs, and the login settings) and
 * judges it with `sessionStanding`: the one place that decides whether a session is a sign-in,
 * for session tokens on the API and for the OIDC, device and SAML hand-offs alike.
 */
@Injectable()
export class SessionStandings {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: Policies,
    private readonly users: UserLookups,
    private readonly orgs: OrgQueries,
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
    // A session whose user is gone has no org and is not active.
    const user = row.user_id ? await this.users.standing(instanceId, row.user_id) : undefined;
    const orgState = user && (await this.orgs.states(instanceId, [user.resourceOwner])).get(user.resourceOwner);
    const judged = {
      id: row.id,
      tokenHash: row.token_hash,
      userId: row.user_id,
      orgId: user?.resourceOwner ?? null,
      expired: row.expired,
      active: user?.state === 'active' && orgState !== 'inactive',
      checkTimes,
    };
    if (!row.user_id || !user) return judged;
    const settings = await this.policies.loginSettings(instanceId, user.resourceOwner);
    return { ...judged, standing: sessionStanding(checks, user, settings) };
  }
}
