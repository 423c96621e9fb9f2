import { Injectable } from '@nestjs/common';
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
import { queryPrepared } from '../platform/database/prepared-statements.js';
import { Transactions } from '../platform/database/transactions.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { Policies } from '../settings/policies.queries.js';
import { loginNames } from './core/login-names.js';
import { mustBeDomainByOrg } from './user-lookups.queries.js';
import { usernameScope } from './user-rules.js';
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

/**
 * The user columns a view shows, named rather than `u.*`: the password hash never leaves the
 * database on a read, and each query parses only what it maps.
 */
const USER_COLUMNS = `u.id, u.resource_owner, u.type, u.state, u.username, u.given_name, u.family_name, u.nick_name,
  u.display_name, u.preferred_language, u.gender, u.email, u.email_verified, u.phone, u.phone_verified,
  u.password_change_required, u.password_changed_at, u.mfa_init_skipped_at, u.machine_name, u.machine_description,
  u.machine_access_token_type, u.created_at, u.changed_at, u.sequence`;
/** The row plus its org's primary domain and verified domains (for login names). */
const SELECT = `${USER_COLUMNS}, o.primary_domain AS org_primary_domain,
  ARRAY(SELECT d.domain FROM org_domains d WHERE d.instance_id = u.instance_id AND d.org_id = u.resource_owner AND d.is_verified ORDER BY d.domain) AS org_domains,
  EXISTS (SELECT 1 FROM machine_secrets s WHERE s.instance_id = u.instance_id AND s.user_id = u.id) AS has_secret`;
const FROM = 'users u JOIN orgs o ON o.instance_id = u.instance_id AND o.id = u.resource_owner';

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
  ) {}

  async get(caller: Caller, userId: string): Promise<UserView> {
    // Prepared: planning the join and its two sub-selects cost PostgreSQL more than running them.
    const rows = await queryPrepared<Record<string, any>>(
      this.tx.reader,
      `SELECT ${SELECT} FROM ${FROM} WHERE u.instance_id = $1 AND u.id = $2`,
      [caller.instance.id, userId],
    );
    if (!rows.length) throw userNotFound();
    this.store.check(caller, { id: rows[0].id, resourceOwner: rows[0].resource_owner }, 'user.read', true);
    return this.view(rows[0], await mustBeDomainByOrg(this.policies, caller.instance.id, [rows[0].resource_owner]));
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
   * IsUserUnique as ZITADEL answers it (management IsUserUnique, query.IsUserUnique): unique unless
   * one user has the username and the email given (each only when set). The username is counted
   * where the username index counts it, ZITADEL's username unique constraint: in the scope the
   * org's domain policy gives a new user (the org, or the whole instance), case-insensitively, so
   * the answer is "unique" exactly when AddHumanUser would take the name. An email alone is
   * looked for in the org when its usernames are per org and in the instance otherwise.
   */
  async isUnique(caller: Caller, orgId: string, username: string, email: string): Promise<boolean> {
    const perOrg = (await this.policies.domainSettings(caller.instance.id, orgId)).userLoginMustBeDomain;
    const conditions = ['instance_id = $1'];
    const params: unknown[] = [caller.instance.id];
    const add = (sql: string, value: string) => {
      params.push(value);
      conditions.push(sql.replaceAll('?', `$${params.length}`));
    };
    if (username) {
      add('username_scope = ?', usernameScope(orgId, perOrg));
      add('lower(username) = lower(?)', username);
    } else if (perOrg) {
      add('resource_owner = ?', orgId);
    }
    if (email) add('email = ?', email);
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
    const mustBeDomain = await mustBeDomainByOrg(
      this.policies,
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

export interface MetadataEntry {
  readonly key: string;
  readonly value: Buffer;
  readonly createdAt: Date;
  readonly changedAt: Date;
}
