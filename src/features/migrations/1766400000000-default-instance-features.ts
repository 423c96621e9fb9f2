import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Instances made before new instances got ZITADEL's default instance flags (login_default_org,
 * console_use_v2_user_api) get them once here, so what they report matches what the login does.
 * A flag an instance already sets keeps its value.
 */
export class DefaultInstanceFeatures1766400000000 implements MigrationInterface {
  name = 'DefaultInstanceFeatures1766400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO feature_flags (instance_id, level, flags, sequence, changed_at)
       SELECT id, 'instance', $1::jsonb, 0, now() FROM instances
       ON CONFLICT (instance_id, level) DO UPDATE SET flags = $1::jsonb || feature_flags.flags`,
      [JSON.stringify({ login_default_org: true, console_use_v2_user_api: true })],
    );
  }

  async down(): Promise<void> {
    // The flags stay: they are the instance's own from now on.
  }
}
