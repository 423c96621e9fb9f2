import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { joinOrg, OrgQueries, type OrgSummary } from '../orgs/orgs.queries.js';
import { ChangeFeed } from '../platform/cache/change-feed.js';
import type { ReadCache } from '../platform/cache/read-cache.js';
import { queryPrepared } from '../platform/database/prepared-statements.js';
import { Transactions } from '../platform/database/transactions.js';
import { Policies } from '../settings/policies.queries.js';
import { loginNames, preferredLoginName } from './core/login-names.js';
import type { UserState, UserType } from './user.entity.js';

/** A user as sign-in checks need it (session checks): its secret, contacts and its org's standing. */
export interface LoginUser {
  readonly id: string;
  readonly resourceOwner: string;
  readonly type: UserType;
  readonly state: UserState;
  /** A missing org counts as active, as the sessions' reads always did; only `inactive` stops sign-in. */
  readonly orgActive: boolean;
  readonly username: string;
  readonly displayName: string;
  readonly preferredLanguage: string | null;
  readonly preferredLoginName: string;
  readonly passwordHash: string | null;
  readonly email: string | null;
  readonly phone: string | null;
}

interface LoginRow {
  id: string;
  resource_owner: string;
  type: UserType;
  state: UserState;
  username: string;
  display_name: string | null;
  preferred_language: string | null;
  given_name: string | null;
  family_name: string | null;
  machine_name: string | null;
  password_hash: string | null;
  email: string | null;
  phone: string | null;
  /** The org's, from the join (NULL when the org is missing). */
  org_state: OrgSummary['state'] | null;
  org_primary_domain: string | null;
}

/** The user's columns and its org's standing, in one statement. */
const LOGIN_SELECT = `u.id, u.resource_owner, u.type, u.state, u.username, u.display_name, u.preferred_language,
  u.given_name, u.family_name, u.machine_name, u.password_hash, u.email, u.phone,
  o.state AS org_state, o.primary_domain AS org_primary_domain
  FROM users u ${joinOrg('o', { instanceId: 'u.instance_id', id: 'u.resource_owner' }, { left: true })}`;

/** The name a session shows for its user: the display name, else the name parts, else the username. */
export function displayNameOf(
  r: Pick<LoginRow, 'display_name' | 'given_name' | 'family_name' | 'machine_name' | 'username'>,
): string {
  return r.display_name || [r.given_name, r.family_name].filter(Boolean).join(' ') || r.machine_name || r.username;
}

/** The domain setting each org has, read once per org (a page is mostly one org). */
export async function mustBeDomainByOrg(
  policies: Policies,
  instanceId: string,
  orgIds: readonly string[],
): Promise<Map<string, boolean>> {
  const distinct = [...new Set(orgIds)];
  const settings = await Promise.all(distinct.map((orgId) => policies.domainSettings(instanceId, orgId)));
  return new Map(distinct.map((orgId, i) => [orgId, settings[i].userLoginMustBeDomain]));
}

/** A missing org counts as active and has no primary domain, as the sessions' reads always had it. */
function loginUser(r: LoginRow, userLoginMustBeDomain: boolean): LoginUser {
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
  };
}

/**
 * The look-ups other contexts make on users, with no caller to check: sign-in (sessions),
 * personal access tokens, token claims (OIDC), how sessions show their users and who a SAML
 * assertion is about. The org's side (state, domains) comes from OrgQueries.
 */
@Injectable()
export class UserLookups {
  /** Active users' claim rows; a user not (or no longer) active is read again each time. */
  private readonly activeRows: ReadCache<ActiveUserRow | undefined>;

  constructor(
    private readonly tx: Transactions,
    private readonly policies: Policies,
    private readonly orgs: OrgQueries,
    feed: ChangeFeed,
  ) {
    this.activeRows = feed.cache({ name: 'active_users', keepFor: (row) => (row ? Infinity : 0) });
  }

