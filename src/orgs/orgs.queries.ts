import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { authorize, visibleOrgs } from '../platform/authz/authorize.js';
import {
  and,
  column,
  fetchPage,
  listSql,
  type Filter,
  type Page,
  type TextMatch,
} from '../platform/database/list-query.js';
import { joinedTable } from '../platform/database/joined-table.js';
import { ChangeFeed } from '../platform/cache/change-feed.js';
import type { ReadCache } from '../platform/cache/read-cache.js';
import { Transactions } from '../platform/database/transactions.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { Org, OrgDomain, OrgMetadata, type DomainValidationType, type OrgState } from './org.entity.js';
import { normaliseDomain } from './org-rules.js';
import * as errors from './orgs.errors.js';
import { holdTransactionLock } from '../platform/database/transaction-locks.js';

export type OrgFilter =
  | { readonly kind: 'name'; readonly match: TextMatch; readonly value: string }
  | { readonly kind: 'domain'; readonly match: TextMatch; readonly value: string }
  | { readonly kind: 'state'; readonly state: OrgState | 'removed' }
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'default' };

/** An org named by its id or by one of its verified domains (lower case). */
export type OrgRef = { readonly id: string } | { readonly verifiedDomain: string };

export type OrgSort = 'name' | 'creationDate' | 'unspecified';

/** What other contexts show or check of an org. */
export interface OrgSummary {
  readonly name: string;
  readonly state: OrgState;
  readonly primaryDomain: string;
}

export interface Listed<T> {
  readonly items: T[];
  readonly total: bigint;
  readonly page: Page;
}

/**
 * Joins an org into another context's list statement that filters or sorts on it (see
 * `joinedTable`). Its columns: `id`, `name`, `state`, `primary_domain`.
 */
export const joinOrg = joinedTable('orgs');

const SORT_COLUMNS: Record<OrgSort, string> = { name: 'o.name', creationDate: 'o.created_at', unspecified: 'o.id' };

/**
 * Reading organizations: the API's lists for a caller, and the look-ups other contexts make on
 * orgs (the only SQL on `orgs`, `org_domains` and `org_metadata` outside the org commands).
 */
@Injectable()
export class OrgQueries {
  /** Summaries by org ids, kept by the change feed (the `orgs` table announces every change). */
  private readonly cached: ReadCache<Map<string, OrgSummary>>;

  constructor(
    private readonly tx: Transactions,
    feed: ChangeFeed,
  ) {
    this.cached = feed.cache({ name: 'org_summaries' });
  }

  /** `visible`: the orgs the caller may list, `org.read` ones unless a rule of its own says (ListMyProjectOrgs). */
  async list(
    caller: Caller,
    filters: readonly OrgFilter[],
    sort: OrgSort,
    page: Page,
    visible: 'all' | readonly string[] = visibleOrgs(caller, 'org.read'),
  ): Promise<Listed<Org>> {
    const where = and(
      { op: 'eq', column: column('o.instance_id'), value: caller.instance.id },
      visible === 'all' ? { op: 'true' } : { op: 'in', column: column('o.id'), values: visible },
      ...filters.map((f) => orgFilter(caller, f)),
    );
    const q = listSql({
      select: 'o.*',
      from: 'orgs o',
      where,
      sort: column(SORT_COLUMNS[sort]),
      tieBreaker: column('o.id'),
      page,
    });
    const { rows, total } = await fetchPage(this.tx.reader, q);
    const items = rows.map((r) =>
      this.tx.reader.create(Org, {
        instanceId: r.instance_id as string,
        id: r.id as string,
        name: r.name as string,
        state: r.state as OrgState,
        primaryDomain: r.primary_domain as string,
        createdAt: r.created_at as Date,
        changedAt: r.changed_at as Date,
        sequence: r.sequence as string,
      }),
    );
    return { items, total, page };
  }

