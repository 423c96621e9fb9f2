import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The instances' email (SMTP, HTTP) and SMS (Twilio, HTTP) providers, ZITADEL's admin API.
 * At most one active provider per instance and channel; the secret (SMTP password, Twilio
 * token) is sealed with the master key and never returned.
 */
export class NotificationProviders1765700000000 implements MigrationInterface {
  name = 'NotificationProviders1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE notification_providers (
      instance_id text NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
      id text NOT NULL,
      channel text NOT NULL CHECK (channel IN ('email', 'sms')),
      kind text NOT NULL CHECK (kind IN ('smtp', 'http', 'twilio')),
      state text NOT NULL CHECK (state IN ('active', 'inactive')),
      description text NOT NULL,
      config jsonb NOT NULL,
      secret text,
      created_at timestamptz NOT NULL,
      changed_at timestamptz NOT NULL,
      sequence bigint NOT NULL,
      PRIMARY KEY (instance_id, id)
    )`);
    await q.query(
      `CREATE UNIQUE INDEX notification_providers_active ON notification_providers (instance_id, channel) WHERE state = 'active'`,
    );
    await q.query(
      `CREATE INDEX notification_providers_list ON notification_providers (instance_id, channel, created_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS notification_providers`);
  }
}
