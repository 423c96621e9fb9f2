import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Policies (ZITADEL's "settings"): one row per instance default and per org override of each
 * kind, the policy itself as jsonb. The instance's own row has `owner = instance_id`; an org's
 * has `owner = org id`. Reads take the org's row if there is one, else the instance's, else the
 * built-in defaults, so a missing row is never an error.
 */
export class Settings1764662400000 implements MigrationInterface {
  name = 'Settings1764662400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE settings_policies (
      instance_id text NOT NULL,
      kind text NOT NULL,
      owner text NOT NULL,
      owner_type text NOT NULL CHECK (owner_type IN ('instance', 'org')),
      body jsonb NOT NULL,
      sequence bigint NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      changed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (instance_id, kind, owner),
      CHECK (owner_type = 'org' OR owner = instance_id),
      CHECK (jsonb_typeof(body) = 'object')
    )`);
    // Removing an org's overrides (and listing them) by owner.
    await q.query(`CREATE INDEX settings_policies_owner ON settings_policies (instance_id, owner)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS settings_policies`);
  }
}
