import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/platform/database/data-source.js';
import { FailAfterCommit, Transactions } from '../../src/platform/database/transactions.js';
import { InvalidArgument } from '../../src/platform/errors/domain-error.js';
import { cloneDatabase } from '../support/database.js';

// Units of work on real PostgreSQL: all or nothing, except a FailAfterCommit, which keeps what the
// work wrote (a counted failed try) and fails the caller after the commit.

let dataSource: DataSource;
let transactions: Transactions;

beforeAll(async () => {
  dataSource = createDataSource({ url: await cloneDatabase() }, 2);
  await dataSource.initialize();
  await dataSource.query('CREATE TABLE tries (id int PRIMARY KEY, n int NOT NULL)');
  transactions = new Transactions(dataSource);
}, 60_000);
afterAll(() => dataSource?.destroy());

let nextId = 0;
const countOf = async (id: number) =>
  (await dataSource.query('SELECT n FROM tries WHERE id = $1', [id]))[0]?.n as number | undefined;
const write = (tx: { query: (sql: string, params: unknown[]) => Promise<unknown> }, id: number) =>
  tx.query('INSERT INTO tries (id, n) VALUES ($1, 1) ON CONFLICT (id) DO UPDATE SET n = tries.n + 1', [id]);

describe('Transactions.run', () => {
  it('rolls back everything when the work throws', async () => {
    const id = nextId++;
    await expect(
      transactions.run(async (tx) => {
        await write(tx, id);
        throw InvalidArgument('T-1', 'no');
      }),
    ).rejects.toThrow('no');
    expect(await countOf(id)).toBeUndefined();
  });

  it('commits what the work wrote when it throws FailAfterCommit, then throws its error', async () => {
    const id = nextId++;
    const refusal = InvalidArgument('T-2', 'wrong code');
    await expect(
      transactions.run(async (tx) => {
        await write(tx, id);
        throw new FailAfterCommit(refusal);
      }),
    ).rejects.toBe(refusal);
    expect(await countOf(id)).toBe(1);
  });

  it('lets a FailAfterCommit of joined work reach the outermost unit of work, which commits', async () => {
    const id = nextId++;
    const refusal = InvalidArgument('T-3', 'wrong code');
    const outcome = transactions.run(async (tx) => {
      await transactions.run(async (joined) => {
        await write(joined, id);
        throw new FailAfterCommit(refusal);
      }, tx);
      return 'not reached';
    });
    await expect(outcome).rejects.toBe(refusal);
    expect(await countOf(id)).toBe(1);
  });
});
