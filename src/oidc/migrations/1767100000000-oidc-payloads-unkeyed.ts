import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `oidc_payloads` no longer has a foreign key to `instances`. Its check made every token insert
 * lock the instance's row (FOR KEY SHARE), so all the concurrent token requests of an instance
 * shared one row lock, and PostgreSQL's multixact upkeep on it cost about an eighth of a token
 * insert's throughput (pgbench, 16 clients: 6,500 vs 7,500 statements/s). A removed instance's
 * rows are deleted by the purge trigger on `instances` (1766500000000), as every other table's
 * are; a token saved while its instance is being removed is never found, and the sweeper deletes
 * it once it expires.
 */
export class OidcPayloadsUnkeyed1767100000000 implements MigrationInterface {
  name = 'OidcPayloadsUnkeyed1767100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE oidc_payloads DROP CONSTRAINT IF EXISTS oidc_payloads_instance_id_fkey`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE oidc_payloads ADD CONSTRAINT oidc_payloads_instance_id_fkey FOREIGN KEY (instance_id) REFERENCES instances (id) ON DELETE CASCADE`,
    );
  }
}
