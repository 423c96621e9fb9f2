import { Injectable } from '@nestjs/common';
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
import { Transactions } from '../platform/database/transactions.js';
import type { Caller } from '../platform/rpc/call-context.js';
import { Org, OrgDomain, OrgMetadata, type DomainValidationType, type OrgState } from './org.entity.js';
import { normaliseDomain } from './org-rules.js';
import * as errors from './orgs.errors.js';

export type OrgFilter =
  | { readonly kind: 'name'; readonly match: TextMatch; readonly value: string }
  | { readonly kind: 'domain'; readonly match: TextMatch; readonly value: string }
  | { readonly kind: 'state'; readonly state: OrgState | 'removed' }
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'default' };

export type OrgSort = 'name' | 'creationDate' | 'unspecified';

export interface Listed<T> {
  readonly items: T[];
  readonly total: bigint;
  readonly page: Page;
}

const SORT_COLUMNS: Record<OrgSort, string> = { name: 'o.name', creationDate: 'o.created_at', unspecified: 'o.id' };

type TextFilter = { readonly match: TextMatch; readonly value: string };

/** Reads of organizations, their domains and metadata: the only SQL on those tables outside the commands. */
@Injectable()
export class OrgsQueries {
  constructor(private readonly tx: Transactions) {}

  /** One org the caller may read (`org.read` on it); absent and not visible answer the same. */
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

  async list(caller: Caller, filters: readonly OrgFilter[], sort: OrgSort, page: Page): Promise<Listed<Org>> {
    const visible = visibleOrgs(caller, 'org.read');
    const where = and(
      { op: 'eq', column: column('o.instance_id'), value: caller.instance.id },
      visible === 'all' ? { op: 'true' } : { op: 'in', column: column('o.id'), values: visible },
      ...filters.map((f) => this.orgFilter(caller, f)),
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

  async listMetadata(
    caller: Caller,
    orgId: string,
    keyFilters: readonly TextFilter[],
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
    nameFilters: readonly TextFilter[],
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

  private orgFilter(caller: Caller, f: OrgFilter): Filter {
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
}
