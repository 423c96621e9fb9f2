import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Feature flags set at the system and instance levels (ZITADEL's feature.system / feature.instance
 * aggregates): one row per level, the flags it sets as jsonb keyed by ZITADEL's feature keys.
 * System rows have `instance_id = ''` (ZITADEL's system aggregate belongs to no instance), so the
 * table has no foreign key to instances: a removed instance's row stays, as in the other tables
 * without one, and no host reaches it.
 * The hot paths read flags through a cache: changes are announced on the change feed, a system
 * row's as `''`, which every process takes as "all instances".
 */
export class Features1766200000000 implements MigrationInterface {
  name = 'Features1766200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE feature_flags (
      instance_id text NOT NULL,
      level text NOT NULL CHECK (level IN ('system', 'instance')),
      flags jsonb NOT NULL CHECK (jsonb_typeof(flags) = 'object'),
      sequence bigint NOT NULL,
      changed_at timestamptz NOT NULL,
      PRIMARY KEY (instance_id, level),
      CHECK ((level = 'system') = (instance_id = ''))
    )`);
    await q.query(
      `CREATE TRIGGER announce_change AFTER INSERT OR UPDATE OR DELETE ON feature_flags FOR EACH ROW EXECUTE FUNCTION portcullis_announce_change()`,
    );
    await q.query(
      `CREATE TRIGGER announce_truncate AFTER TRUNCATE ON feature_flags FOR EACH STATEMENT EXECUTE FUNCTION portcullis_announce_change()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS feature_flags`);
  }
}
