import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The console's OIDC client of each instance; boot fills it in for every instance. */
export class Console1766300000000 implements MigrationInterface {
  name = 'Console1766300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE console_clients (
      instance_id text PRIMARY KEY REFERENCES instances (id) ON DELETE CASCADE,
      project_id text NOT NULL,
      app_id text NOT NULL,
      client_id text NOT NULL,
      created_at timestamptz NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS console_clients`);
  }
}
