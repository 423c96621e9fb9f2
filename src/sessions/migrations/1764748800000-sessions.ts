import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions of the v2 session API and the failed-check counters of the lockout policy.
 *
 * A session keeps the time of each verified factor, the hash of its current token (replaced on
 * every change), its pending challenges (WebAuthn challenge, hashed OTP codes) and what the client
 * said about its user agent. A terminated session is deleted; its history stays in the events.
 */
export class Sessions1764748800000 implements MigrationInterface {
  name = 'Sessions1764748800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE sessions (
      instance_id text NOT NULL,
      id text NOT NULL,
      token_hash text NOT NULL,
      creator text NOT NULL,
      user_id text,
      user_resource_owner text,
      user_checked_at timestamptz,
      password_checked_at timestamptz,
      intent_checked_at timestamptz,
      webauthn_checked_at timestamptz,
      webauthn_user_verified boolean NOT NULL DEFAULT false,
      totp_checked_at timestamptz,
      otp_sms_checked_at timestamptz,
      otp_email_checked_at timestamptz,
      metadata jsonb NOT NULL DEFAULT '{}',
      user_agent_fingerprint_id text,
      user_agent_ip text,
      user_agent_description text,
      user_agent_header jsonb,
      expires_at timestamptz,
      webauthn_challenge text,
      webauthn_rp_id text,
      webauthn_user_verification text CHECK (webauthn_user_verification IN ('required', 'preferred', 'discouraged')),
      webauthn_challenge_expires_at timestamptz,
      otp_sms_code_hash text,
      otp_sms_code_expires_at timestamptz,
      otp_email_code_hash text,
      otp_email_code_expires_at timestamptz,
      created_at timestamptz NOT NULL,
      changed_at timestamptz NOT NULL,
      sequence bigint NOT NULL,
      PRIMARY KEY (instance_id, id),
      FOREIGN KEY (instance_id, user_id) REFERENCES users (instance_id, id) ON DELETE CASCADE,
      CHECK ((user_id IS NULL) = (user_resource_owner IS NULL))
    )`);
    // Bearer authentication and token checks look sessions up by the hash of their token.
    await q.query(`CREATE UNIQUE INDEX sessions_token ON sessions (instance_id, token_hash)`);
    await q.query(`CREATE INDEX sessions_user ON sessions (instance_id, user_id)`);
    await q.query(`CREATE INDEX sessions_owner ON sessions (instance_id, user_resource_owner)`);
    await q.query(`CREATE INDEX sessions_creator ON sessions (instance_id, creator)`);
    await q.query(`CREATE INDEX sessions_created ON sessions (instance_id, created_at)`);
    await q.query(
      `CREATE INDEX sessions_fingerprint ON sessions (instance_id, user_agent_fingerprint_id) WHERE user_agent_fingerprint_id IS NOT NULL`,
    );

    // Failed password and OTP checks since the last success (lockout policy). `locked_at` marks a
    // lock this counter caused: once the user is unlocked, the counts start again from zero.
    await q.query(`CREATE TABLE user_lockouts (
      instance_id text NOT NULL,
      user_id text NOT NULL,
      password_failures integer NOT NULL DEFAULT 0,
      otp_failures integer NOT NULL DEFAULT 0,
      locked_at timestamptz,
      PRIMARY KEY (instance_id, user_id),
      FOREIGN KEY (instance_id, user_id) REFERENCES users (instance_id, id) ON DELETE CASCADE
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS user_lockouts`);
    await q.query(`DROP TABLE IF EXISTS sessions`);
  }
}
