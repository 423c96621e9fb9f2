import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Actions v2: an instance's targets (endpoints with their signing key, sealed by the master key
 * because every call is signed with it) and its executions (a condition and the targets it calls,
 * in order). Both are read on every RPC through a read cache, so their changes are announced on
 * the change feed like the other cached tables.
 */
export class Actions1766000000000 implements MigrationInterface {
  name = 'Actions1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE action_targets (
      instance_id text NOT NULL,
      id text NOT NULL,
      name text NOT NULL,
      target_type text NOT NULL CHECK (target_type IN ('webhook', 'call', 'async')),
      endpoint text NOT NULL,
      timeout_ms integer NOT NULL CHECK (timeout_ms > 0),
      interrupt_on_error boolean NOT NULL DEFAULT false,
      signing_key text NOT NULL,
      created_at timestamptz NOT NULL,
      changed_at timestamptz NOT NULL,
      sequence bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (instance_id, id)
    )`);
    // ZITADEL's unique constraint on a target's name within the instance.
    await q.query(`CREATE UNIQUE INDEX action_targets_name ON action_targets (instance_id, name)`);
    await q.query(`CREATE TABLE action_executions (
      instance_id text NOT NULL,
      id text NOT NULL,
      execution_type text NOT NULL CHECK (execution_type IN ('request', 'response', 'function', 'event')),
      targets text[] NOT NULL,
      created_at timestamptz NOT NULL,
      changed_at timestamptz NOT NULL,
      sequence bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (instance_id, id)
    )`);
    await q.query(`CREATE INDEX action_executions_targets ON action_executions USING gin (targets)`);
    for (const table of ['action_targets', 'action_executions']) {
      await q.query(
        `CREATE TRIGGER announce_change AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION portcullis_announce_change()`,
      );
      await q.query(
        `CREATE TRIGGER announce_truncate AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION portcullis_announce_change()`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS action_executions`);
    await q.query(`DROP TABLE IF EXISTS action_targets`);
  }
}
