import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Removing an instance removes its data in the same transaction, as ZITADEL clears an instance's
 * projections on `instance.removed`: a trigger on `instances` deletes the removed id's rows from
 * every table with an `instance_id` column, found when it fires, so a table added later is
 * covered without touching this. The event log stays (the audit trail outlives the instance, as
 * ZITADEL's event store does). Tables whose rows cascade from `instances` already lose nothing
 * twice. The rows of instances removed before this migration are deleted once here.
 */
export class RemovedInstancePurge1766500000000 implements MigrationInterface {
  name = 'RemovedInstancePurge1766500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION portcullis_purge_instance(removed text) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE t text;
      BEGIN
        FOR t IN
          SELECT c.table_name FROM information_schema.columns c
          JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
          WHERE c.table_schema = current_schema() AND c.column_name = 'instance_id'
            AND tb.table_type = 'BASE TABLE' AND c.table_name <> 'events'
        LOOP
          EXECUTE format('DELETE FROM %I WHERE instance_id = $1', t) USING removed;
        END LOOP;
      END $$`);
    await q.query(`CREATE FUNCTION portcullis_purge_removed_instance() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM portcullis_purge_instance(OLD.id);
        RETURN NULL;
      END $$`);
    await q.query(
      `CREATE TRIGGER purge_removed_instance AFTER DELETE ON instances FOR EACH ROW EXECUTE FUNCTION portcullis_purge_removed_instance()`,
    );
    await q.query(`SELECT portcullis_purge_instance(e.instance_id) FROM (
        SELECT DISTINCT instance_id FROM events
        WHERE event_type = 'instance.removed' AND instance_id NOT IN (SELECT id FROM instances)
      ) e`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS purge_removed_instance ON instances`);
    await q.query(`DROP FUNCTION IF EXISTS portcullis_purge_removed_instance()`);
    await q.query(`DROP FUNCTION IF EXISTS portcullis_purge_instance(text)`);
  }
}
