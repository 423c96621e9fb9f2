import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Policies } from '../settings/policies.queries.js';
import { loginNames, preferredLoginName } from '../users/core/login-names.js';
import type { UserState, UserType } from '../users/user.entity.js';

/** A user as the checks of a session need it: one row with its org and lockout counts. */
export interface CheckedUser {
  readonly id: string;
  readonly resourceOwner: string;
  readonly type: UserType;
  readonly state: UserState;
  readonly orgActive: boolean;
  readonly username: string;
  readonly displayName: string;
  readonly preferredLanguage: string | null;
  readonly preferredLoginName: string;
  readonly passwordHash: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  /** Whether `user_lockouts` holds anything a successful check should reset. */
  readonly hasLockoutCounts: boolean;
}

interface UserRow {
  id: string;
  resource_owner: string;
  type: UserType;
  state: UserState;
  org_state: string | null;
  username: string;
  display_name: string | null;
  preferred_language: string | null;
  given_name: string | null;
  family_name: string | null;
  machine_name: string | null;
  password_hash: string | null;
  email: string | null;
  phone: string | null;
  org_primary_domain: string | null;
  org_domains?: string[];
  password_failures: number | null;
  otp_failures: number | null;
  locked_at: Date | null;
}

const SELECT = `u.id, u.resource_owner, u.type, u.state, u.username, u.display_name, u.preferred_language, u.given_name, u.family_name, u.machine_name,
  u.password_hash, u.email, u.phone, o.state AS org_state, o.primary_domain AS org_primary_domain,
  l.password_failures, l.otp_failures, l.locked_at`;
const FROM = `users u
  LEFT JOIN orgs o ON o.instance_id = u.instance_id AND o.id = u.resource_owner
  LEFT JOIN user_lockouts l ON l.instance_id = u.instance_id AND l.user_id = u.id`;

/** The name a session shows for its user: the display name, else the name parts, else the username. */
export function displayNameOf(
  r: Pick<UserRow, 'display_name' | 'given_name' | 'family_name' | 'machine_name' | 'username'>,
): string {
  return r.display_name || [r.given_name, r.family_name].filter(Boolean).join(' ') || r.machine_name || r.username;
}

/**
 * Finds the user a session check names, by id or by login name, in one indexed read that also
 * brings the org's state and the lockout counts (a password check reads nothing else).
 */
@Injectable()
export class SessionUsers {
  constructor(private readonly policies: Policies) {}

  async byId(db: EntityManager, instanceId: string, userId: string): Promise<CheckedUser | undefined> {
    const rows: UserRow[] = await db.query(`SELECT ${SELECT} FROM ${FROM} WHERE u.instance_id = $1 AND u.id = $2`, [
      instanceId,
      userId,
    ]);
    if (!rows[0]) return undefined;
    const { userLoginMustBeDomain } = await this.policies.domainSettings(instanceId, rows[0].resource_owner);
    return checked(rows[0], userLoginMustBeDomain);
  }

  /**
   * A login name is the username alone or `username@<verified org domain>`, whichever the user's
   * org's domain settings make its login names (`loginNames`); compared case-insensitively.
   */
  async byLoginName(db: EntityManager, instanceId: string, loginName: string): Promise<CheckedUser | undefined> {
    const wanted = loginName.trim().toLowerCase();
    const at = wanted.lastIndexOf('@');
    const usernames = at > 0 ? [wanted, wanted.slice(0, at)] : [wanted];
    const rows: UserRow[] = await db.query(
      `SELECT ${SELECT},
         ARRAY(SELECT d.domain FROM org_domains d WHERE d.instance_id = u.instance_id AND d.org_id = u.resource_owner AND d.is_verified) AS org_domains
         FROM ${FROM}
        WHERE u.instance_id = $1 AND lower(u.username) = ANY($2::text[])`,
      [instanceId, usernames],
    );
    for (const row of rows) {
      const { userLoginMustBeDomain } = await this.policies.domainSettings(instanceId, row.resource_owner);
      const names = loginNames(
        row.username,
        row.org_domains ?? [],
        row.org_primary_domain ?? '',
        userLoginMustBeDomain && !!row.org_primary_domain,
      );
      if (names.loginNames.some((n) => n.toLowerCase() === wanted)) return checked(row, userLoginMustBeDomain);
    }
    return undefined;
  }
}

function checked(r: UserRow, userLoginMustBeDomain: boolean): CheckedUser {
  return {
    id: r.id,
    resourceOwner: r.resource_owner,
    type: r.type,
    state: r.state,
    orgActive: r.org_state !== 'inactive',
    username: r.username,
    displayName: displayNameOf(r),
    preferredLanguage: r.preferred_language,
    preferredLoginName: preferredLoginName(r.username, r.org_primary_domain, userLoginMustBeDomain),
    passwordHash: r.password_hash,
    email: r.email,
    phone: r.phone,
    hasLockoutCounts: (r.password_failures ?? 0) > 0 || (r.otp_failures ?? 0) > 0 || r.locked_at !== null,
  };
}