  /**
   * The user a sign-in check names, by id or by login name. A login name is the username alone
   * or `username@<verified org domain>`, whichever the user's org's domain settings make its
   * login names (`loginNames`); compared case-insensitively.
   */
  async forLogin(
    db: EntityManager,
    instanceId: string,
    by: { readonly id: string } | { readonly loginName: string },
  ): Promise<LoginUser | undefined> {
    if ('id' in by) {
      const [row] = await queryPrepared<LoginRow>(db, `SELECT ${LOGIN_SELECT} WHERE u.instance_id = $1 AND u.id = $2`, [
        instanceId,
        by.id,
      ]);
      if (!row) return undefined;
      const { userLoginMustBeDomain } = await this.policies.domainSettings(instanceId, row.resource_owner);
      return loginUser(row, userLoginMustBeDomain);
    }
    const wanted = by.loginName.trim().toLowerCase();
    const at = wanted.lastIndexOf('@');
    const usernames = at > 0 ? [wanted, wanted.slice(0, at)] : [wanted];
    const rows = await queryPrepared<LoginRow>(
      db,
      `SELECT ${LOGIN_SELECT} WHERE u.instance_id = $1 AND lower(u.username) = ANY($2::text[])`,
      [instanceId, usernames],
    );
    if (!rows.length) return undefined;
    const domains = await this.orgs.verifiedDomains(
      instanceId,
      rows.map((r) => r.resource_owner),
      db,
    );
    for (const row of rows) {
      const { userLoginMustBeDomain } = await this.policies.domainSettings(instanceId, row.resource_owner);
      const names = loginNames(
        row.username,
        domains.get(row.resource_owner) ?? [],
        row.org_primary_domain ?? '',
        userLoginMustBeDomain && !!row.org_primary_domain,
      );
      if (names.loginNames.some((n) => n.toLowerCase() === wanted)) return loginUser(row, userLoginMustBeDomain);
    }
    return undefined;
  }

  /** A personal access token by the hash of its text, with its user's state and org. */
  async personalAccessToken(
    instanceId: string,
    tokenHash: string,
  ): Promise<
    | {
        id: string;
        userId: string;
        resourceOwner: string;
        expiresAt: Date;
        createdAt: Date;
        userState: UserState;
        userOrgId: string;
      }
    | undefined
  > {
    const [row] = await this.tx.reader.query(
      `SELECT t.id, t.user_id, t.resource_owner, t.expires_at, t.created_at, u.state AS user_state, u.resource_owner AS user_org_id
         FROM personal_access_tokens t
         JOIN users u ON u.instance_id = t.instance_id AND u.id = t.user_id
        WHERE t.instance_id = $1 AND t.token_hash = $2`,
      [instanceId, tokenHash],
    );
    return row
      ? {
          id: row.id,
          userId: row.user_id,
          resourceOwner: row.resource_owner,
          expiresAt: row.expires_at,
          createdAt: row.created_at,
          userState: row.user_state,
          userOrgId: row.user_org_id,
        }
      : undefined;
  }

  /**
   * The user's row when it is active (OIDC claims read it); undefined otherwise. Every token,
   * userinfo and introspection answer asks, so active rows are cached: the columns read here and
   * the state are announced by the change feed (migration 1766470000000), and every process drops
   * the instance's rows when one changes, so a deactivated, locked or deleted user gets nothing
   * more at once.
   */
  activeUserRow(instanceId: string, userId: string): Promise<ActiveUserRow | undefined> {
    return this.activeRows.get(instanceId, userId, () => this.readActiveUserRow(instanceId, userId));
  }

  private async readActiveUserRow(instanceId: string, userId: string): Promise<ActiveUserRow | undefined> {
    const [row] = await this.tx.reader.query(
      `SELECT id, resource_owner, type, username, given_name, family_name, nick_name, display_name, machine_name,
              preferred_language, email, email_verified, phone, phone_verified, gender, changed_at
         FROM users WHERE instance_id = $1 AND id = $2 AND state = 'active'`,
      [instanceId, userId],
    );
    return row;
  }

