import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OrgQueries } from '../orgs/orgs.queries.js';
import { visibleOrgs } from '../platform/authz/authorize.js';
import {
  and,
  column,
  fetchPage,
  listSql,
  type Filter,
  type Page,
  type TextMatch,
} from '../platform/database/list-query.js';
import { Transactions } from '../platform/database/transactions.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { Policies } from '../settings/policies.queries.js';
import { loginNames, preferredLoginName } from './core/login-names.js';
import type { AccessTokenType, UserState, UserType } from './user.entity.js';
import { UserStore } from './users.store.js';
import { metadataNotFound, notHuman, userNotFound } from './users.errors.js';

const ONE: Page = { offset: 0, limit: 1, asc: true };

export type UserTextField =
  | 'username'
  | 'givenName'
  | 'familyName'
  | 'nickName'
  | 'displayName'
  | 'email'
  | 'phone'
  | 'loginName';

/** ListUsers' query tree, in domain terms. */
export type UserFilter =
  | { readonly kind: 'text'; readonly field: UserTextField; readonly match: TextMatch; readonly value: string }
  | { readonly kind: 'state'; readonly state: UserState | 'deleted' }
  | { readonly kind: 'type'; readonly type: UserType }
  | { readonly kind: 'ids'; readonly ids: readonly string[] }
  | { readonly kind: 'emails'; readonly emails: readonly string[] }
  | { readonly kind: 'org'; readonly orgId: string }
  | { readonly kind: 'and' | 'or'; readonly filters: readonly UserFilter[] }
  | { readonly kind: 'not'; readonly filter: UserFilter };

export type UserSort =
  | 'unspecified'
  | 'username'
  | 'givenName'
  | 'familyName'
  | 'nickName'
  | 'displayName'
  | 'email'
  | 'state'
  | 'type'
  | 'creationDate';

/** A user with what the API shows beside the row: login names and machine secret presence. */
export interface UserView {
  readonly id: string;
  readonly resourceOwner: string;
  readonly type: UserType;
  readonly state: UserState;
  readonly username: string;
  readonly loginNames: string[];
  readonly preferredLoginName: string;
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly nickName: string | null;
  readonly displayName: string | null;
  readonly preferredLanguage: string | null;
  readonly gender: number;
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly phone: string | null;
  readonly phoneVerified: boolean;
  readonly passwordChangeRequired: boolean;
  readonly passwordChangedAt: Date | null;
  readonly mfaInitSkippedAt: Date | null;
  readonly machineName: string | null;
  readonly machineDescription: string | null;
  readonly machineAccessTokenType: AccessTokenType | null;
  readonly hasSecret: boolean;
  readonly createdAt: Date;
  readonly changedAt: Date;
  readonly sequence: bigint;
}

const TEXT_COLUMNS: Record<Exclude<UserTextField, 'loginName'>, string> = {
  username: 'u.username',
  givenName: 'u.given_name',
  familyName: 'u.family_name',
  nickName: 'u.nick_name',
  displayName: 'u.display_name',
  email: 'u.email',
  phone: 'u.phone',
};

const SORT_COLUMNS: Record<UserSort, string> = {
  unspecified: 'u.id',
  username: 'u.username',
  givenName: 'u.given_name',
  familyName: 'u.family_name',
  nickName: 'u.nick_name',
  displayName: 'u.display_name',
  email: 'u.email',
  state: 'u.state',
  type: 'u.type',
  creationDate: 'u.created_at',
};

/** The row plus its org's primary domain and verified domains (for login names). */
const SELECT = `u.*, o.primary_domain AS org_primary_domain,
  ARRAY(SELECT d.domain FROM org_domains d WHERE d.instance_id = u.instance_id AND d.org_id = u.resource_owner AND d.is_verified ORDER BY d.domain) AS org_domains,
  EXISTS (SELECT 1 FROM machine_secrets s WHERE s.instance_id = u.instance_id AND s.user_id = u.id) AS has_secret`;
const FROM = 'users u JOIN orgs o ON o.instance_id = u.instance_id AND o.id = u.resource_owner';

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
  org_primary_domain: string | null;
  org_domains?: string[];
}

const LOGIN_SELECT = `u.id, u.resource_owner, u.type, u.state, u.username, u.display_name, u.preferred_language, u.given_name, u.family_name, u.machine_name,
  u.password_hash, u.email, u.phone, o.primary_domain AS org_primary_domain`;
