import { createHash } from 'node:crypto';
import type { Pool, QueryResult } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

/** Distinct texts named at most; a caller building texts without bound gets unnamed statements past it. */
const MAX_NAMED = 256;

/** The statement name of a text: the same in every process and connection, one per text. */
export function statementName(text: string): string {
  return `pc_${createHash('sha256').update(text).digest('base64url').slice(0, 32)}`;
}

/** TypeORM's answer to `query`: the rows, or `[rows, count]` for UPDATE and DELETE. */
function asTypeOrmAnswers(result: QueryResult): unknown {
  return result.command === 'UPDATE' || result.command === 'DELETE' ? [result.rows, result.rowCount] : result.rows;
}

/**
 * `DataSource.query` with the same answers, sending each text as a named prepared statement of
 * the pooled connection it runs on: PostgreSQL parses and plans it once per connection instead
 * of on every call, and the text crosses the socket once. For the statements every token request
 * runs (a token look-up, an insert with its audit event), whose parsing and planning cost
 * PostgreSQL more CPU than executing them. Texts must come from a fixed set (parameters carry
 * the values). Statements that must join a unit of work go through its EntityManager instead.
 */
export function preparedQueries(dataSource: DataSource): Pick<EntityManager, 'query'> {
  const names = new Map<string, string>();
  return {
    async query(text: string, parameters?: unknown[]): Promise<any> {
      let name = names.get(text);
      if (!name && names.size < MAX_NAMED) {
        name = statementName(text);
        names.set(text, name);
      }
      const pool = (dataSource.driver as unknown as { master: Pool }).master;
      return asTypeOrmAnswers(await pool.query({ name, text, values: parameters }));
    },
  };
}
