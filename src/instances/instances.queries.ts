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
import type { Instance } from '../platform/tenancy/instance.entity.js';
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
    const instance = this.mine(caller);
    const q = listSql({
      select: 'd.*',
      // The primary domain is the instance's: the one generated org domains sit under.
      from: `(SELECT x.instance_id, x.domain, x.is_generated, x.created_at, x.domain = i.primary_domain AS is_primary
                FROM instance_domains x JOIN instances i ON i.id = x.instance_id) d`,
      where: and({ op: 'eq', column: column('d.instance_id'), value: instance.id }, ...filters.map(domainFilter)),
      sort: column(SORT_COLUMNS[sort]),
      tieBreaker: column('d.domain'),
      page,
    });
    const { rows, total } = await fetchPage(this.tx.reader, q);
    const items = rows.map((r) => ({
      domain: r.domain as string,
      primary: r.is_primary as boolean,
      generated: r.is_generated as boolean,
      createdAt: r.created_at as Date,
    }));
    return { items, total };
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