  async listMetadata(
    caller: Caller,
    orgId: string,
    keyFilters: readonly { match: TextMatch; value: string }[],
    page: Page,
  ): Promise<Listed<OrgMetadata>> {
    await this.get(caller, orgId);
    const where = and(
      { op: 'eq', column: column('m.instance_id'), value: caller.instance.id },
      { op: 'eq', column: column('m.org_id'), value: orgId },
      ...keyFilters.map((f): Filter => ({ op: 'text', column: column('m.key'), match: f.match, value: f.value })),
    );
    const q = listSql({
      select: 'm.*',
      from: 'org_metadata m',
      where,
      sort: column('m.key'),
      tieBreaker: column('m.key'),
      page: { ...page, asc: true },
    });
    const { rows, total } = await fetchPage(this.tx.reader, q);
    const items = rows.map((r) =>
      this.tx.reader.create(OrgMetadata, {
        orgId: r.org_id as string,
        key: r.key as string,
        value: r.value as Buffer,
        createdAt: r.created_at as Date,
        changedAt: r.changed_at as Date,
      }),
    );
    return { items, total, page };
  }

  async listDomains(
    caller: Caller,
    orgId: string,
    nameFilters: readonly { match: TextMatch; value: string }[],
    page: Page,
  ): Promise<Listed<OrgDomain>> {
    await this.get(caller, orgId);
    const where = and(
      { op: 'eq', column: column('d.instance_id'), value: caller.instance.id },
      { op: 'eq', column: column('d.org_id'), value: orgId },
      ...nameFilters.map((f): Filter => ({ op: 'text', column: column('d.domain'), match: f.match, value: f.value })),
    );
    const q = listSql({
      select: 'd.*',
      from: 'org_domains d',
      where,
      sort: column('d.domain'),
      tieBreaker: column('d.domain'),
      page: { ...page, asc: true },
    });
    const { rows, total } = await fetchPage(this.tx.reader, q);
    const items = rows.map((r) =>
      this.tx.reader.create(OrgDomain, {
        orgId: r.org_id as string,
        domain: r.domain as string,
        isVerified: r.is_verified as boolean,
        isPrimary: r.is_primary as boolean,
        isGenerated: r.is_generated as boolean,
        validationType: r.validation_type as DomainValidationType | null,
        createdAt: r.created_at as Date,
      }),
    );
    return { items, total, page };
  }

  /** The org, when the caller may read it; "not found" either way otherwise. */
  async get(caller: Caller, orgId: string): Promise<Org> {
    authorize(caller, 'org.read', { orgId }, errors.orgNotFound);
    const org = await this.tx.reader.findOneBy(Org, { instanceId: caller.instance.id, id: orgId });
    if (!org) throw errors.orgNotFound();
    return org;
  }

  /**
   * The org whose primary domain this is, for callers with `org.global.read` anywhere (ZITADEL's
   * GetOrgByDomainGlobal reads OrgByPrimaryDomain across the instance's orgs).
   */
  async byPrimaryDomain(caller: Caller, rawDomain: string): Promise<Org> {
    authorize(caller, 'org.global.read', {}, errors.orgNotFound);
    const org = await this.tx.reader.findOneBy(Org, {
      instanceId: caller.instance.id,
      primaryDomain: normaliseDomain(rawDomain),
    });
    if (!org) throw errors.orgNotFound();
    return org;
  }

  /** Whether no org of the instance has this name (nor verified this domain): ZITADEL's IsOrgUnique. */
  async isUnique(caller: Caller, name: string, domain: string): Promise<boolean> {
    authorize(caller, 'iam.read', { instance: true }, errors.orgNotFound);
    const rows: unknown[] = await this.tx.reader.query(
      `SELECT 1 FROM orgs WHERE instance_id = $1 AND $2 <> '' AND lower(name) = lower($2)
       UNION ALL
       SELECT 1 FROM org_domains WHERE instance_id = $1 AND $3 <> '' AND domain = $3 AND is_verified
       LIMIT 1`,
      [caller.instance.id, name.trim(), normaliseDomain(domain)],
    );
    return rows.length === 0;
  }

  async metadata(caller: Caller, orgId: string, key: string): Promise<OrgMetadata> {
    await this.get(caller, orgId);
    const found = await this.tx.reader.findOneBy(OrgMetadata, { instanceId: caller.instance.id, orgId, key });
    if (!found) throw errors.metadataNotFound(key);
    return found;
  }

  // ---- for other contexts -----------------------------------------------------------------

  /**
   * Whether the org exists in the instance; `share` also locks its row against changes and
   * removal for the rest of the transaction `db` belongs to.
   */
  async exists(db: EntityManager, instanceId: string, orgId: string, lock?: 'share'): Promise<boolean> {
    const rows = await db.query(
      `SELECT 1 FROM orgs WHERE instance_id = $1 AND id = $2${lock === 'share' ? ' FOR SHARE' : ''}`,
      [instanceId, orgId],
    );
    return rows.length > 0;
  }

