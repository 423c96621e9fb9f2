import type { MigrationInterface, QueryRunner } from 'typeorm';

const SEARCHABLE = ['username', 'given_name', 'family_name', 'nick_name', 'display_name', 'email', 'phone'];

/** Users: one-time codes, metadata, profile and password fields of the user API. */
export class Users1764316800000 implements MigrationInterface {
  name = 'Users1764316800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users
      ADD COLUMN gender smallint NOT NULL DEFAULT 0,
      ADD COLUMN password_changed_at timestamptz,
      ADD COLUMN mfa_init_skipped_at timestamptz`);
    // Text searches compare lower(column) (see list-query.ts): per searchable column a btree
    // serves equals and starts-with, a trigram index contains and ends-with, with or without case.
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    for (const column of SEARCHABLE) {
      await q.query(`CREATE INDEX users_${column}_lower ON users (lower(${column}) text_pattern_ops)`);
      await q.query(`CREATE INDEX users_${column}_trgm ON users USING gin (lower(${column}) gin_trgm_ops)`);
    }
    await q.query(`CREATE INDEX users_email ON users (instance_id, lower(email))`);
    // Listing an org's users in username order, and counting them, from the index alone.
    await q.query(`CREATE INDEX users_org_username ON users (instance_id, resource_owner, username)`);
    await q.query(`CREATE INDEX users_state ON users (instance_id, state)`);
    await q.query(`CREATE INDEX users_type ON users (instance_id, type)`);
    await q.query(`CREATE INDEX users_created ON users (instance_id, created_at)`);

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
    for (const index of [
      'users_email',
      'users_org_username',
      'users_state',
      'users_type',
      'users_created',
      ...SEARCHABLE.flatMap((c) => [`users_${c}_lower`, `users_${c}_trgm`]),
    ]) {
      await q.query(`DROP INDEX IF EXISTS ${index}`);
    }
    await q.query(
      `ALTER TABLE users DROP COLUMN gender, DROP COLUMN password_changed_at, DROP COLUMN mfa_init_skipped_at`,
    );
  }
}
