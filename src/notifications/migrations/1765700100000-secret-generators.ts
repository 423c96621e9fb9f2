import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Secret generator settings an instance changed; a type without a row uses ZITADEL's defaults. */
export class SecretGenerators1765700100000 implements MigrationInterface {
  name = 'SecretGenerators1765700100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE secret_generators (
      instance_id text NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
      generator_type text NOT NULL,
      length integer NOT NULL CHECK (length > 0),
      expiry_ms bigint NOT NULL CHECK (expiry_ms >= 0),
      include_lower_letters boolean NOT NULL,
      include_upper_letters boolean NOT NULL,
      include_digits boolean NOT NULL,
      include_symbols boolean NOT NULL,
      created_at timestamptz NOT NULL,
      changed_at timestamptz NOT NULL,
      sequence bigint NOT NULL,
      PRIMARY KEY (instance_id, generator_type)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS secret_generators`);
  }
}
