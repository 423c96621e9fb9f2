import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Projects, their roles, and their grants to other organizations. */
export class Projects1764835200000 implements MigrationInterface {
  name = 'Projects1764835200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE projects (
      instance_id text NOT NULL,
      id text NOT NULL,
      resource_owner text NOT NULL,
      name text NOT NULL,
      state text NOT NULL CHECK (state IN ('active', 'inactive')),
      project_role_assertion boolean NOT NULL DEFAULT false,
      authorization_required boolean NOT NULL DEFAULT false,
      project_access_required boolean NOT NULL DEFAULT false,
      private_labeling_setting smallint NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL,
      changed_at timestamptz NOT NULL,
      sequence bigint NOT NULL,
      PRIMARY KEY (instance_id, id),
      FOREIGN KEY (instance_id, resource_owner) REFERENCES orgs (instance_id, id) ON DELETE CASCADE
    )`);
    // Project names are unique within their org, as ZITADEL's.
    await q.query(`CREATE UNIQUE INDEX projects_name ON projects (instance_id, resource_owner, lower(name))`);
    await q.query(`CREATE INDEX projects_created ON projects (instance_id, created_at)`);

    await q.query(`CREATE TABLE project_roles (
      instance_id text NOT NULL,
      project_id text NOT NULL,
      key text NOT NULL,
      display_name text NOT NULL DEFAULT '',
      role_group text NOT NULL DEFAULT '',
      resource_owner text NOT NULL,
      created_at timestamptz NOT NULL,
      changed_at timestamptz NOT NULL,
      PRIMARY KEY (instance_id, project_id, key),
      FOREIGN KEY (instance_id, project_id) REFERENCES projects (instance_id, id) ON DELETE CASCADE
    )`);

    await q.query(`CREATE TABLE project_grants (
      instance_id text NOT NULL,
      id text NOT NULL,
      project_id text NOT NULL,
      resource_owner text NOT NULL,
      granted_org_id text NOT NULL,
      role_keys text[] NOT NULL DEFAULT '{}',
      state text NOT NULL CHECK (state IN ('active', 'inactive')),
      created_at timestamptz NOT NULL,
      changed_at timestamptz NOT NULL,
      sequence bigint NOT NULL,
      PRIMARY KEY (instance_id, id),
      FOREIGN KEY (instance_id, project_id) REFERENCES projects (instance_id, id) ON DELETE CASCADE,
      FOREIGN KEY (instance_id, granted_org_id) REFERENCES orgs (instance_id, id) ON DELETE CASCADE
    )`);
    // A project is granted to an org at most once.
    await q.query(`CREATE UNIQUE INDEX project_grants_org ON project_grants (instance_id, project_id, granted_org_id)`);
    await q.query(`CREATE INDEX project_grants_granted ON project_grants (instance_id, granted_org_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS project_grants`);
    await q.query(`DROP TABLE IF EXISTS project_roles`);
    await q.query(`DROP TABLE IF EXISTS projects`);
  }
}