const LOGIN_FROM = 'users u LEFT JOIN orgs o ON o.instance_id = u.instance_id AND o.id = u.resource_owner';

/** The name a session shows for its user: the display name, else the name parts, else the username. */
export function displayNameOf(
  r: Pick<LoginRow, 'display_name' | 'given_name' | 'family_name' | 'machine_name' | 'username'>,
): string {
  return r.display_name || [r.given_name, r.family_name].filter(Boolean).join(' ') || r.machine_name || r.username;
}

/** A verified domain of the user's org matching the text. */
function orgDomainMatches(match: TextMatch, value: string, alias: string, domainColumn: string): Filter {
  return {
    op: 'exists',
    from: column(`org_domains ${alias}`),
    where: and(
      { op: 'same', left: column(`${alias}.instance_id`), right: column('u.instance_id') },
      { op: 'same', left: column(`${alias}.org_id`), right: column('u.resource_owner') },
      { op: 'isTrue', column: column(`${alias}.is_verified`) },
      { op: 'text', column: column(domainColumn), match, value },
    ),
  };
}

/**
 * A login name is the username alone or `username@<verified org domain>`. An exact login name
 * splits at the last `@`, so both halves use their indexes; other matches compare the joined text.
 */
function loginNameFilter(match: TextMatch, value: string): Filter {
  const byUsername: Filter = { op: 'text', column: column('u.username'), match, value };
  const at = value.lastIndexOf('@');
  if ((match === 'equals' || match === 'equalsIgnoreCase') && at > 0) {
    return {
      op: 'or',
      filters: [
        byUsername,
        and(
          { op: 'text', column: column('u.username'), match, value: value.slice(0, at) },
          orgDomainMatches(match, value.slice(at + 1), 'ld', 'ld.domain'),
        ),
      ],
    };
  }
  if (match === 'equals' || match === 'equalsIgnoreCase') return byUsername;
  return { op: 'or', filters: [byUsername, orgDomainMatches(match, value, 'ld', `u.username || '@' || ld.domain`)] };
}

function toFilter(f: UserFilter): Filter {
  switch (f.kind) {
    case 'text':
      if (f.field === 'loginName') return loginNameFilter(f.match, f.value);
      return { op: 'text', column: column(TEXT_COLUMNS[f.field]), match: f.match, value: f.value };
    case 'state':
      return f.state === 'deleted' ? { op: 'false' } : { op: 'eq', column: column('u.state'), value: f.state };
    case 'type':
      return { op: 'eq', column: column('u.type'), value: f.type };
    case 'ids':
      return { op: 'in', column: column('u.id'), values: f.ids };
    case 'emails':
      return { op: 'in', column: column('lower(u.email)'), values: f.emails.map((e) => e.toLowerCase()) };
    case 'org':
      return { op: 'eq', column: column('u.resource_owner'), value: f.orgId };
    case 'and':
    case 'or':
      return { op: f.kind, filters: f.filters.map(toFilter) };
    case 'not':
      return { op: 'not', filter: toFilter(f.filter) };
  }
}

/** Reading users for a caller: one by id, or lists filtered to what the caller may see. */
@Injectable()
export class UserQueries {
  constructor(
    private readonly tx: Transactions,
    private readonly store: UserStore,
    private readonly policies: Policies,
    private readonly orgs: OrgQueries,
  ) {}

  async get(caller: Caller, userId: string): Promise<UserView> {
    const rows = await this.tx.reader.query(`SELECT ${SELECT} FROM ${FROM} WHERE u.instance_id = $1 AND u.id = $2`, [
      caller.instance.id,
      userId,
    ]);
    if (!rows.length) throw userNotFound();
    this.store.check(caller, { id: rows[0].id, resourceOwner: rows[0].resource_owner }, 'user.read', true);
    return this.view(rows[0], await this.mustBeDomain(caller.instance.id, [rows[0].resource_owner]));
  }

  /**
   * v1's management API works inside one org (the `x-zitadel-orgid` header, else the caller's):
   * a user of another org is not found there, whatever the caller may see elsewhere.
   */
  async getInOrg(caller: Caller, orgId: string, userId: string): Promise<UserView> {
    const user = await this.get(caller, userId);
    if (user.resourceOwner !== orgId) throw userNotFound();
    return user;
  }

