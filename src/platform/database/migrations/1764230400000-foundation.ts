import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Foundation schema: tenancy, audit events, memberships, minimal users and PATs, orgs. */
export class Foundation1764230400000 implements MigrationInterface {
  name = 'Foundation1764230400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE id_generator_nodes`);

    await q.query(`CREATE TABLE instances (
      id text PRIMARY KEY,
      name text NOT NULL,
      default_org_id text,
      primary_domain text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE instance_domains (
      domain text PRIMARY KEY,
      instance_id text NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
      is_generated boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX instance_domains_instance ON instance_domains (instance_id)`);

    await q.query(`CREATE TABLE events (
      instance_id text NOT NULL,
      aggregate_type text NOT NULL,
      aggregate_id text NOT NULL,
      sequence bigint NOT NULL,
      position bigserial NOT NULL,
      event_type text NOT NULL,
      payload jsonb NOT NULL DEFAULT '{}'::jsonb,
      creator text NOT NULL,
      resource_owner text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      PRIMARY KEY (instance_id, aggregate_type, aggregate_id, sequence)
    )`);
    await q.query(`CREATE INDEX events_position ON events (instance_id, position)`);
    await q.query(`CREATE INDEX events_type ON events (instance_id, event_type, position)`);

    await q.query(`CREATE TABLE memberships (
      instance_id text NOT NULL,
      user_id text NOT NULL,
      level text NOT NULL CHECK (level IN ('instance', 'org', 'project')),
      resource_id text NOT NULL,
      resource_owner text NOT NULL,
      roles text[] NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      changed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (instance_id, user_id, level, resource_id)
    )`);
    await q.query(`CREATE INDEX memberships_resource ON memberships (instance_id, level, resource_id)`);

    await q.query(`CREATE TABLE users (
      instance_id text NOT NULL,
      id text NOT NULL,
      resource_owner text NOT NULL,
      type text NOT NULL CHECK (type IN ('human', 'machine')),
      state text NOT NULL,
      username text NOT NULL,
      password_hash text,
      password_change_required boolean NOT NULL DEFAULT false,
      given_name text,
      family_name text,
      nick_name text,
      display_name text,
      preferred_language text,
      email text,
      email_verified boolean NOT NULL DEFAULT false,
      phone text,
      phone_verified boolean NOT NULL DEFAULT false,
      machine_name text,
      machine_description text,
      created_at timestamptz NOT NULL,
      changed_at timestamptz NOT NULL,
      sequence bigint NOT NULL,
      PRIMARY KEY (instance_id, id)
    )`);
    await q.query(`CREATE INDEX users_owner ON users (instance_id, resource_owner)`);
    // Uniqueness depends on the domain settings (per org or per instance): checked under a lock.
    await q.query(`CREATE INDEX users_username ON users (instance_id, lower(username))`);

    await q.query(`CREATE TABLE personal_access_tokens (
      instance_id text NOT NULL,
      id text NOT NULL,
      user_id text NOT NULL,
      resource_owner text NOT NULL,
      token_hash text NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (instance_id, id)
    )`);
    await q.query(`CREATE INDEX personal_access_tokens_user ON personal_access_tokens (instance_id, user_id)`);

    await q.query(`CREATE TABLE orgs (
      instance_id text NOT NULL,
      id text NOT NULL,
      name text NOT NULL,
      state text NOT NULL CHECK (state IN ('active', 'inactive')),
      primary_domain text NOT NULL,
      created_at timestamptz NOT NULL,
      changed_at timestamptz NOT NULL,
      sequence bigint NOT NULL,
      PRIMARY KEY (instance_id, id)
    )`);
    // Org names are unique per instance, compared case-insensitively as ZITADEL does.
    await q.query(`CREATE UNIQUE INDEX orgs_name ON orgs (instance_id, lower(name))`);
    await q.query(`CREATE INDEX orgs_primary_domain ON orgs (instance_id, primary_domain)`);
    await q.query(`CREATE INDEX orgs_created ON orgs (instance_id, created_at)`);

    await q.query(`CREATE TABLE org_domains (
      instance_id text NOT NULL,
      org_id text NOT NULL,
      domain text NOT NULL,
      is_verified boolean NOT NULL DEFAULT false,
      is_primary boolean NOT NULL DEFAULT false,
      is_generated boolean NOT NULL DEFAULT false,
      validation_type text CHECK (validation_type IN ('http', 'dns')),
      validation_token text,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (instance_id, org_id, domain),
      FOREIGN KEY (instance_id, org_id) REFERENCES orgs (instance_id, id) ON DELETE CASCADE
    )`);
    // A domain can be verified by one org of an instance only.
    await q.query(`CREATE UNIQUE INDEX org_domains_verified ON org_domains (instance_id, domain) WHERE is_verified`);
    await q.query(`CREATE UNIQUE INDEX org_domains_primary ON org_domains (instance_id, org_id) WHERE is_primary`);
    await q.query(`CREATE INDEX org_domains_domain ON org_domains (instance_id, domain)`);

    await q.query(`CREATE TABLE org_metadata (
      instance_id text NOT NULL,
      org_id text NOT NULL,
      key text NOT NULL,
      value bytea NOT NULL,
      created_at timestamptz NOT NULL,
      changed_at timestamptz NOT NULL,
      PRIMARY KEY (instance_id, org_id, key),
      FOREIGN KEY (instance_id, org_id) REFERENCES orgs (instance_id, id) ON DELETE CASCADE
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'org_metadata',
      'org_domains',
      'orgs',
      'personal_access_tokens',
      'users',
      'memberships',
      'events',
      'instance_domains',
      'instances',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await q.query(`DROP SEQUENCE IF EXISTS id_generator_nodes`);
  }
}