  /**
   * Who the user is, whatever its state: its names, email and preferred login name (after its
   * org's domain settings), as assertions about it show them; undefined when the user or its org
   * is missing.
   */
  async profile(instanceId: string, userId: string): Promise<UserProfile | undefined> {
    const [u] = await this.tx.reader.query(
      `SELECT id, username, email, given_name, family_name, display_name, resource_owner
         FROM users WHERE instance_id = $1 AND id = $2`,
      [instanceId, userId],
    );
    if (!u) return undefined;
    const org = (await this.orgs.summaries(instanceId, [u.resource_owner])).get(u.resource_owner);
    if (!org) return undefined;
    const { userLoginMustBeDomain } = await this.policies.domainSettings(instanceId, u.resource_owner);
    return {
      id: u.id,
      resourceOwner: u.resource_owner,
      username: u.username,
      preferredLoginName: preferredLoginName(u.username, org.primaryDomain, userLoginMustBeDomain),
      email: u.email,
      givenName: u.given_name,
      familyName: u.family_name,
      displayName: u.display_name,
    };
  }

  /**
   * What the hosted login needs of a user beyond its session: its org's primary domain and which
   * of its credentials are ready (TOTP, OTP channels, WebAuthn kinds); one indexed read.
   */
  async loginPageView(instanceId: string, userId: string): Promise<LoginPageUserRow | undefined> {
    const [row] = await this.tx.reader.query(
      `SELECT u.id, u.resource_owner, u.username, u.password_change_required, COALESCE(o.primary_domain, '') AS primary_domain,
              EXISTS (SELECT 1 FROM user_totp t WHERE t.instance_id = u.instance_id AND t.user_id = u.id AND t.state = 'ready') AS totp,
              ARRAY(SELECT c.channel FROM user_otp_channels c WHERE c.instance_id = u.instance_id AND c.user_id = u.id) AS otp_channels,
              ARRAY(SELECT DISTINCT w.kind FROM user_webauthn_credentials w WHERE w.instance_id = u.instance_id AND w.user_id = u.id AND w.state = 'ready') AS webauthn,
              COALESCE(u.email, '') AS email, u.email_verified, u.mfa_init_skipped_at
         FROM users u ${joinOrg('o', { instanceId: 'u.instance_id', id: 'u.resource_owner' }, { left: true })}
        WHERE u.instance_id = $1 AND u.id = $2`,
      [instanceId, userId],
    );
    if (!row) return undefined;
    return {
      id: row.id,
      orgId: row.resource_owner,
      username: row.username,
      orgPrimaryDomain: row.primary_domain,
      passwordChangeRequired: !!row.password_change_required,
      totpReady: !!row.totp,
      otpChannels: row.otp_channels ?? [],
      webAuthn: row.webauthn ?? [],
      email: row.email,
      emailVerified: !!row.email_verified,
      mfaInitSkippedAt: row.mfa_init_skipped_at ?? null,
    };
  }

  /** A human's email and state by id, for the invitation and verification pages (no session yet). */
  async humanContact(instanceId: string, userId: string): Promise<HumanContact | undefined> {
    const [row] = await this.tx.reader.query(
      `SELECT id, resource_owner, COALESCE(email, '') AS email, email_verified, state, COALESCE(display_name, username) AS display_name, username
         FROM users WHERE instance_id = $1 AND id = $2 AND type = 'human'`,
      [instanceId, userId],
    );
    return row
      ? {
          id: row.id,
          orgId: row.resource_owner,
          email: row.email,
          emailVerified: !!row.email_verified,
          state: row.state,
          displayName: row.display_name,
          username: row.username,
        }
      : undefined;
  }

  /** All of the user's metadata, by key (no permission check: for token claims). */
  async allMetadata(instanceId: string, userId: string): Promise<{ key: string; value: Buffer }[]> {
    return this.tx.reader.query(
      'SELECT key, value FROM user_metadata WHERE instance_id = $1 AND user_id = $2 ORDER BY key',
      [instanceId, userId],
    );
  }