  /**
   * GetUserByLoginNameGlobal: the instance-wide look-up ZITADEL grants with user.global.read
   * (checked at the method), so no org visibility applies; several matches mean none is meant.
   */
  async getByLoginNameGlobal(caller: Caller, loginName: string): Promise<UserView> {
    const { items } = await this.list(
      caller,
      [{ kind: 'text', field: 'loginName', match: 'equalsIgnoreCase', value: loginName }],
      'unspecified',
      { offset: 0, limit: 2, asc: true },
      'instance',
    );
    if (items.length !== 1) throw userNotFound();
    return items[0];
  }

  /**
   * IsUserUnique as ZITADEL answers it: unique unless one user has the username and the email
   * given (each only when set), counted in the org when its usernames are per org (domain
   * policy) and in the whole instance otherwise.
   */
  async isUnique(caller: Caller, orgId: string, username: string, email: string): Promise<boolean> {
    const perOrg = (await this.policies.domainSettings(caller.instance.id, orgId)).userLoginMustBeDomain;
    const conditions = ['instance_id = $1'];
    const params: unknown[] = [caller.instance.id];
    const add = (sql: string, value: string) => {
      params.push(value);
      conditions.push(sql.replace('?', `$${params.length}`));
    };
    if (username) add('username = ?', username);
    if (email) add('email = ?', email);
    if (perOrg) add('resource_owner = ?', orgId);
    const rows = await this.tx.reader.query(`SELECT 1 FROM users WHERE ${conditions.join(' AND ')} LIMIT 1`, params);
    return rows.length === 0;
  }

  /** `scope: 'instance'` skips the caller's org visibility (methods that demand an instance-wide permission). */
  async list(
    caller: Caller,
    filters: readonly UserFilter[],
    sort: UserSort,
    page: Page,
    scope: 'visible' | 'instance' = 'visible',
  ): Promise<{ items: UserView[]; total: bigint }> {
    const visible = scope === 'instance' ? 'all' : visibleOrgs(caller, 'user.read');
    const self = caller.principal?.userId;
    const visibility: Filter =
      visible === 'all'
        ? { op: 'true' }
        : {
            op: 'or',
            filters: [
              { op: 'in', column: column('u.resource_owner'), values: visible },
              ...(self ? [{ op: 'eq' as const, column: column('u.id'), value: self }] : []),
            ],
          };
    const q = listSql({
      select: SELECT,
      from: FROM,
      countFrom: 'users u', // the filters read only the user row
      where: and(
        { op: 'eq', column: column('u.instance_id'), value: caller.instance.id },
        visibility,
        ...filters.map(toFilter),
      ),
      sort: column(SORT_COLUMNS[sort]),
      tieBreaker: column('u.id'),
      page,
    });
    const { rows, total } = await fetchPage(this.tx.reader, q);
    const mustBeDomain = await this.mustBeDomain(
      caller.instance.id,
      rows.map((r) => r.resource_owner as string),
    );
    return { items: rows.map((r) => this.view(r, mustBeDomain)), total };
  }

