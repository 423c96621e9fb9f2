import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Applications of projects (OIDC, API, SAML), their kind-specific configuration and their keys.
 * Apps go with their project (ON DELETE CASCADE), configuration and keys with their app.
 */
export class Apps1764921600000 implements MigrationInterface {
  name = 'Apps1764921600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE apps (
      instance_id text NOT NULL,
      id text NOT NULL,
      project_id text NOT NULL,
      resource_owner text NOT NULL,
      name text NOT NULL,
      state text NOT NULL CHECK (state IN ('active', 'inactive')),
      kind text NOT NULL CHECK (kind IN ('oidc', 'api', 'saml')),
      client_id text,
      client_secret_hash text,
      auth_method text CHECK (auth_method IN ('basic', 'post', 'none', 'private_key_jwt')),
      created_at timestamptz NOT NULL,
      changed_at timestamptz NOT NULL,
      sequence bigint NOT NULL,
      PRIMARY KEY (instance_id, id),
      FOREIGN KEY (instance_id, project_id) REFERENCES projects (instance_id, id) ON DELETE CASCADE,
      CHECK ((kind = 'saml') = (client_id IS NULL)),
      CHECK ((kind = 'saml') = (auth_method IS NULL))
    )`);
    await q.query(`CREATE INDEX apps_project ON apps (instance_id, project_id, created_at)`);
    // What the OIDC layer looks clients up by.
    await q.query(`CREATE UNIQUE INDEX apps_client_id ON apps (instance_id, client_id) WHERE client_id IS NOT NULL`);

    await q.query(`CREATE TABLE app_oidc_configs (
      instance_id text NOT NULL,
      app_id text NOT NULL,
      redirect_uris text[] NOT NULL DEFAULT '{}',
      response_types text[] NOT NULL,
      grant_types text[] NOT NULL,
      app_type text NOT NULL CHECK (app_type IN ('web', 'user_agent', 'native')),
      post_logout_redirect_uris text[] NOT NULL DEFAULT '{}',
      dev_mode boolean NOT NULL DEFAULT false,
      access_token_type text NOT NULL CHECK (access_token_type IN ('bearer', 'jwt')),
      access_token_role_assertion boolean NOT NULL DEFAULT false,
      id_token_role_assertion boolean NOT NULL DEFAULT false,
      id_token_userinfo_assertion boolean NOT NULL DEFAULT false,
      clock_skew_ms integer NOT NULL DEFAULT 0 CHECK (clock_skew_ms BETWEEN 0 AND 5000),
      additional_origins text[] NOT NULL DEFAULT '{}',
      skip_native_app_success_page boolean NOT NULL DEFAULT false,
      back_channel_logout_uri text NOT NULL DEFAULT '',
      login_version text CHECK (login_version IN ('v1', 'v2')),
      login_base_uri text,
      PRIMARY KEY (instance_id, app_id),
      FOREIGN KEY (instance_id, app_id) REFERENCES apps (instance_id, id) ON DELETE CASCADE
    )`);

    await q.query(`CREATE TABLE app_saml_configs (
      instance_id text NOT NULL,
      app_id text NOT NULL,
      entity_id text NOT NULL,
      metadata text NOT NULL,
      metadata_url text,
      login_version text CHECK (login_version IN ('v1', 'v2')),
      login_base_uri text,
      PRIMARY KEY (instance_id, app_id),
      FOREIGN KEY (instance_id, app_id) REFERENCES apps (instance_id, id) ON DELETE CASCADE
    )`);
    // A service provider is one app per instance, as ZITADEL's unique entity id.
    await q.query(`CREATE UNIQUE INDEX app_saml_configs_entity_id ON app_saml_configs (instance_id, entity_id)`);

    await q.query(`CREATE TABLE app_keys (
      instance_id text NOT NULL,
      id text NOT NULL,
      app_id text NOT NULL,
      project_id text NOT NULL,
      resource_owner text NOT NULL,
      type text NOT NULL CHECK (type IN ('json')),
      public_key text NOT NULL,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (instance_id, id),
      FOREIGN KEY (instance_id, app_id) REFERENCES apps (instance_id, id) ON DELETE CASCADE
    )`);
    await q.query(`CREATE INDEX app_keys_app ON app_keys (instance_id, app_id)`);
    await q.query(`CREATE INDEX app_keys_project ON app_keys (instance_id, project_id)`);
    await q.query(`CREATE INDEX app_keys_owner ON app_keys (instance_id, resource_owner)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS app_keys`);
    await q.query(`DROP TABLE IF EXISTS app_saml_configs`);
    await q.query(`DROP TABLE IF EXISTS app_oidc_configs`);
    await q.query(`DROP TABLE IF EXISTS apps`);
  }
}
