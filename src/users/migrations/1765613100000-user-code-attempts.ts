import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Wrong tries at each one-time code, counted in the code's row (the limit holds across processes). */
export class UserCodeAttempts1765613100000 implements MigrationInterface {
  name = 'UserCodeAttempts1765613100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE user_codes ADD COLUMN failed_attempts integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE user_codes DROP COLUMN IF EXISTS failed_attempts`);
  }
}