  async metadata(
    caller: Caller,
    userId: string,
    keyFilters: readonly { match: TextMatch; value: string }[],
    page: Page,
  ): Promise<{ items: MetadataEntry[]; total: bigint }> {
    await this.get(caller, userId);
    const q = listSql({
      select: 'm.key, m.value, m.created_at, m.changed_at',
      from: 'user_metadata m',
      where: and(
        { op: 'eq', column: column('m.instance_id'), value: caller.instance.id },
        { op: 'eq', column: column('m.user_id'), value: userId },
        ...keyFilters.map((f): Filter => ({ op: 'text', column: column('m.key'), match: f.match, value: f.value })),
      ),
      sort: column('m.key'),
      tieBreaker: column('m.key'),
      page: { ...page, asc: true },
    });
    const { rows, total } = await fetchPage<{ key: string; value: Buffer; created_at: Date; changed_at: Date }>(
      this.tx.reader,
      q,
    );
    return {
      items: rows.map((r) => ({ key: r.key, value: r.value, createdAt: r.created_at, changedAt: r.changed_at })),
      total,
    };
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
      const [row]: LoginRow[] = await db.query(
        `SELECT ${LOGIN_SELECT} FROM ${LOGIN_FROM} WHERE u.instance_id = $1 AND u.id = $2`,
        [instanceId, by.id],
      );
      if (!row) return undefined;
      const { userLoginMustBeDomain } = await this.policies.domainSettings(instanceId, row.resource_owner);
      return this.loginUser(db, instanceId, row, userLoginMustBeDomain);
    }
    const wanted = by.loginName.trim().toLowerCase();
    const at = wanted.lastIndexOf('@');
    const usernames = at > 0 ? [wanted, wanted.slice(0, at)] : [wanted];
    const rows: LoginRow[] = await db.query(
      `SELECT ${LOGIN_SELECT},
         ARRAY(SELECT d.domain FROM org_domains d WHERE d.instance_id = u.instance_id AND d.org_id = u.resource_owner AND d.is_verified) AS org_domains
         FROM ${LOGIN_FROM}
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
      if (names.loginNames.some((n) => n.toLowerCase() === wanted))
        return this.loginUser(db, instanceId, row, userLoginMustBeDomain);
    }
    return undefined;
  }

  private async loginUser(
    db: EntityManager,
    instanceId: string,
    r: LoginRow,
    userLoginMustBeDomain: boolean,
  ): Promise<LoginUser> {
    const orgStates = await this.orgs.states(instanceId, [r.resource_owner], db);
    return {
      id: r.id,
      resourceOwner: r.resource_owner,
      type: r.type,
      state: r.state,
      orgActive: orgStates.get(r.resource_owner) !== 'inactive',
      username: r.username,
      displayName: displayNameOf(r),
      preferredLanguage: r.preferred_language,
      preferredLoginName: preferredLoginName(r.username, r.org_primary_domain, userLoginMustBeDomain),
      passwordHash: r.password_hash,
      email: r.email,
      phone: r.phone,
    };
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

  /** The user's row when it is active (OIDC claims read it); undefined otherwise. */
  async activeUserRow(instanceId: string, userId: string): Promise<ActiveUserRow | undefined> {
    const [row] = await this.tx.reader.query(
      `SELECT id, resource_owner, type, username, given_name, family_name, nick_name, display_name, machine_name,
              preferred_language, email, email_verified, phone, phone_verified, gender, changed_at
         FROM users WHERE instance_id = $1 AND id = $2 AND state = 'active'`,
      [instanceId, userId],
    );
    return row;
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
    const mustBeDomain = await this.mustBeDomain(
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

  /** A human user (profile, email, phone reads); a machine has none of these. */
  async human(caller: Caller, userId: string): Promise<UserView> {
    const user = await this.get(caller, userId);
    if (user.type !== 'human') throw notHuman();
    return user;
  }

  /** One metadata entry of a user by its exact key. */
  async metadataEntry(caller: Caller, userId: string, key: string): Promise<MetadataEntry> {
    const [entry] = (await this.metadata(caller, userId, [{ match: 'equals', value: key }], ONE)).items;
    if (!entry) throw metadataNotFound(key);
    return entry;
  }

  /** The domain setting each org of a page has, read once per org (a page is mostly one org). */
  private async mustBeDomain(instanceId: string, orgIds: readonly string[]): Promise<Map<string, boolean>> {
    const distinct = [...new Set(orgIds)];
    const settings = await Promise.all(distinct.map((orgId) => this.policies.domainSettings(instanceId, orgId)));
    return new Map(distinct.map((orgId, i) => [orgId, settings[i].userLoginMustBeDomain]));
  }

  private view(r: Record<string, any>, mustBeDomain: Map<string, boolean>): UserView {
    const names = loginNames(
      r.username,
      r.org_domains ?? [],
      r.org_primary_domain,
      mustBeDomain.get(r.resource_owner) ?? false,
    );
    return {
      id: r.id,
      resourceOwner: r.resource_owner,
      type: r.type,
      state: r.state,
      username: r.username,
      loginNames: names.loginNames,
      preferredLoginName: names.preferred,
      givenName: r.given_name,
      familyName: r.family_name,
      nickName: r.nick_name,
      displayName: r.display_name,
      preferredLanguage: r.preferred_language,
      gender: r.gender,
      email: r.email,
      emailVerified: r.email_verified,
      phone: r.phone,
      phoneVerified: r.phone_verified,
      passwordChangeRequired: r.password_change_required,
      passwordChangedAt: r.password_changed_at,
      mfaInitSkippedAt: r.mfa_init_skipped_at,
      machineName: r.machine_name,
      machineDescription: r.machine_description,
      machineAccessTokenType: r.machine_access_token_type,
      hasSecret: r.has_secret,
      createdAt: r.created_at,
      changedAt: r.changed_at,
      sequence: BigInt(r.sequence),
    };
  }
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

export interface MetadataEntry {
  readonly key: string;
  readonly value: Buffer;
  readonly createdAt: Date;
  readonly changedAt: Date;
}