  /** What a session's login rules read of its user: state, org, pending password change and ready factors. */
  async standing(instanceId: string, userId: string): Promise<UserStanding | undefined> {
    const [row] = await this.tx.reader.query(
      `SELECT u.resource_owner, u.state, u.password_change_required,
         EXISTS (SELECT 1 FROM user_totp t WHERE t.instance_id = u.instance_id AND t.user_id = u.id AND t.state = 'ready') AS has_totp,
         EXISTS (SELECT 1 FROM user_otp_channels c WHERE c.instance_id = u.instance_id AND c.user_id = u.id AND c.channel = 'sms') AS has_otp_sms,
         EXISTS (SELECT 1 FROM user_otp_channels c WHERE c.instance_id = u.instance_id AND c.user_id = u.id AND c.channel = 'email') AS has_otp_email,
         EXISTS (SELECT 1 FROM user_webauthn_credentials w WHERE w.instance_id = u.instance_id AND w.user_id = u.id AND w.state = 'ready') AS has_webauthn
         FROM users u WHERE u.instance_id = $1 AND u.id = $2`,
      [instanceId, userId],
    );
    return row
      ? {
          resourceOwner: row.resource_owner,
          state: row.state,
          passwordChangeRequired: row.password_change_required,
          totp: row.has_totp,
          otpSms: row.has_otp_sms,
          otpEmail: row.has_otp_email,
          webAuthn: row.has_webauthn,
        }
      : undefined;
  }

  /**
   * How sessions show their users, by id: the display name and the preferred login name (after
   * the org's domain settings). A user that is gone is absent.
   */
  async shownAs(
    instanceId: string,
    userIds: readonly string[],
  ): Promise<Map<string, { readonly displayName: string; readonly loginName: string }>> {
    if (!userIds.length) return new Map();
    const rows: (Parameters<typeof displayNameOf>[0] & { id: string; resource_owner: string })[] =
      await this.tx.reader.query(
        `SELECT id, resource_owner, username, display_name, given_name, family_name, machine_name
           FROM users WHERE instance_id = $1 AND id = ANY($2)`,
        [instanceId, [...new Set(userIds)]],
      );
    const orgs = await this.orgs.summaries(
      instanceId,
      rows.map((r) => r.resource_owner),
    );
    const mustBeDomain = await mustBeDomainByOrg(
      this.policies,
      instanceId,
      rows.map((r) => r.resource_owner),
    );
    return new Map(
      rows.map((r) => [
        r.id,
        {
          displayName: displayNameOf(r),
          loginName: preferredLoginName(
            r.username,
            orgs.get(r.resource_owner)?.primaryDomain ?? null,
            mustBeDomain.get(r.resource_owner) ?? false,
          ),
        },
      ]),
    );
  }
}

/** A user as assertions about it (SAML) show it. */
export interface UserProfile {
  readonly id: string;
  readonly resourceOwner: string;
  readonly username: string;
  readonly preferredLoginName: string;
  readonly email: string | null;
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly displayName: string | null;
}

/** A user row as the OIDC claims read it (snake_case columns). */
export interface ActiveUserRow {
  readonly id: string;
  readonly resource_owner: string;
  readonly type: UserType;
  readonly username: string;
  readonly given_name: string | null;
  readonly family_name: string | null;
  readonly nick_name: string | null;
  readonly display_name: string | null;
  readonly machine_name: string | null;
  readonly preferred_language: string | null;
  readonly email: string | null;
  readonly email_verified: boolean;
  readonly phone: string | null;
  readonly phone_verified: boolean;
  readonly gender: number;
  readonly changed_at: Date;
}

/** A user as a session's login rules see it. */
export interface UserStanding {
  readonly resourceOwner: string;
  readonly state: UserState;
  readonly passwordChangeRequired: boolean;
  readonly totp: boolean;
  readonly otpSms: boolean;
  readonly otpEmail: boolean;
  readonly webAuthn: boolean;
}

/** The hosted login's view of a user's rows (see UserLookups.loginPageView). */
export interface LoginPageUserRow {
  readonly id: string;
  readonly orgId: string;
  readonly username: string;
  readonly orgPrimaryDomain: string;
  readonly passwordChangeRequired: boolean;
  readonly totpReady: boolean;
  readonly otpChannels: readonly string[];
  readonly webAuthn: readonly ('passkey' | 'u2f')[];
  readonly email: string;
  readonly emailVerified: boolean;
  readonly mfaInitSkippedAt: Date | null;
}

export interface HumanContact {
  readonly id: string;
  readonly orgId: string;
  readonly email: string;
  readonly emailVerified: boolean;
  readonly state: string;
  readonly displayName: string;
  readonly username: string;
}
