import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/platform/database/data-source.js';
import { preparedQueries, queryPrepared, statementName } from '../../src/platform/database/prepared-statements.js';
import { cloneDatabase } from '../support/database.js';

// Named prepared statements on real PostgreSQL: the answers DataSource.query gives, and a text
// prepared once per connection, then executed again under its name.

let dataSource: DataSource;

beforeAll(async () => {
  // One connection, so the session that prepared a statement is the one asked about it.
  dataSource = createDataSource({ url: await cloneDatabase() }, 1);
  await dataSource.initialize();
  await dataSource.query('CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)');
}, 60_000);
afterAll(() => dataSource?.destroy());

describe('preparedQueries', () => {
  it('answers as DataSource.query does: rows, and [rows, count] for UPDATE and DELETE', async () => {
    const prepared = preparedQueries(dataSource);
    const insert = 'INSERT INTO notes (id, body) VALUES ($1, $2) RETURNING id';
    expect(await prepared.query(insert, [1, 'a'])).toEqual([{ id: 1 }]);
    expect(await dataSource.query(insert, [2, 'b'])).toEqual([{ id: 2 }]);
    const select = 'SELECT id, body FROM notes WHERE id = ANY($1) ORDER BY id';
    expect(await prepared.query(select, [[1, 2]])).toEqual([
      { id: 1, body: 'a' },
      { id: 2, body: 'b' },
    ]);
    const update = `UPDATE notes SET body = body || 'x' WHERE id = $1`;
    expect(await prepared.query(update, [1])).toEqual([[], 1]);
    expect(await dataSource.query(update, [2])).toEqual([[], 1]);
    expect(await prepared.query(update, [3])).toEqual([[], 0]);
    const remove = 'DELETE FROM notes WHERE id = $1 RETURNING body';
    expect(await prepared.query(remove, [1])).toEqual([[{ body: 'ax' }], 1]);
  });

  it('prepares a text once under its name and runs it again by that name', async () => {
    const prepared = preparedQueries(dataSource);
    const text = 'SELECT count(*)::int AS n FROM notes WHERE id > $1';
    for (const id of [0, 1, 2]) await prepared.query(text, [id]);
    const [statement] = await dataSource.query(
      'SELECT name, custom_plans + generic_plans AS runs FROM pg_prepared_statements WHERE statement = $1',
      [text],
    );
    expect(statement).toEqual({ name: statementName(text), runs: '3' });
  });

  it('runs through an EntityManager too, inside a transaction, under the same name', async () => {
    const text = 'SELECT body FROM notes WHERE id = $1';
    await dataSource.transaction(async (tx) => {
      await tx.query('INSERT INTO notes (id, body) VALUES (10, $1)', ['in tx']);
      expect(await queryPrepared(tx, text, [10])).toEqual([{ body: 'in tx' }]);
    });
    expect(await queryPrepared(dataSource.manager, text, [10])).toEqual([{ body: 'in tx' }]);
    const [statement] = await dataSource.query('SELECT name FROM pg_prepared_statements WHERE statement = $1', [text]);
    expect(statement).toEqual({ name: statementName(text) });
  });
});
