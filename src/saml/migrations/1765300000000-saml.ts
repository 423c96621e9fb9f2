import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SAML identity provider: one signing certificate per instance (generated on first use), and the
 * AuthnRequests received, kept until answered and afterwards for replay detection and single logout.
 */
export class Saml1765300000000 implements MigrationInterface {
  name = 'Saml1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE saml_certificates (
      instance_id text PRIMARY KEY REFERENCES instances (id) ON DELETE CASCADE,
      certificate text NOT NULL,
      private_key text NOT NULL,
      not_after timestamptz NOT NULL,
      created_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE TABLE saml_requests (
      instance_id text NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
      id text NOT NULL,
      app_id text NOT NULL,
      issuer text NOT NULL,
      request_id text NOT NULL,
      idp_entity_id text NOT NULL,
      acs_url text NOT NULL,
      response_binding text NOT NULL CHECK (response_binding IN ('post', 'redirect')),
      relay_state text NOT NULL,
      name_id_format text NOT NULL,
      state text NOT NULL CHECK (state IN ('pending', 'answered')),
      session_id text,
      user_id text,
      name_id text,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      answered_at timestamptz,
      PRIMARY KEY (instance_id, id)
    )`);
    // SAML core §3.2.1 IDs are unique per issuer: a second AuthnRequest with one is a replay.
    await q.query(`CREATE UNIQUE INDEX saml_requests_replay ON saml_requests (instance_id, issuer, request_id)`);
    await q.query(
      `CREATE INDEX saml_requests_logout ON saml_requests (instance_id, issuer, name_id) WHERE state = 'answered'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS saml_requests`);
    await q.query(`DROP TABLE IF EXISTS saml_certificates`);
  }
}
