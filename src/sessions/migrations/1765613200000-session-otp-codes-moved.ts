import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A session's pending OTP SMS/email codes live with the user's other one-time codes (user_codes,
 * bound to the session's id), where every kind shares the count of wrong tries; the session's
 * own columns for them go. Codes pending at the upgrade are dropped (they last five minutes).
 */
export class SessionOtpCodesMoved1765613200000 implements MigrationInterface {
  name = 'SessionOtpCodesMoved1765613200000';

  async up(q: QueryRunner): Promise<void> {
    for (const column of [
      'otp_sms_code_hash',
      'otp_sms_code_expires_at',
      'otp_email_code_hash',
      'otp_email_code_expires_at',
    ]) {
      await q.query(`ALTER TABLE sessions DROP COLUMN IF EXISTS ${column}`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sessions ADD COLUMN otp_sms_code_hash text, ADD COLUMN otp_sms_code_expires_at timestamptz,
      ADD COLUMN otp_email_code_hash text, ADD COLUMN otp_email_code_expires_at timestamptz`);
  }
}
