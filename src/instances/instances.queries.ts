import { Injectable } from '@nestjs/common';
import { authorize } from '../platform/authz/authorize.js';
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
import { Instance, InstanceDomain } from '../platform/tenancy/instance.entity.js';
import { instanceNotFound } from './instances.errors.js';

/** A host name the instance answers on; the primary one is what generated org domains sit under. */
export interface InstanceDomainView {
  readonly domain: string;
  readonly primary: boolean;
  readonly generated: boolean;
  readonly createdAt: Date;
}

export type InstanceDomainFilter =
  | { readonly kind: 'domain'; readonly match: TextMatch; readonly value: string }
  | { readonly kind: 'generated' | 'primary'; readonly value: boolean };

export type InstanceDomainSort = 'domain' | 'primary' | 'generated' | 'creationDate';

/** ZITADEL's instance queries: by ids, or by any of some domains. */
export type InstanceFilter =
  | { readonly kind: 'ids'; readonly ids: readonly string[] }
  | { readonly kind: 'domains'; readonly domains: readonly string[] };

export type InstanceSort = 'id' | 'name' | 'creationDate';

const INSTANCE_SORT_COLUMNS: Record<InstanceSort, string> = {
  id: 'i.id',
  name: 'i.name',
  creationDate: 'i.created_at',
};

export interface InstanceWithDomains {
  readonly instance: Instance;
  readonly domains: readonly InstanceDomainView[];
}

const SORT_COLUMNS: Record<InstanceDomainSort, string> = {
  domain: 'd.domain',
  primary: 'd.is_primary',
  generated: 'd.is_generated',
  creationDate: 'd.created_at',
};

/** Reads of the caller's instance and its domains (admin v1 GetMyInstance, ListInstanceDomains). */
@Injectable()
export class InstancesQueries {
  constructor(private readonly tx: Transactions) {}

  mine(caller: Caller): Instance {
    authorize(caller, 'iam.read', { instance: true }, instanceNotFound);
    return caller.instance;
  }

  async domains(
    caller: Caller,
    filters: readonly InstanceDomainFilter[],
    sort: InstanceDomainSort,
    page: Page,
  ): Promise<{ items: InstanceDomainView[]; total: bigint }> {
    return this.domainsOf(this.mine(caller).id, filters, sort, page);
  }

  /** An instance's domains, for its own administrators (above) or a system API user. */
  async domainsOf(
    instanceId: string,
    filters: readonly InstanceDomainFilter[],
    sort: InstanceDomainSort,
    page: Page,
  ): Promise<{ items: InstanceDomainView[]; total: bigint }> {
    const q = listSql({
      select: 'd.*',
      // The primary domain is the instance's: the one generated org domains sit under.
      from: `(SELECT x.instance_id, x.domain, x.is_generated, x.created_at, x.domain = i.primary_domain AS is_primary
                FROM instance_domains x JOIN instances i ON i.id = x.instance_id) d`,
      where: and({ op: 'eq', column: column('d.instance_id'), value: instanceId }, ...filters.map(domainFilter)),
      sort: column(SORT_COLUMNS[sort]),
      tieBreaker: column('d.domain'),
      page,
    });
    const { rows, total } = await fetchPage(this.tx.reader, q);
    return { items: rows.map(domainView), total };
  }

  /** The system API's view of every instance: a page of them, each with all its domains. */
  async list(
    filters: readonly InstanceFilter[],
    sort: InstanceSort,
    page: Page,
  ): Promise<{ items: InstanceWithDomains[]; total: bigint }> {
    const q = listSql({
      select: 'i.id, i.name, i.default_org_id, i.primary_domain, i.created_at',
      from: 'instances i',
      where: and(...filters.map(instanceFilter)),
      sort: column(INSTANCE_SORT_COLUMNS[sort]),
      tieBreaker: column('i.id'),
      page,
    });
    const { rows, total } = await fetchPage(this.tx.reader, q);
    const instances = rows.map(
      (r): Instance => ({
        id: r.id as string,
        name: r.name as string,
        defaultOrgId: r.default_org_id as string | null,
        primaryDomain: r.primary_domain as string,
        createdAt: r.created_at as Date,
      }),
    );
    const domains = await this.allDomainsOf(instances.map((i) => i.id));
    return { items: instances.map((instance) => ({ instance, domains: domains.get(instance.id) ?? [] })), total };
  }

