import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Second factors and passkeys: TOTP seeds (sealed with the master key), OTP over SMS/email, and
 * WebAuthn credentials whose pending registrations keep their challenge here until it expires.
 */
export class UserMfa1764576000000 implements MigrationInterface {
  name = 'UserMfa1764576000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE user_totp (
      instance_id text NOT NULL,
      user_id text NOT NULL,
      secret_sealed text NOT NULL,
      state text NOT NULL CHECK (state IN ('pending', 'ready')),
      created_at timestamptz NOT NULL,
      verified_at timestamptz,
      PRIMARY KEY (instance_id, user_id),
      FOREIGN KEY (instance_id, user_id) REFERENCES users (instance_id, id) ON DELETE CASCADE
    )`);

    await q.query(`CREATE TABLE user_otp_channels (
      instance_id text NOT NULL,
      user_id text NOT NULL,
      channel text NOT NULL CHECK (channel IN ('sms', 'email')),
      created_at timestamptz NOT NULL,
      PRIMARY KEY (instance_id, user_id, channel),
      FOREIGN KEY (instance_id, user_id) REFERENCES users (instance_id, id) ON DELETE CASCADE
    )`);

    await q.query(`CREATE TABLE user_webauthn_credentials (
      instance_id text NOT NULL,
      user_id text NOT NULL,
      id text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('passkey', 'u2f')),
      state text NOT NULL CHECK (state IN ('pending', 'ready')),
      rp_id text NOT NULL,
      user_verification text NOT NULL CHECK (user_verification IN ('required', 'discouraged')),
      challenge text,
      challenge_expires_at timestamptz,
      name text,
      credential_id text,
      public_key bytea,
      sign_count bigint NOT NULL DEFAULT 0,
      aaguid text,
      transports text[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL,
      verified_at timestamptz,
      PRIMARY KEY (instance_id, user_id, id),
      FOREIGN KEY (instance_id, user_id) REFERENCES users (instance_id, id) ON DELETE CASCADE,
      CHECK (state = 'ready' OR (challenge IS NOT NULL AND challenge_expires_at IS NOT NULL)),
      CHECK (state = 'pending' OR (credential_id IS NOT NULL AND public_key IS NOT NULL))
    )`);
    // A credential belongs to one user of an instance; sign-in looks it up by its id.
    await q.query(`CREATE UNIQUE INDEX user_webauthn_credentials_credential
      ON user_webauthn_credentials (instance_id, credential_id) WHERE credential_id IS NOT NULL`);
    await q.query(`CREATE INDEX user_webauthn_credentials_expiry
      ON user_webauthn_credentials (instance_id, challenge_expires_at) WHERE state = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS user_webauthn_credentials`);
    await q.query(`DROP TABLE IF EXISTS user_otp_channels`);
    await q.query(`DROP TABLE IF EXISTS user_totp`);
  }
}
