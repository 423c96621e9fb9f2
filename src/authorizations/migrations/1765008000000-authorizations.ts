import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Authorizations (ZITADEL's user grants): a user's role keys on a project, given by the project's
 * org or by an org the project is granted to. Also lets memberships sit on a project grant
 * (ZITADEL's PROJECT_GRANT_* administrators).
 */
export class Authorizations1765008000000 implements MigrationInterface {
  name = 'Authorizations1765008000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE memberships DROP CONSTRAINT memberships_level_check`);
    await q.query(
      `ALTER TABLE memberships ADD CONSTRAINT memberships_level_check CHECK (level IN ('instance', 'org', 'project', 'project_grant'))`,
    );

    await q.query(`CREATE TABLE user_grants (
      instance_id text NOT NULL,
      id text NOT NULL,
      user_id text NOT NULL,
      project_id text NOT NULL,
      project_grant_id text,
      resource_owner text NOT NULL,
      role_keys text[] NOT NULL DEFAULT '{}',
      state text NOT NULL CHECK (state IN ('active', 'inactive')),
      created_at timestamptz NOT NULL,
      changed_at timestamptz NOT NULL,
      sequence bigint NOT NULL,
      PRIMARY KEY (instance_id, id),
      FOREIGN KEY (instance_id, user_id) REFERENCES users (instance_id, id) ON DELETE CASCADE,
      FOREIGN KEY (instance_id, project_id) REFERENCES projects (instance_id, id) ON DELETE CASCADE,
      FOREIGN KEY (instance_id, project_grant_id) REFERENCES project_grants (instance_id, id) ON DELETE CASCADE,
      FOREIGN KEY (instance_id, resource_owner) REFERENCES orgs (instance_id, id) ON DELETE CASCADE
    )`);
    // One authorization per user, project and org (the org picks the grant), as ZITADEL's unique constraint.
    await q.query(
      `CREATE UNIQUE INDEX user_grants_unique ON user_grants (instance_id, resource_owner, project_id, user_id)`,
    );
    await q.query(`CREATE INDEX user_grants_user ON user_grants (instance_id, user_id)`);
    await q.query(`CREATE INDEX user_grants_project ON user_grants (instance_id, project_id)`);
    await q.query(
      `CREATE INDEX user_grants_project_grant ON user_grants (instance_id, project_grant_id) WHERE project_grant_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX user_grants_created ON user_grants (instance_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS user_grants`);
    await q.query(`DELETE FROM memberships WHERE level = 'project_grant'`);
    await q.query(`ALTER TABLE memberships DROP CONSTRAINT memberships_level_check`);
    await q.query(
      `ALTER TABLE memberships ADD CONSTRAINT memberships_level_check CHECK (level IN ('instance', 'org', 'project'))`,
    );
  }
}
