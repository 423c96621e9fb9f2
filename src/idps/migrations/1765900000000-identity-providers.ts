import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * External identity providers: the templates (instance-level when org_id is null, else an org's),
 * the sign-in intents that run through them, and the links from an upstream identity to a user.
 * Configurations are jsonb in the shape of src/idps/idp-config.ts; the secrets of a template and
 * everything an intent brings back from upstream (tokens, assertions) are sealed with the master key.
 */
export class IdentityProviders1765900000000 implements MigrationInterface {
  name = 'IdentityProviders1765900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE idp_templates (
      instance_id text NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
      id text NOT NULL,
      org_id text,
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('oidc', 'jwt', 'oauth', 'ldap', 'azureAd', 'github', 'githubEs',
        'gitlab', 'gitlabSelfHosted', 'google', 'apple', 'saml')),
      state text NOT NULL CHECK (state IN ('active', 'inactive')),
      config jsonb NOT NULL,
      options jsonb NOT NULL,
      secrets text,
      created_at timestamptz NOT NULL,
      changed_at timestamptz NOT NULL,
      sequence bigint NOT NULL,
      PRIMARY KEY (instance_id, id),
      FOREIGN KEY (instance_id, org_id) REFERENCES orgs (instance_id, id) ON DELETE CASCADE
    )`);
    await q.query(`CREATE INDEX idp_templates_owner ON idp_templates (instance_id, org_id, created_at)`);

    // An intent lives minutes: started, then succeeded or failed at the callback, then consumed
    // once by RetrieveIdentityProviderIntent or a session check with its token (stored hashed).
    await q.query(`CREATE TABLE idp_intents (
      instance_id text NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
      id text NOT NULL,
      idp_id text NOT NULL,
      state text NOT NULL CHECK (state IN ('started', 'succeeded', 'failed', 'consumed')),
      success_url text,
      failure_url text,
      flow_state text,
      information text,
      external_user_id text,
      user_id text,
      token_hash text,
      failure text,
      created_at timestamptz NOT NULL,
      changed_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (instance_id, id),
      FOREIGN KEY (instance_id, idp_id) REFERENCES idp_templates (instance_id, id) ON DELETE CASCADE
    )`);
    await q.query(`CREATE INDEX idp_intents_expiry ON idp_intents (expires_at)`);

    // One upstream identity links to one user per instance; a user may have many links.
    await q.query(`CREATE TABLE idp_links (
      instance_id text NOT NULL,
      idp_id text NOT NULL,
      external_user_id text NOT NULL,
      external_user_name text NOT NULL,
      user_id text NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (instance_id, idp_id, external_user_id),
      FOREIGN KEY (instance_id, idp_id) REFERENCES idp_templates (instance_id, id) ON DELETE CASCADE,
      FOREIGN KEY (instance_id, user_id) REFERENCES users (instance_id, id) ON DELETE CASCADE
    )`);
    await q.query(`CREATE INDEX idp_links_user ON idp_links (instance_id, user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS idp_links`);
    await q.query(`DROP TABLE IF EXISTS idp_intents`);
    await q.query(`DROP TABLE IF EXISTS idp_templates`);
  }
}
