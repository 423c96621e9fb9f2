import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Usernames become ZITADEL's unique constraint (internal/repository/user/user.go): the key is the
 * username in the instance, or the username in its org when the org's domain policy in force says
 * `userLoginMustBeDomain`. Each user stores that scope, `username_scope`: '' for instance-wide,
 * its org's id for org-scoped; a unique index on it and the lowercased name does the rest. The
 * org's policy in force is kept on its row (`orgs.usernames_per_org`) so a new user takes its
 * scope from the org row it holds while it is inserted, and a policy change, which rewrites the
 * org rows first, waits for it (or it for the change).
 *
 * Existing data that clashes under this rule (users of orgs that were per org when they were
 * created, and the policy later made instance-wide, which nothing checked then): the oldest
 * holder of the name keeps it instance-wide; each later one keeps its org as its scope, where the
 * name was unique when it was created. A later policy change that would scope those users again
 * fails as ZITADEL's does (AlreadyExists) until one of them is renamed.
 */
export class UsernameScope1767000000011 implements MigrationInterface {
  name = 'UsernameScope1767000000011';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE orgs ADD COLUMN usernames_per_org boolean NOT NULL DEFAULT false');
    // The org's own policy, else the instance's; a stored body lacks a field only where the
    // built-in default (false) applies (Policies.resolve: withDefaults of the row in force).
    await q.query(`UPDATE orgs o SET usernames_per_org = COALESCE((
        SELECT COALESCE((p.body->>'userLoginMustBeDomain')::boolean, false) FROM settings_policies p
         WHERE p.instance_id = o.instance_id AND p.kind = 'domain'
           AND ((p.owner_type = 'org' AND p.owner = o.id) OR (p.owner_type = 'instance' AND p.owner = o.instance_id))
         ORDER BY p.owner_type = 'org' DESC LIMIT 1), false)`);
    await q.query('ALTER TABLE orgs ALTER COLUMN usernames_per_org DROP DEFAULT');

    await q.query(`ALTER TABLE users ADD COLUMN username_scope text NOT NULL DEFAULT ''`);
    await q.query(`UPDATE users u SET username_scope = u.resource_owner FROM orgs o
                    WHERE o.instance_id = u.instance_id AND o.id = u.resource_owner AND o.usernames_per_org`);
    await q.query(`UPDATE users u SET username_scope = u.resource_owner
                    WHERE u.username_scope = '' AND EXISTS (
                      SELECT 1 FROM users v
                       WHERE v.instance_id = u.instance_id AND v.username_scope = '' AND lower(v.username) = lower(u.username)
                         AND (v.created_at, v.id) < (u.created_at, u.id))`);
    await q.query('ALTER TABLE users ALTER COLUMN username_scope DROP DEFAULT');
    await q.query('CREATE UNIQUE INDEX users_username_unique ON users (instance_id, username_scope, lower(username))');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS users_username_unique');
    await q.query('ALTER TABLE users DROP COLUMN IF EXISTS username_scope');
    await q.query('ALTER TABLE orgs DROP COLUMN IF EXISTS usernames_per_org');
  }
}
