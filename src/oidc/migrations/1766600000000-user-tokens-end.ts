import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A user's OIDC tokens end with the user: when `user.locked`, `user.deactivated` or
 * `user.removed` is written, every row oidc-provider keeps for that account (access and refresh
 * tokens, codes, grants, browser sessions) is deleted in the same transaction, as ZITADEL's token
 * and refresh-token projections delete a user's tokens on those events. Checking the user's state
 * when a token is used is not enough: after an unlock or reactivation the old tokens would work
 * again. The trigger sits on the event log, as ZITADEL's projections follow it; the delete uses
 * the account index of the first OIDC migration.
 */
export class UserTokensEnd1766600000000 implements MigrationInterface {
  name = 'UserTokensEnd1766600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION portcullis_end_user_tokens() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM oidc_payloads WHERE instance_id = NEW.instance_id AND account_id = NEW.aggregate_id;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER end_user_tokens AFTER INSERT ON events FOR EACH ROW
      WHEN (NEW.event_type IN ('user.locked', 'user.deactivated', 'user.removed'))
      EXECUTE FUNCTION portcullis_end_user_tokens()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS end_user_tokens ON events`);
    await q.query(`DROP FUNCTION IF EXISTS portcullis_end_user_tokens()`);
  }
}
