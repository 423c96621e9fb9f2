import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users: one-time codes, metadata, profile and password fields of the user API. */
export class Users1764316800000 implements MigrationInterface {
  name = 'Users1764316800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users
      ADD COLUMN gender smallint NOT NULL DEFAULT 0,
      ADD COLUMN password_changed_at timestamptz,
      ADD COLUMN mfa_init_skipped_at timestamptz`);
    await q.query(`CREATE INDEX users_email ON users (instance_id, lower(email))`);
    await q.query(`CREATE INDEX users_phone ON users (instance_id, phone)`);
    await q.query(`CREATE INDEX users_state ON users (instance_id, state)`);
    await q.query(`CREATE INDEX users_type ON users (instance_id, type)`);
    await q.query(`CREATE INDEX users_created ON users (instance_id, created_at)`);
    await q.query(`CREATE INDEX users_names ON users (instance_id, lower(given_name), lower(family_name))`);
    await q.query(`CREATE INDEX users_display_name ON users (instance_id, lower(display_name))`);

    await q.query(`CREATE TABLE user_codes (
      instance_id text NOT NULL,
      user_id text NOT NULL,
      kind text NOT NULL,
      code_hash text NOT NULL,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (instance_id, user_id, kind),
      FOREIGN KEY (instance_id, user_id) REFERENCES users (instance_id, id) ON DELETE CASCADE
    )`);

    await q.query(`CREATE TABLE user_metadata (
      instance_id text NOT NULL,
      user_id text NOT NULL,
      key text NOT NULL,
      value bytea NOT NULL,
      created_at timestamptz NOT NULL,
      changed_at timestamptz NOT NULL,
      PRIMARY KEY (instance_id, user_id, key),
      FOREIGN KEY (instance_id, user_id) REFERENCES users (instance_id, id) ON DELETE CASCADE
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS user_metadata`);
    await q.query(`DROP TABLE IF EXISTS user_codes`);
    for (const index of ['users_email', 'users_phone', 'users_state', 'users_type', 'users_created', 'users_names', 'users_display_name']) {
      await q.query(`DROP INDEX IF EXISTS ${index}`);
    }
    await q.query(`ALTER TABLE users DROP COLUMN gender, DROP COLUMN password_changed_at, DROP COLUMN mfa_init_skipped_at`);
  }
}
