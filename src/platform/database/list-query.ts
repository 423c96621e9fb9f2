import { invalidField } from '../errors/domain-error.js';

/**
 * The one list-query -> SQL builder every resource uses. Resources translate their contract
 * query messages into `Filter` trees over whitelisted columns; this turns them into
 * parameterised SQL (values never enter the SQL text).
 */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export type TextMatch =
  | 'equals'
  | 'equalsIgnoreCase'
  | 'startsWith'
  | 'startsWithIgnoreCase'
  | 'contains'
  | 'containsIgnoreCase'
  | 'endsWith'
  | 'endsWithIgnoreCase';

/** A column expression the resource vouches for (never user input). */
export type Column = string & { readonly __column: unique symbol };
export const column = (sql: string) => sql as Column;

export type Filter =
  | { readonly op: 'and' | 'or'; readonly filters: readonly Filter[] }
  | { readonly op: 'not'; readonly filter: Filter }
  | { readonly op: 'text'; readonly column: Column; readonly match: TextMatch; readonly value: string }
  | { readonly op: 'eq'; readonly column: Column; readonly value: string | number | boolean }
  /** An ordering comparison, e.g. timestamps before/after a given instant. */
  | {
      readonly op: 'cmp';
      readonly column: Column;
      readonly operator: '=' | '<' | '<=' | '>' | '>=';
      readonly value: string | number | Date;
    }
  | { readonly op: 'in'; readonly column: Column; readonly values: readonly (string | number)[] }
  /** Two columns equal, e.g. to correlate a sub-select with its outer row. */
  | { readonly op: 'same'; readonly left: Column; readonly right: Column }
  | { readonly op: 'isTrue'; readonly column: Column }
  /** A correlated sub-select over a whitelisted table expression. */
  | { readonly op: 'exists'; readonly from: Column; readonly where: Filter }
  | { readonly op: 'true' | 'false' };

export interface Page {
  readonly offset: number;
  readonly limit: number;
  readonly asc: boolean;
}

/** ZITADEL's paging rules: limit 0 means the default, over the maximum is refused. */
export function page(query: { offset?: bigint; limit?: number; asc?: boolean } | undefined, field = 'query'): Page {
  const limit = query?.limit ?? 0;
  if (limit > MAX_LIMIT) {
    throw invalidField('LIST-l1m1t', `${field}.limit`, `must be at most ${MAX_LIMIT} (got ${limit})`);
  }
  const offset = query?.offset ?? 0n;
  if (offset > BigInt(Number.MAX_SAFE_INTEGER)) throw invalidField('LIST-0ff5t', `${field}.offset`, 'is too large');
  return { offset: Number(offset), limit: limit || DEFAULT_LIMIT, asc: query?.asc ?? false };
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => '\\' + c);
}

/**
 * Text matches compare `lower(column)`, so one trigram (or lower-case btree) index per column
 * serves every match kind; a case-sensitive match adds the exact comparison as a recheck.
 */
function textSql(col: Column, match: TextMatch, value: string, param: (v: unknown) => string): string {
  const ignoreCase = match.endsWith('IgnoreCase');
  const kind = ignoreCase ? match.slice(0, -'IgnoreCase'.length) : match;
  const pattern = (v: string): string => {
    switch (kind) {
      case 'equals':
        return v;
      case 'startsWith':
        return escapeLike(v) + '%';
      case 'contains':
        return '%' + escapeLike(v) + '%';
      case 'endsWith':
        return '%' + escapeLike(v);
      default:
        throw new Error(`unknown text match ${match}`);
    }
  };
  const op = kind === 'equals' ? '=' : 'LIKE';
  const folded = `lower(${col}) ${op} ${param(pattern(value.toLowerCase()))}`;
  return ignoreCase ? folded : `(${folded} AND ${col} ${op} ${param(pattern(value))})`;
}

/** Renders a filter as SQL, appending its values to `params` ($n placeholders). */
export function filterSql(filter: Filter, params: unknown[]): string {
  const param = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  switch (filter.op) {
    case 'and':
    case 'or':
      if (filter.filters.length === 0) return filter.op === 'and' ? 'TRUE' : 'FALSE';
      return '(' + filter.filters.map((f) => filterSql(f, params)).join(filter.op === 'and' ? ' AND ' : ' OR ') + ')';
    case 'not':
      return `NOT ${filterSql(filter.filter, params)}`;
    case 'text':
      return textSql(filter.column, filter.match, filter.value, param);
    case 'eq':
      return `${filter.column} = ${param(filter.value)}`;
    case 'in':
      return `${filter.column} = ANY(${param([...filter.values])})`;
    case 'cmp':
      return `${filter.column} ${filter.operator} ${param(filter.value)}`;
    case 'same':
      return `${filter.left} = ${filter.right}`;
    case 'isTrue':
      return `${filter.column} IS TRUE`;
    case 'exists':
      return `EXISTS (SELECT 1 FROM ${filter.from} WHERE ${filterSql(filter.where, params)})`;
    case 'true':
      return 'TRUE';
    case 'false':
      return 'FALSE';
  }
}

export const and = (...filters: Filter[]): Filter => ({ op: 'and', filters });

export interface ListSql {
  readonly sql: string;
  readonly countSql: string;
  readonly params: unknown[];
}

/**
 * `SELECT <columns> FROM <from> WHERE <filter> ORDER BY <sort> LIMIT/OFFSET`, plus the matching
 * count. `sort` must be a whitelisted column; `tieBreaker` keeps pages stable.
 */
export function listSql(options: {
  select: string;
  from: string;
  /** The FROM of the count when the select needs joins the filters do not (cheaper counts). */
  countFrom?: string;
  where: Filter;
  sort: Column;
  tieBreaker: Column;
  page: Page;
}): ListSql {
  const params: unknown[] = [];
  const where = filterSql(options.where, params);
  const dir = options.page.asc ? 'ASC' : 'DESC';
  const countParams = params.length;
  const sql =
    `SELECT ${options.select} FROM ${options.from} WHERE ${where} ` +
    `ORDER BY ${options.sort} ${dir}, ${options.tieBreaker} ${dir} ` +
    `LIMIT $${countParams + 1} OFFSET $${countParams + 2}`;
  return {
    sql,
    countSql: `SELECT count(*)::bigint AS total FROM ${options.countFrom ?? options.from} WHERE ${where}`,
    params: [...params, options.page.limit, options.page.offset],
  };
}

/** Runs a list query and its count side by side. */
export async function fetchPage<Row = Record<string, unknown>>(
  db: { query(sql: string, params: unknown[]): Promise<unknown> },
  q: ListSql,
): Promise<{ rows: Row[]; total: bigint }> {
  const [rows, count] = (await Promise.all([
    db.query(q.sql, q.params),
    db.query(q.countSql, q.params.slice(0, -2)),
  ])) as [Row[], { total: string }[]];
  return { rows, total: BigInt(count[0].total) };
}
