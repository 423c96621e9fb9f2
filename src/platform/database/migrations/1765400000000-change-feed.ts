import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tables the read caches are loaded from (src/platform/cache), and on `users` the columns
 * they read: a change to any of them, by the server or by hand, is announced on the
 * `portcullis_changes` channel with the row's instance id, and every process drops that
 * instance's cached entries. A cache that reads another table or column extends this list in a
 * migration of its own.
 */
const CACHED_TABLES = [
  'personal_access_tokens',
  'orgs',
  'memberships',
  'project_grants',
  'settings_policies',
  'projects',
  'apps',
  'app_oidc_configs',
  'app_keys',
  'machine_secrets',
  'machine_keys',
];
const CACHED_USER_COLUMNS = 'state, username, type, resource_owner';

export class ChangeFeed1765400000000 implements MigrationInterface {
  name = 'ChangeFeed1765400000000';

  async up(q: QueryRunner): Promise<void> {
    // A transaction sends each distinct payload once, however many rows it changed.
    await q.query(`CREATE FUNCTION portcullis_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          PERFORM pg_notify('portcullis_changes', '*');
        ELSIF TG_OP = 'DELETE' THEN
          PERFORM pg_notify('portcullis_changes', OLD.instance_id);
        ELSE
          PERFORM pg_notify('portcullis_changes', NEW.instance_id);
        END IF;
        RETURN NULL;
      END $$`);
    for (const table of CACHED_TABLES) await this.announce(q, table, 'INSERT OR UPDATE OR DELETE');
    // A new human user is in no cache (no PAT, membership or client can name it yet); a new
    // machine user can make a username its client id shares ambiguous.
    await this.announce(q, 'users', `DELETE OR UPDATE OF ${CACHED_USER_COLUMNS}`);
    await q.query(
      `CREATE TRIGGER announce_machine_insert AFTER INSERT ON users FOR EACH ROW WHEN (NEW.type = 'machine') EXECUTE FUNCTION portcullis_announce_change()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS announce_machine_insert ON users`);
    for (const table of [...CACHED_TABLES, 'users']) {
      await q.query(`DROP TRIGGER IF EXISTS announce_change ON ${table}`);
      await q.query(`DROP TRIGGER IF EXISTS announce_truncate ON ${table}`);
    }
    await q.query(`DROP FUNCTION IF EXISTS portcullis_announce_change()`);
  }

  private async announce(q: QueryRunner, table: string, events: string): Promise<void> {
    await q.query(
      `CREATE TRIGGER announce_change AFTER ${events} ON ${table} FOR EACH ROW EXECUTE FUNCTION portcullis_announce_change()`,
    );
    await q.query(
      `CREATE TRIGGER announce_truncate AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION portcullis_announce_change()`,
    );
  }
}
