import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The providers offered by a login policy: the instance's default policy (owner = instance id,
 * org_id null) or an org's own policy (owner = org_id). An org's policy may offer the org's own
 * providers and the instance's; removing a provider or an org removes its entries.
 */
export class LoginPolicyIdps1765910000000 implements MigrationInterface {
  name = 'LoginPolicyIdps1765910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE login_policy_idps (
      instance_id text NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
      owner text NOT NULL,
      org_id text,
      idp_id text NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (instance_id, owner, idp_id),
      CHECK ((org_id IS NULL AND owner = instance_id) OR owner = org_id),
      FOREIGN KEY (instance_id, idp_id) REFERENCES idp_templates (instance_id, id) ON DELETE CASCADE,
      FOREIGN KEY (instance_id, org_id) REFERENCES orgs (instance_id, id) ON DELETE CASCADE
    )`);
    await q.query(`CREATE INDEX login_policy_idps_idp ON login_policy_idps (instance_id, idp_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS login_policy_idps`);
  }
}
