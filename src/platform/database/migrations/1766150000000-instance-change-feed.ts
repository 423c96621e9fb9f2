import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Instances and their domains join the change feed (see 1765400000000-change-feed): a domain
 * added, moved or removed, or an instance renamed or removed, by any process or by hand, is
 * announced with the instance's id, and every process drops what its instance resolver cached
 * for that instance. The `instances` table names its id `id`, so it has a function of its own.
 */
export class InstanceChangeFeed1766150000000 implements MigrationInterface {
  name = 'InstanceChangeFeed1766150000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION portcullis_announce_instance_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          PERFORM pg_notify('portcullis_changes', '*');
        ELSIF TG_OP = 'DELETE' THEN
          PERFORM pg_notify('portcullis_changes', OLD.id);
        ELSE
          PERFORM pg_notify('portcullis_changes', NEW.id);
        END IF;
        RETURN NULL;
      END $$`);
    await this.announce(q, 'instances', 'portcullis_announce_instance_change');
    await this.announce(q, 'instance_domains', 'portcullis_announce_change');
    await this.announce(q, 'instance_trusted_domains', 'portcullis_announce_change');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['instances', 'instance_domains', 'instance_trusted_domains']) {
      await q.query(`DROP TRIGGER IF EXISTS announce_change ON ${table}`);
      await q.query(`DROP TRIGGER IF EXISTS announce_truncate ON ${table}`);
    }
    await q.query(`DROP FUNCTION IF EXISTS portcullis_announce_instance_change()`);
  }

  private async announce(q: QueryRunner, table: string, fn: string): Promise<void> {
    await q.query(
      `CREATE TRIGGER announce_change AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
    );
    await q.query(
      `CREATE TRIGGER announce_truncate AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
    );
  }
}
