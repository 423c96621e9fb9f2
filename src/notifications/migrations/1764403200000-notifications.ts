import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The notification outbox: rows are written in the transaction that made the code and delivered
 * after it commits. The payload (recipient, code, link template) is sealed with the master key and
 * cleared once the row is sent or given up.
 */
export class Notifications1764403200000 implements MigrationInterface {
  name = 'Notifications1764403200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE notification_outbox (
      instance_id text NOT NULL,
      id text NOT NULL,
      channel text NOT NULL CHECK (channel IN ('email', 'sms')),
      template text NOT NULL,
      user_id text NOT NULL,
      org_id text NOT NULL,
      payload text,
      state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      changed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (instance_id, id),
      CHECK (state <> 'pending' OR payload IS NOT NULL)
    )`);
    // The delivery worker serves every instance: it looks for due rows across tenants.
    await q.query(
      `CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at) WHERE state = 'pending'`,
    );
    // Pruning finished rows.
    await q.query(
      `CREATE INDEX notification_outbox_finished ON notification_outbox (changed_at) WHERE state <> 'pending'`,
    );
    await q.query(`CREATE INDEX notification_outbox_user ON notification_outbox (instance_id, user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS notification_outbox`);
  }
}
