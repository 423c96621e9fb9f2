import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A SAML request remembers ForceAuthn: its response needs a factor checked after it arrived. */
export class SamlForceAuthn1765500000000 implements MigrationInterface {
  name = 'SamlForceAuthn1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE saml_requests ADD COLUMN force_authn boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE saml_requests DROP COLUMN IF EXISTS force_authn`);
  }
}
