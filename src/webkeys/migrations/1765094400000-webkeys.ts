import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Web keys: the instances' token signing keys; at most one active per instance. */
export class WebKeys1765094400000 implements MigrationInterface {
  name = 'WebKeys1765094400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE web_keys (
      instance_id text NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
      id text NOT NULL,
      state text NOT NULL CHECK (state IN ('initial', 'active', 'inactive')),
      alg text NOT NULL,
      config jsonb NOT NULL,
      public_jwk jsonb NOT NULL,
      private_key text NOT NULL,
      created_at timestamptz NOT NULL,
      changed_at timestamptz NOT NULL,
      sequence bigint NOT NULL,
      PRIMARY KEY (instance_id, id)
    )`);
    await q.query(`CREATE UNIQUE INDEX web_keys_active ON web_keys (instance_id) WHERE state = 'active'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS web_keys`);
  }
}