  /**
   * The org a user joins or renames itself in, as a query the users' statements run (a CTE of a
   * new user's insert), with their parameter placeholders or expressions: columns `state` and
   * `usernames_per_org`. The row is held (FOR SHARE) for the rest of the transaction, so it stays
   * active and keeps its username scope until the user is written: a domain policy change, which
   * rewrites `usernames_per_org` first, waits for it, or it waits and reads the changed row.
   */
  heldForUserSql(instanceParam: string, orgParam: string): string {
    return `SELECT state, usernames_per_org FROM orgs WHERE instance_id = ${instanceParam} AND id = ${orgParam} FOR SHARE`;
  }

  /**
   * The orgs holding a domain a user's new username ends in, as a query the users' statements
   * run: columns `org_id` and `is_verified`, the rows held (FOR SHARE) for the rest of the
   * transaction. A verification of one of them, which claims the usernames in the domain, then
   * waits for the user's write and its claim finds the user, or the write waits and reads the
   * domain verified.
   */
  domainHeldForUsernameSql(instanceParam: string, domainParam: string): string {
    return `SELECT org_id, is_verified FROM org_domains WHERE instance_id = ${instanceParam} AND domain = ${domainParam} FOR SHARE`;
  }

  /**
   * Takes turns on the usernames in a domain, until the transaction ends: a verification that
   * claims them (`claim`, exclusive) against the writes of usernames in it (`use`, shared). A
   * domain row added verified at once did not exist when a concurrent user's write read the
   * domains (domainHeldForUsernameSql holds existing rows only), so without this the write could
   * miss the verification and the claim miss the write. Each side takes it in a statement of its
   * own, first in its transaction (before any row it locks), so the reads after it see whatever
   * the other side committed while holding it.
   */
  async holdUsernameDomain(
    tx: EntityManager,
    instanceId: string,
    domain: string,
    mode: 'claim' | 'use',
  ): Promise<void> {
    if (!tx.queryRunner?.isTransactionActive) throw new Error('a username domain is held inside a transaction');
    await holdTransactionLock(tx, usernameDomainLockKey(instanceId, domain), mode === 'use' ? 'shared' : 'exclusive');
  }

  /** The org that has verified the domain, its row held as domainHeldForUsernameSql holds it. */
  async verifierOfUsernameDomain(tx: EntityManager, instanceId: string, domain: string): Promise<string | undefined> {
    const rows: { org_id: string; is_verified: boolean }[] = await tx.query(this.domainHeldForUsernameSql('$1', '$2'), [
      instanceId,
      domain,
    ]);
    return rows.find((r) => r.is_verified)?.org_id;
  }

  /**
   * Sets whether the orgs' usernames are unique per org (the domain policy in force changed for
   * them): `only` one org, or every org of the instance `except` those (which keep their own
   * policy). Answers the orgs that changed; their rows stay locked until the transaction ends.
   */
  async setUsernamesPerOrg(
    tx: EntityManager,
    instanceId: string,
    orgs: { readonly only: string } | { readonly except: readonly string[] },
    perOrg: boolean,
  ): Promise<string[]> {
    const [which, ids] = 'only' in orgs ? ['id = $3', orgs.only] : ['NOT (id = ANY($3))', [...orgs.except]];
    const [rows]: [{ id: string }[], number] = await tx.query(
      `UPDATE orgs SET usernames_per_org = $2 WHERE instance_id = $1 AND ${which} AND usernames_per_org <> $2 RETURNING id`,
      [instanceId, perOrg, ids],
    );
    return rows.map((r) => r.id);
  }

  /** The orgs' name, state and primary domain by id; a missing org is absent from the map. */
  /**
   * Whether a user's org is active is asked by every token, userinfo and introspection answer:
   * outside a transaction it comes from the cache, which every process drops when an org of the
   * instance changes (ChangeFeed), so a deactivated org stops its users' tokens at once.
   */
  async summaries(instanceId: string, orgIds: readonly string[], db?: EntityManager): Promise<Map<string, OrgSummary>> {
    if (!orgIds.length) return new Map();
    const ids = [...new Set(orgIds)].sort();
    if (db) return this.readSummaries(db, instanceId, ids);
    return this.cached.get(instanceId, ids.join(','), () => this.readSummaries(this.tx.reader, instanceId, ids));
  }

