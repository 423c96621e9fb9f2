import type { EntityManager } from 'typeorm';

/**
 * The entity's columns and values as TypeORM would insert them, leaving out `except` and unset
 * ones: for an insert written as SQL (one statement with its events) that keeps TypeORM's column
 * names and value conversions.
 */
export function rowOf<E extends object>(
  db: EntityManager,
  entity: E,
  except: readonly (keyof E & string)[],
): { columns: string[]; values: unknown[] } {
  const metadata = db.connection.getMetadata(entity.constructor);
  const columns = metadata.columns.filter(
    (c) => !except.includes(c.propertyName as keyof E & string) && c.getEntityValue(entity) !== undefined,
  );
  return {
    columns: columns.map((c) => c.databaseName),
    values: columns.map((c) => db.connection.driver.preparePersistentValue(c.getEntityValue(entity), c)),
  };
}
