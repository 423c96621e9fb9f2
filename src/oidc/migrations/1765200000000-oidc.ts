import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What oidc-provider persists (interactions = auth requests, sessions, grants, codes, tokens,
 * device codes, replay detection), one row per artifact as its jsonb payload, so every server
 * process serves every flow. Looked up by id, grant id (revocation of a grant's tokens), user
 * code (device flow) and uid (sessions); swept after `expires_at`.
 */
export class Oidc1765200000000 implements MigrationInterface {
  name = 'Oidc1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE oidc_payloads (
      instance_id text NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
      model text NOT NULL,
      id text NOT NULL,
      payload jsonb NOT NULL,
      grant_id text,
      user_code text,
      uid text,
      account_id text,
      expires_at timestamptz,
      consumed_at timestamptz,
      PRIMARY KEY (instance_id, model, id)
    )`);
    await q.query(
      `CREATE INDEX oidc_payloads_grant ON oidc_payloads (instance_id, grant_id) WHERE grant_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX oidc_payloads_user_code ON oidc_payloads (instance_id, model, user_code) WHERE user_code IS NOT NULL`,
    );
    await q.query(`CREATE INDEX oidc_payloads_uid ON oidc_payloads (instance_id, model, uid) WHERE uid IS NOT NULL`);
    await q.query(
      `CREATE INDEX oidc_payloads_account ON oidc_payloads (instance_id, account_id) WHERE account_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX oidc_payloads_expiry ON oidc_payloads (expires_at) WHERE expires_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS oidc_payloads`);
  }
}