  private async readSummaries(
    db: EntityManager,
    instanceId: string,
    ids: readonly string[],
  ): Promise<Map<string, OrgSummary>> {
    const rows: { id: string; name: string; state: OrgState; primary_domain: string }[] = await db.query(
      'SELECT id, name, state, primary_domain FROM orgs WHERE instance_id = $1 AND id = ANY($2)',
      [instanceId, ids],
    );
    return new Map(rows.map((r) => [r.id, { name: r.name, state: r.state, primaryDomain: r.primary_domain }]));
  }

  /** The orgs' verified domains by org id (an org without one is absent), in no particular order. */
  async verifiedDomains(
    instanceId: string,
    orgIds: readonly string[],
    db?: EntityManager,
  ): Promise<Map<string, string[]>> {
    if (!orgIds.length) return new Map();
    const rows: { org_id: string; domain: string }[] = await (db ?? this.tx.reader).query(
      'SELECT org_id, domain FROM org_domains WHERE instance_id = $1 AND org_id = ANY($2) AND is_verified',
      [instanceId, [...new Set(orgIds)]],
    );
    const domains = new Map<string, string[]>();
    for (const r of rows) domains.set(r.org_id, [...(domains.get(r.org_id) ?? []), r.domain]);
    return domains;
  }

  /** The states of the orgs by id; a missing org is absent from the map. */
  async states(instanceId: string, orgIds: readonly string[], db?: EntityManager): Promise<Map<string, OrgState>> {
    const summaries = await this.summaries(instanceId, orgIds, db);
    return new Map([...summaries].map(([id, org]) => [id, org.state]));
  }

  /** Whether the org is there and active (an inactive org's users cannot sign in or get tokens). */
  async activeOrg(instanceId: string, orgId: string, db?: EntityManager): Promise<boolean> {
    return (await this.states(instanceId, [orgId], db)).get(orgId) === 'active';
  }

  /** The org's primary domain, or undefined when there is no such org. */
  async primaryDomain(db: EntityManager, instanceId: string, orgId: string): Promise<string | undefined> {
    const [row] = await db.query('SELECT primary_domain FROM orgs WHERE instance_id = $1 AND id = $2', [
      instanceId,
      orgId,
    ]);
    return row?.primary_domain;
  }

  /**
   * The id an org reference names: an id as given (whoever uses it checks the org), or the org
   * that has verified the domain (a verified domain belongs to one org of an instance).
   */
  async idOf(instanceId: string, ref: OrgRef): Promise<string | undefined> {
    if ('id' in ref) return ref.id;
    const [row] = await this.tx.reader.query(
      'SELECT org_id FROM org_domains WHERE instance_id = $1 AND domain = $2 AND is_verified',
      [instanceId, ref.verifiedDomain],
    );
    return row?.org_id;
  }
}

function orgFilter(caller: Caller, f: OrgFilter): Filter {
  switch (f.kind) {
    case 'name':
      return { op: 'text', column: column('o.name'), match: f.match, value: f.value };
    case 'domain':
      // As ZITADEL's v2 API: any verified domain of the org matches.
      return {
        op: 'exists',
        from: column('org_domains d'),
        where: and(
          { op: 'same', left: column('d.instance_id'), right: column('o.instance_id') },
          { op: 'same', left: column('d.org_id'), right: column('o.id') },
          { op: 'isTrue', column: column('d.is_verified') },
          { op: 'text', column: column('d.domain'), match: f.match, value: f.value },
        ),
      };
    case 'state':
      return f.state === 'removed' ? { op: 'false' } : { op: 'eq', column: column('o.state'), value: f.state };
    case 'id':
      return { op: 'eq', column: column('o.id'), value: f.id };
    case 'default':
      return { op: 'eq', column: column('o.id'), value: caller.instance.defaultOrgId ?? '' };
  }
}

/** The advisory lock key of a domain's usernames (OrgQueries.holdUsernameDomain); domains compare without case. */
export function usernameDomainLockKey(instanceId: string, domain: string): string {
  return `${instanceId}/username-domain/${domain.toLowerCase()}`;
}
