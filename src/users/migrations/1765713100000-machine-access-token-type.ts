import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A machine user's access token type (ZITADEL's `access_token_type`): bearer (opaque) or JWT for
 * the tokens it gets with its secret or keys. Null for humans; machines start as bearer.
 */
export class MachineAccessTokenType1765713100000 implements MigrationInterface {
  name = 'MachineAccessTokenType1765713100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE users ADD COLUMN machine_access_token_type text CHECK (machine_access_token_type IN ('bearer', 'jwt'))`,
    );
    await q.query(`UPDATE users SET machine_access_token_type = 'bearer' WHERE type = 'machine'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN IF EXISTS machine_access_token_type`);
  }
}
