import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The `users` columns the change feed announced before (see 1765400000000-change-feed). */
const BEFORE = 'state, username, type, resource_owner';
/**
 * And the columns of the claims an active user's tokens, userinfo and introspection show
 * (UserLookups.activeUserRow, which is cached): a profile, email or phone changed by any process,
 * or by hand, is announced, and every process drops the instance's cached users.
 */
const CLAIMS =
  'given_name, family_name, nick_name, display_name, machine_name, preferred_language, email, email_verified, phone, phone_verified, gender, changed_at';

export class UserClaimsChangeFeed1766470000000 implements MigrationInterface {
  name = 'UserClaimsChangeFeed1766470000000';

  async up(q: QueryRunner): Promise<void> {
    await this.announce(q, `${BEFORE}, ${CLAIMS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.announce(q, BEFORE);
  }

  private async announce(q: QueryRunner, columns: string): Promise<void> {
    await q.query('DROP TRIGGER IF EXISTS announce_change ON users');
    await q.query(
      `CREATE TRIGGER announce_change AFTER DELETE OR UPDATE OF ${columns} ON users FOR EACH ROW EXECUTE FUNCTION portcullis_announce_change()`,
    );
  }
}
