import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Trusted domains: hosts an instance may be reached under as the public host (a login UI's own
 * domain, a proxy) without being instance domains that select the instance (ZITADEL's
 * instance trusted domains).
 */
export class InstanceTrustedDomains1765800000000 implements MigrationInterface {
  name = 'InstanceTrustedDomains1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE instance_trusted_domains (
      instance_id text NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
      domain text NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (instance_id, domain)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE instance_trusted_domains');
  }
}
