import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { PLATFORM_TABLES, TABLE_OWNERS } from './schema.js';

// The context folders' boundaries, read from the source text: which files run SQL, which
// tables their SQL names, which entities they import, and which contexts import which.

const SRC = join(process.cwd(), 'src');

/** Where SQL may run in a context: its queries (reads), its store or its services (writes). */
const DATA_ACCESS = /\.(queries|store|service)\.ts$/;

/**
 * Running SQL: raw queries, query builders, repositories and EntityManager calls on an entity class
 * (PascalCase, so a SCREAMING_CASE constant passed to some other `save` is not taken for one).
 */
const RUNS_SQL =
  /\.query\(|createQueryBuilder\(|getRepository\(|fetchPage\(|\.(find|findOne|findBy|findOneBy|findOneOrFail|findOneByOrFail|findAndCount|count|countBy|exists|existsBy|insert|update|delete|upsert|save|remove|increment|decrement)\(\s*[A-Z][a-z]\w*\s*[,)]/;

/**
 * Files allowed to break a rule, each with the reason (at most three). A file stays here only
 * while it still breaks the rule: the last test fails on a stale entry.
 */
const EXCEPTIONS: Readonly<Record<string, string>> = {
  'users/users.queries.ts':
    "login names are a user's username with each verified domain of its org: ListUsers filters and " +
    'sorts on them in one statement (ZITADEL keeps a login_names projection joining users and org domains for the same reason)',
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'gen' ? [] : sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const files = sources(SRC).map((path) => relative(SRC, path).split('\\').join('/'));
const contextOf = (file: string): string | undefined => (file.includes('/') ? file.split('/')[0] : undefined);
const isMigration = (file: string) => file.includes('/migrations/');
const text = (file: string) => readFileSync(join(SRC, file), 'utf8');
/** Comments say "from users" in prose; only code counts. */
const code = (source: string) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

const owner = new Map<string, string>(
  Object.entries(TABLE_OWNERS).flatMap(([context, tables]) => tables.map((t): [string, string] => [t, context])),
);

/** The tables the file's SQL names: after FROM/JOIN/UPDATE/INTO, or as a list query's `'table alias'`. */
function tablesNamed(source: string): Set<string> {
  const names = [...owner.keys()].join('|');
  const sql = new RegExp(
    `\\b(?:FROM|JOIN|UPDATE|INTO|TABLE)\\s+"?(${names})\\b|['"\`](${names})(?: [a-z]{1,3})?['"\`]`,
    'g',
  );
  return new Set([...code(source).matchAll(sql)].map((m) => m[1] ?? m[2]));
}

/** The relative imports of a file, as paths under src. */
function importsOf(file: string): string[] {
  const found = [...text(file).matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)];
  return found.map((m) =>
    relative(SRC, join(SRC, dirname(file), m[1]))
      .split('\\')
      .join('/'),
  );
}

/** Why the file breaks the ownership rules (empty when it keeps them). */
function violations(file: string): string[] {
  const context = contextOf(file);
  const source = text(file);
  const found: string[] = [];
  if (context && context !== 'platform' && RUNS_SQL.test(code(source)) && !DATA_ACCESS.test(file))
    found.push('runs SQL outside a data-access module');
  for (const table of tablesNamed(source))
    if (owner.get(table) !== context) found.push(`names ${owner.get(table)}'s table ${table}`);
  for (const target of importsOf(file))
    if (target.endsWith('.entity.js') && contextOf(target) !== context && contextOf(target) !== 'platform')
      found.push(`imports ${target}`);
  return found;
}

const excepted = (file: string) =>
  Object.keys(EXCEPTIONS).some((e) => file === e || (e.endsWith('/') && file.startsWith(e)));
const checked = files.filter((f) => contextOf(f) && !isMigration(f));

describe('one owner per table', () => {
  it('every table the migrations create has exactly one owner: a context or the platform', () => {
    const created = files
      .filter(isMigration)
      .flatMap((f) => [...text(f).matchAll(/CREATE TABLE (\w+)/g)].map((m) => m[1]));
    const owned = [...owner.keys(), ...PLATFORM_TABLES];
    expect(new Set(owned).size).toBe(owned.length);
    expect([...created].sort()).toEqual([...owned].sort());
  });

  it('only a context runs SQL on its tables, from its data-access modules, and imports no other context’s entity', () => {
    const offenders = checked
      .filter((f) => !excepted(f))
      .map((f) => ({ file: f, violations: violations(f) }))
      .filter((o) => o.violations.length > 0);
    expect(offenders).toEqual([]);
  });

  it('sees what it guards (a scan of nothing would pass)', () => {
    expect(checked).toEqual(expect.arrayContaining(['orgs/orgs.queries.ts', 'users/users.store.ts']));
    expect(tablesNamed("x JOIN orgs o ON o.id = u.resource_owner, from: 'org_domains d'")).toEqual(
      new Set(['orgs', 'org_domains']),
    );
    expect(tablesNamed('// removes it FROM users, in prose')).toEqual(new Set());
    // A table joined into another context's list is declared by its owner alone.
    expect(tablesNamed("const joinUser = joinedTable('users');")).toEqual(new Set(['users']));
    expect(violations('users/users.store.ts')).toEqual([]);
    expect(violations('users/users.queries.ts').length).toBeGreaterThan(0);
  });

  it('names at most three exceptions, and lists no file that keeps the rules', () => {
    expect(Object.keys(EXCEPTIONS).length).toBeLessThanOrEqual(3);
    const stale = Object.keys(EXCEPTIONS)
      .filter((e) => !e.endsWith('/'))
      .filter((f) => violations(f).length === 0);
    expect(stale).toEqual([]);
  });
});

describe('contexts depend one way', () => {
  it('no import cycle between context folders', () => {
    const edges = new Map<string, Set<string>>();
    for (const file of files) {
      const from = contextOf(file);
      if (!from) continue;
      for (const target of importsOf(file)) {
        const to = contextOf(target);
        if (to && to !== from) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    expect(edges.get('users')).toContain('orgs');
    const cycles: string[] = [];
    const visit = (node: string, path: string[]) => {
      for (const next of edges.get(node) ?? []) {
        if (path.includes(next)) cycles.push([...path.slice(path.indexOf(next)), next].join(' -> '));
        else visit(next, [...path, next]);
      }
    };
    for (const start of edges.keys()) visit(start, [start]);
    expect([...new Set(cycles)]).toEqual([]);
  });
});
