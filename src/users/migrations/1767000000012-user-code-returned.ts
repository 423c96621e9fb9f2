import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether a pending code was returned to the API caller instead of sent to the user: ZITADEL
 * resends only a sent invite code (ResendInviteCode, COMMAND-Wr3gq). Codes pending before this
 * count as sent, as nothing recorded otherwise.
 */
export class UserCodeReturned1767000000012 implements MigrationInterface {
  name = 'UserCodeReturned1767000000012';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE user_codes ADD COLUMN returned boolean NOT NULL DEFAULT false');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE user_codes DROP COLUMN IF EXISTS returned');
  }
}
