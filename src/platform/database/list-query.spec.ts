import { DomainError } from '../errors/domain-error.js';
import { and, column, filterSql, listSql, page, type Filter } from './list-query.js';

const name = column('o.name');

describe('page', () => {
  it('defaults the limit to 100 and accepts the maximum', () => {
    expect(page(undefined)).toEqual({ offset: 0, limit: 100, asc: false });
    expect(page({ limit: 1000, offset: 5n, asc: true })).toEqual({ offset: 5, limit: 1000, asc: true });
  });

  it('refuses a limit over 1000, naming the field', () => {
    try {
      page({ limit: 1001 }, 'pagination');
      throw new Error('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).kind).toBe('InvalidArgument');
      expect((err as DomainError).fieldViolations[0].field).toBe('pagination.limit');
    }
  });
});

describe('filterSql', () => {
  it.each<[Filter, string, unknown[]]>([
    [
      { op: 'text', column: name, match: 'equals', value: 'Acme' },
      '(lower(o.name) = $1 AND o.name = $2)',
      ['acme', 'Acme'],
    ],
    [{ op: 'text', column: name, match: 'equalsIgnoreCase', value: 'Acme' }, 'lower(o.name) = $1', ['acme']],
    [
      { op: 'text', column: name, match: 'startsWith', value: 'A%_' },
      '(lower(o.name) LIKE $1 AND o.name LIKE $2)',
      ['a\\%\\_%', 'A\\%\\_%'],
    ],
    [{ op: 'text', column: name, match: 'containsIgnoreCase', value: 'X' }, 'lower(o.name) LIKE $1', ['%x%']],
    [
      { op: 'text', column: name, match: 'endsWith', value: 'Z' },
      '(lower(o.name) LIKE $1 AND o.name LIKE $2)',
      ['%z', '%Z'],
    ],
    [{ op: 'in', column: name, values: ['a', 'b'] }, 'o.name = ANY($1)', [['a', 'b']]],
    [{ op: 'not', filter: { op: 'eq', column: name, value: 'a' } }, 'NOT o.name = $1', ['a']],
    [{ op: 'or', filters: [] }, 'FALSE', []],
    [
      { op: 'cmp', column: column('t.created_at'), operator: '<=', value: new Date(0) },
      't.created_at <= $1',
      [new Date(0)],
    ],
    [
      {
        op: 'exists',
        from: column('t'),
        where: and(
          { op: 'same', left: column('t.o'), right: column('o.id') },
          { op: 'isTrue', column: column('t.ok') },
          { op: 'eq', column: column('t.b'), value: 2 },
        ),
      },
      'EXISTS (SELECT 1 FROM t WHERE (t.o = o.id AND t.ok IS TRUE AND t.b = $1))',
      [2],
    ],
  ])('%j', (filter, sql, params) => {
    const out: unknown[] = [];
    expect(filterSql(filter, out)).toBe(sql);
    expect(out).toEqual(params);
  });

  it('never puts values into the SQL text', () => {
    const out: unknown[] = [];
    const sql = filterSql(and({ op: 'eq', column: name, value: "'; DROP TABLE orgs; --" }), out);
    expect(sql).not.toContain('DROP');
  });
});

describe('listSql', () => {
  it('pages with a stable order and a matching count', () => {
    const q = listSql({
      select: 'o.*',
      from: 'orgs o',
      where: and({ op: 'eq', column: column('o.instance_id'), value: 'i1' }),
      sort: name,
      tieBreaker: column('o.id'),
      page: { offset: 10, limit: 5, asc: true },
    });
    expect(q.sql).toBe(
      'SELECT o.* FROM orgs o WHERE (o.instance_id = $1) ORDER BY o.name ASC, o.id ASC LIMIT $2 OFFSET $3',
    );
    expect(q.countSql).toBe('SELECT count(*)::bigint AS total FROM orgs o WHERE (o.instance_id = $1)');
    expect(q.params).toEqual(['i1', 5, 10]);
  });
});
