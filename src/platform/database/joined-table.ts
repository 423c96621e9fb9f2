/** Where a joined row is found: its instance and id, as column expressions of the joining statement. */
export interface JoinKey {
  readonly instanceId: string;
  readonly id: string;
}

export interface JoinOptions {
  /** LEFT JOIN: the row may be missing (its columns are then NULL). */
  readonly left?: boolean;
  /** A further condition of the join, e.g. that the joining row is of the kind that refers to this table. */
  readonly when?: string;
}

/**
 * The join of a context's table into another context's list statement, for a list that filters
 * or sorts on the table's columns and so cannot read them separately without changing its rows
 * or its paging. The owner exports one per table from its data-access module (as ZITADEL's query
 * package exposes each projection's table and columns to other queries), so the table name and
 * its key columns stay with the owner; the joining statement names the alias and the columns the
 * owner documents.
 *
 * Everything here is pasted into SQL as it is: the alias, the key expressions and `when` must be
 * constants of the calling code, never request input (values go in as statement parameters).
 */
export function joinedTable(table: string) {
  return (alias: string, on: JoinKey, options: JoinOptions = {}): string =>
    `${options.left ? 'LEFT JOIN' : 'JOIN'} ${table} ${alias} ON ${options.when ? `${options.when} AND ` : ''}` +
    `${alias}.instance_id = ${on.instanceId} AND ${alias}.id = ${on.id}`;
}