  /** One instance with all its domains, by id (system API). */
  async byId(id: string): Promise<InstanceWithDomains | undefined> {
    const instance = await this.tx.reader.getRepository(Instance).findOneBy({ id });
    if (!instance) return undefined;
    return { instance, domains: (await this.allDomainsOf([id])).get(id) ?? [] };
  }

  /** Whether any instance has the domain (ZITADEL's ExistsDomain). */
  async domainExists(domain: string): Promise<boolean> {
    return this.tx.reader.getRepository(InstanceDomain).existsBy({ domain });
  }

  private async allDomainsOf(ids: readonly string[]): Promise<Map<string, InstanceDomainView[]>> {
    const byInstance = new Map<string, InstanceDomainView[]>();
    if (!ids.length) return byInstance;
    const rows: Record<string, unknown>[] = await this.tx.reader.query(
      `SELECT x.instance_id, x.domain, x.is_generated, x.created_at, x.domain = i.primary_domain AS is_primary
         FROM instance_domains x JOIN instances i ON i.id = x.instance_id
        WHERE x.instance_id = ANY($1) ORDER BY x.domain`,
      [ids],
    );
    for (const r of rows) {
      const list = byInstance.get(r.instance_id as string) ?? [];
      list.push(domainView(r));
      byInstance.set(r.instance_id as string, list);
    }
    return byInstance;
  }

  async trustedDomains(
    caller: Caller,
    names: readonly { match: TextMatch; value: string }[],
    sort: 'domain' | 'creationDate',
    page: Page,
  ): Promise<{ items: TrustedDomainView[]; total: bigint }> {
    const instance = this.mine(caller);
    const q = listSql({
      select: 't.domain, t.created_at',
      from: 'instance_trusted_domains t',
      where: and(
        { op: 'eq', column: column('t.instance_id'), value: instance.id },
        ...names.map((f): Filter => ({ op: 'text', column: column('t.domain'), match: f.match, value: f.value })),
      ),
      sort: column(sort === 'domain' ? 't.domain' : 't.created_at'),
      tieBreaker: column('t.domain'),
      page,
    });
    const { rows, total } = await fetchPage(this.tx.reader, q);
    return { items: rows.map((r) => ({ domain: r.domain as string, createdAt: r.created_at as Date })), total };
  }
}

export interface TrustedDomainView {
  readonly domain: string;
  readonly createdAt: Date;
}

const domainView = (r: Record<string, unknown>): InstanceDomainView => ({
  domain: r.domain as string,
  primary: r.is_primary as boolean,
  generated: r.is_generated as boolean,
  createdAt: r.created_at as Date,
});

function instanceFilter(f: InstanceFilter): Filter {
  switch (f.kind) {
    case 'ids':
      return { op: 'in', column: column('i.id'), values: f.ids };
    case 'domains':
      return {
        op: 'exists',
        from: column('instance_domains x'),
        where: and(
          { op: 'same', left: column('x.instance_id'), right: column('i.id') },
          { op: 'in', column: column('x.domain'), values: f.domains.map((d) => d.trim().toLowerCase()) },
        ),
      };
  }
}

function domainFilter(f: InstanceDomainFilter): Filter {
  switch (f.kind) {
    case 'domain':
      return { op: 'text', column: column('d.domain'), match: f.match, value: f.value };
    case 'generated':
      return { op: 'eq', column: column('d.is_generated'), value: f.value };
    case 'primary':
      return { op: 'eq', column: column('d.is_primary'), value: f.value };
  }
}
