import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Machine keys and client secrets; PATs listed by org. */
export class UserCredentials1764489600000 implements MigrationInterface {
  name = 'UserCredentials1764489600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE machine_keys (
      instance_id text NOT NULL,
      id text NOT NULL,
      user_id text NOT NULL,
      resource_owner text NOT NULL,
      public_key text NOT NULL,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (instance_id, id),
      FOREIGN KEY (instance_id, user_id) REFERENCES users (instance_id, id) ON DELETE CASCADE
    )`);
    await q.query(`CREATE INDEX machine_keys_user ON machine_keys (instance_id, user_id)`);
    await q.query(`CREATE INDEX machine_keys_owner ON machine_keys (instance_id, resource_owner)`);

    await q.query(`CREATE TABLE machine_secrets (
      instance_id text NOT NULL,
      user_id text NOT NULL,
      secret_hash text NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (instance_id, user_id),
      FOREIGN KEY (instance_id, user_id) REFERENCES users (instance_id, id) ON DELETE CASCADE
    )`);

    // ListPersonalAccessTokens filters by the orgs the caller may read.
    await q.query(`CREATE INDEX personal_access_tokens_owner ON personal_access_tokens (instance_id, resource_owner)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS personal_access_tokens_owner`);
    await q.query(`DROP TABLE IF EXISTS machine_secrets`);
    await q.query(`DROP TABLE IF EXISTS machine_keys`);
  }
}
